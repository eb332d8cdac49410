// `kubeguard convert`: each object of the input as kubectl would send it,
// as kubectl prints it with -o json or -o yaml, so a person sees what the
// rules see (docs/YAML.md).
#include <cctype>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doc/source.h"
#include "fronts/cli/commands.h"
#include "k8s/convert.h"

namespace kg::cli {

void add_convert_command(CLI::App& app, int& status) {
  struct Options {
    std::vector<std::string> paths;
    std::string output = "json";
    bool stop_at_error = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Print each object as kubectl reads it (YAML 1.1 resolved, lists flattened), as JSON or YAML");
  cmd->add_option("paths", opts->paths, "Files or directories (- for standard input)")->required();
  cmd->add_option("-o,--output", opts->output,
                  "json or yaml (the forms kubectl prints with -o json and -o yaml; YAML objects are separated "
                  "by ---)")
      ->capture_default_str();
  cmd->add_flag("--stop-at-error", opts->stop_at_error,
                "Read no further in a file after a document kubectl cannot parse, as kubectl does (by default "
                "the rest of the file is printed too)");
  cmd->callback([opts, &status] {
    std::string output = opts->output;
    for (auto& c : output) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (output != "json" && output != "yaml") {
      std::cerr << fmt::format("kubeguard convert: unknown output '{}' (json, yaml)\n", opts->output);
      status = kExitError;
      return;
    }
    const bool yaml = output == "yaml";
    bool errors = false;
    bool stopped = false;  // the current file, with --stop-at-error
    size_t printed = 0;
    auto report = [&](doc::LoadError&& e, bool stops_file) {
      if (stopped) return;
      errors = true;
      std::cerr << "kubeguard convert: " << doc::format_error(e) << '\n';
      if (opts->stop_at_error && stops_file) stopped = true;
    };
    doc::InputSet inputs = doc::expand_inputs(opts->paths);
    for (auto& e : inputs.errors) report(std::move(e), true);
    k8s::ConvertSinks sinks{[&](std::string&& json) {
                              if (stopped) return;
                              // kubectl's YAML printer separates the objects it prints with ---.
                              if (yaml && printed++ > 0) std::fwrite("---\n", 1, 4, stdout);
                              std::fwrite(json.data(), 1, json.size(), stdout);
                            },
                            report};
    sinks.yaml = yaml;
    for (const auto& file : inputs.files) {
      stopped = false;
      k8s::convert_input(file, sinks);
    }
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      std::cerr << "kubeguard convert: cannot write the output\n";
      errors = true;
    }
    status = errors ? kExitError : kExitOk;
  });
}

}  // namespace kg::cli

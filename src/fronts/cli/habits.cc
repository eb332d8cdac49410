#include "fronts/cli/habits.h"

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "engine/suggest.h"
#include "fronts/cli/commands.h"

namespace kg::cli {
namespace {

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

const CLI::App* find_subcommand(const CLI::App& app, std::string_view name) {
  for (const CLI::App* sub : subcommands_of(app)) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// "kubeguard cluster scan" for a subcommand, from its parents' names.
std::string path_of(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

// Options that take a value where commands are chosen (the app's own).
bool takes_value_at_top(std::string_view word) { return word == "--color"; }

}  // namespace

std::string program_name(std::string_view argv0) {
  size_t slash = argv0.rfind('/');
  std::string_view base = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  // kubectl finds plugins as kubectl-NAME on PATH and runs them by that name.
  if (base == "kubectl-kubeguard") return "kubectl kubeguard";
  return "kubeguard";
}

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") break;
    if (word.starts_with("-")) {
      if (takes_value_at_top(word)) ++i;
      continue;
    }
    if (const CLI::App* sub = find_subcommand(*at, word)) {
      at = sub;
      continue;
    }
    // Words after a command that takes arguments are its arguments.
    if (at->get_require_subcommand_min() == 0) return std::nullopt;
    std::vector<std::string_view> names;
    for (const CLI::App* sub : subcommands_of(*at)) names.push_back(sub->get_name());
    std::string where = at == &app ? std::string() : fmt::format(" for '{}'", path_of(*at));
    return fmt::format("unknown command '{}'{}{}; '{} --help' lists the commands", word, where,
                       engine::did_you_mean(word, names), path_of(*at));
  }
  return std::nullopt;
}

void add_color_option(CLI::App& app) {
  app.add_option("--color")
      ->description(
          "Colour in text output: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always, never "
          "(FORCE_COLOR=1 also forces it)")
      ->transform(CLI::IsMember({"auto", "always", "never"}, CLI::ignore_case))
      ->each([](const std::string& choice) {
        // Setting the conventional variables keeps one place, use_color(),
        // deciding; a child process (a pager, helm) sees the same choice.
        if (choice == "never") {
          ::setenv("NO_COLOR", "1", 1);
          ::unsetenv("FORCE_COLOR");
        } else if (choice == "always") {
          ::unsetenv("NO_COLOR");
          ::setenv("FORCE_COLOR", "1", 1);
        }
      });
}

CLI::Validator ignore_case_value() {
  return CLI::Validator(
      [](std::string& value) {
        for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return std::string();
      },
      "", "ignore case");
}

void add_version_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([&status] {
    std::cout << "kubeguard " << KG_VERSION << '\n';
    status = kExitOk;
  });
}

void add_help_command(CLI::App& app, int& status) {
  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("help", "Help about any command: help [COMMAND...]");
  cmd->add_option("command", *words, "The command, e.g. cluster scan");
  cmd->callback([&app, words, &status] {
    const CLI::App* at = &app;
    for (const auto& word : *words) {
      const CLI::App* sub = find_subcommand(*at, word);
      if (sub == nullptr) {
        std::vector<std::string_view> names;
        for (const CLI::App* s : subcommands_of(*at)) names.push_back(s->get_name());
        std::cerr << fmt::format("{}: unknown command '{}'{}\n", app.get_name(), word,
                                 engine::did_you_mean(word, names));
        status = kExitError;
        return;
      }
      at = sub;
    }
    // help(prev) names the command after its parents: "Usage: kubeguard cluster scan".
    std::cout << (at == &app ? app.help() : at->help(path_of(*at->get_parent())));
    status = kExitOk;
  });
}

}  // namespace kg::cli

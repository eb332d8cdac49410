// `kubeguard pss`: the Pod Security Standards verdict on every pod-bearing
// object, worded as the pod-security-admission controller words it.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "doc/source.h"
#include "engine/session.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "pss/evaluate.h"
#include "util/json_writer.h"
#include "util/redact.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct PssOptions {
  std::vector<std::string> paths;
  std::string level = "restricted";
  std::string version = "latest";
  std::string format = "text";
};

struct Tally {
  size_t allowed = 0;
  size_t denied = 0;
  size_t errors = 0;
};

// One line per object: "ALLOWED file Kind ns/name" or "DENIED ...: check: reason (detail); ...".
class TextOutput {
 public:
  void object(const k8s::Object& object, const pss::Result& result) {
    if (result.allowed) {
      std::cout << fmt::format("ALLOWED {} {}\n", util::terminal_safe(object.file),
                               util::terminal_safe(object.ref.display()));
    } else {
      std::cout << fmt::format("DENIED {} {}: {}\n", util::terminal_safe(object.file),
                               util::terminal_safe(object.ref.display()),
                               util::terminal_safe(util::redact(pss::describe(result))));
    }
  }
  void error(const doc::LoadError&) {}
  void finish(pss::Policy, const Tally&) { std::cout.flush(); }
};

class JsonOutput {
 public:
  explicit JsonOutput(pss::Policy policy) : w_(std::cout) {
    w_.begin_object();
    w_.field("schemaVersion", "1.0");
    w_.key("policy").begin_object();
    w_.field("level", pss::level_name(policy.level));
    w_.field("version", std::string_view(pss::version_name(policy.version)));
    w_.end_object();
    w_.key("results").begin_array();
  }

  void object(const k8s::Object& object, const pss::Result& result) {
    w_.begin_object();
    w_.field("file", object.file);
    w_.field("line", object.root->mark().line);
    w_.field("column", object.root->mark().column);
    w_.key("object").begin_object();
    w_.field("apiVersion", std::string_view(object.ref.api_version));
    w_.field("kind", std::string_view(object.ref.kind));
    w_.field("namespace", std::string_view(object.ref.name_space));
    w_.field("name", std::string_view(object.ref.name));
    w_.end_object();
    w_.field("allowed", result.allowed);
    w_.key("failures").begin_array();
    for (const auto& f : result.failures) {
      w_.begin_object();
      w_.field("check", f.check);
      w_.field("reason", std::string_view(f.reason));
      w_.field("detail", std::string_view(f.detail));
      w_.key("fields").begin_array();
      for (const auto& field : f.fields) {
        doc::Mark mark = field.node != nullptr ? field.node->mark() : object.root->mark();
        w_.begin_object();
        w_.field("path", std::string_view(object.path_prefix + field.path));
        w_.field("line", mark.line);
        w_.field("column", mark.column);
        if (field.container != nullptr) w_.field("container", field.container->name);
        w_.end_object();
      }
      w_.end_array();
      w_.end_object();
    }
    w_.end_array();
    w_.end_object();
  }

  void error(const doc::LoadError& e) { errors_.push_back(e); }

  void finish(pss::Policy, const Tally& tally) {
    w_.end_array();
    w_.key("errors").begin_array();
    for (const auto& e : errors_) {
      w_.begin_object();
      w_.field("code", doc::error_code_name(e.code));
      w_.field("file", std::string_view(e.file));
      w_.field("line", e.mark.line);
      w_.field("column", e.mark.column);
      w_.field("message", std::string_view(e.message));
      w_.end_object();
    }
    w_.end_array();
    w_.key("summary").begin_object();
    w_.field("allowed", static_cast<uint64_t>(tally.allowed));
    w_.field("denied", static_cast<uint64_t>(tally.denied));
    w_.field("errors", static_cast<uint64_t>(tally.errors));
    w_.end_object();
    w_.end_object();
    std::cout << '\n';
    std::cout.flush();
  }

 private:
  util::JsonWriter w_;
  std::vector<doc::LoadError> errors_;
};

template <typename Output>
int evaluate_inputs(const PssOptions& opts, pss::Policy policy, Output& output) {
  Tally tally;
  auto on_error = [&](doc::LoadError&& e) {
    ++tally.errors;
    std::cerr << "kubeguard pss: " << util::terminal_safe(doc::format_error(e)) << '\n';
    output.error(e);
  };
  // The verdict is pod-security-admission's, not the catalog's: a session
  // without rules reads the objects and hands each pod spec to the policy.
  // Every container is judged as the API server sees it: no sidecar profiles.
  engine::Config config;
  config.settings.sidecar_profiles.clear();
  const engine::RuleIndex no_rules{};
  engine::Session session(no_rules, config, engine::Session::Facts::Never);
  std::vector<rules::Finding> none;
  std::vector<doc::LoadError> extraction_errors;
  const engine::ObjectVisitor judge = [&](const k8s::Object& object, const k8s::PodSpecView* pod) {
    for (auto& e : extraction_errors) on_error(std::move(e));  // in the order the document gave them
    extraction_errors.clear();
    if (pod == nullptr) return;
    pss::Result result = pss::evaluate(*pod, policy);
    ++(result.allowed ? tally.allowed : tally.denied);
    output.object(object, result);
  };
  doc::InputSet inputs = doc::expand_inputs(opts.paths);
  for (auto& e : inputs.errors) on_error(std::move(e));
  for (const auto& file : inputs.files) {
    // Documents are evaluated as they load: the verdict's fields point into them.
    doc::load_input(
        file,
        [&](doc::Document&& document) {
          session.add(document, none, extraction_errors, judge);
          for (auto& e : extraction_errors) on_error(std::move(e));
          extraction_errors.clear();
        },
        on_error);
  }
  output.finish(policy, tally);
  if (tally.errors > 0) return kExitError;
  return tally.denied > 0 ? kExitFindings : kExitOk;
}

int run_pss(const PssOptions& opts) {
  auto level = pss::parse_level(opts.level);
  if (!level) {
    std::cerr << fmt::format("kubeguard pss: --level '{}' is not one of privileged, baseline, restricted\n",
                             opts.level);
    return kExitError;
  }
  auto version = pss::parse_version(opts.version);
  if (!version) {
    std::cerr << fmt::format("kubeguard pss: --version '{}' is not vMAJOR.MINOR (e.g. v1.30) or latest\n",
                             opts.version);
    return kExitError;
  }
  pss::Policy policy{*level, *version};
  if (opts.format == "text") {
    TextOutput output;
    return evaluate_inputs(opts, policy, output);
  }
  if (opts.format == "json") {
    JsonOutput output(policy);
    return evaluate_inputs(opts, policy, output);
  }
  std::cerr << fmt::format("kubeguard pss: unknown format '{}' (text, json)\n", opts.format);
  return kExitError;
}

}  // namespace

void add_pss_command(CLI::App& app, int& status) {
  auto opts = std::make_shared<PssOptions>();
  CLI::App* cmd = app.add_subcommand(
      "pss", "Evaluate pods against a Pod Security Standards level and version, as pod-security-admission does");
  cmd->add_option("paths", opts->paths, "Files or directories (.yaml, .yml, .json), or - for standard input")
      ->required();
  cmd->add_option("-l,--level", opts->level, "Policy level: baseline, restricted (or privileged)")
      ->transform(ignore_case_value())
      ->capture_default_str();
  cmd->add_option("-v,--version", opts->version, "Policy version: vMAJOR.MINOR (e.g. v1.30) or latest")
      ->capture_default_str();
  add_format_option(cmd, opts->format);
  cmd->callback([opts, &status] { status = run_pss(*opts); });
}

}  // namespace kg::cli

// `kubeguard rbac`: RBAC findings and attack paths, who-can and
// who-can-inject, over manifest files or a live cluster.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cluster/api_client.h"
#include "cluster/kubeconfig.h"
#include "cluster/rbac_source.h"
#include "engine/rbac_source.h"
#include "engine/scanner.h"
#include "engine/session.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"
#include "rbac/attack_paths.h"
#include "rbac/authorizer.h"
#include "rbac/policy.h"
#include "rbac/render.h"
#include "rbac/resource_names.h"
#include "rbac/source.h"
#include "report/report.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

constexpr std::string_view kCmd = "kubeguard rbac";

struct SourceOptions {
  std::vector<std::string> paths;
  bool cluster = false;
  std::string kubeconfig;
  std::string context;
  std::string default_namespace = "default";
  std::string name_space;
  std::string format = "text";
  std::string output;
};

struct RbacOptions {
  SourceOptions source;
  std::string fail_on;
  std::string config;
};

struct WhoCanOptions {
  SourceOptions source;
  std::string verb;
  std::string resource;
  std::string api_group;
  bool api_group_given = false;  // --api-group "" names the core group; unset lets the name decide
  std::string resource_name;
};

void add_source_options(CLI::App* cmd, SourceOptions& o) {
  cmd->add_option("paths", o.paths, "Manifest files or directories (recursive), - for standard input");
  cmd->add_flag("--cluster", o.cluster, "Read the RBAC objects, service accounts and pods of a live cluster");
  cmd->add_option("--kubeconfig", o.kubeconfig, "Kubeconfig file for --cluster (default: $KUBECONFIG, ~/.kube/config)");
  cmd->add_option("--context", o.context, "Kubeconfig context for --cluster (default: current-context)");
  cmd->add_option("--default-namespace", o.default_namespace,
                  "Namespace of manifest objects that name none (as kubectl apply -n would give them)")
      ->capture_default_str();
  cmd->add_option("-n,--namespace", o.name_space, "Only this namespace (default: every namespace)");
  add_format_option(cmd, o.format);
  cmd->add_option("-o,--output", o.output, "Write to FILE instead of standard output");
}

struct Input {
  rbac::Loaded loaded;
  bool ok = true;
};

Input load(const SourceOptions& o, const engine::Config& config) {
  Input in;
  if (o.cluster == !o.paths.empty()) {
    std::cerr << kCmd << ": give manifest paths or --cluster (one of the two)\n";
    in.ok = false;
    return in;
  }
  if (!o.cluster) {
    in.loaded = engine::load_rbac_files(o.paths, config);
    return in;
  }
  cluster::ConfigRequest request;
  request.kubeconfig = o.kubeconfig;
  request.context = o.context;
  auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
  if (!rest) {
    std::cerr << kCmd << ": " << rest.error().message << '\n';
    in.ok = false;
    return in;
  }
  auto client = cluster::ApiClient::connect(*rest);
  if (!client) {
    std::cerr << kCmd << ": " << client.error().message << '\n';
    in.ok = false;
    return in;
  }
  in.loaded = cluster::load_rbac(*client, fmt::format("cluster:{}", rest->context), config);
  return in;
}

void print_errors(const std::vector<doc::LoadError>& errors) {
  for (const auto& e : errors) std::cerr << kCmd << ": " << util::terminal_safe(doc::format_error(e)) << '\n';
}

// Writes `text` to standard output or the -o file.
// Text for people has every control character from the input made visible.
int emit(const SourceOptions& o, const std::string& rendered) {
  const std::string text = o.format == "text" ? util::terminal_safe_lines(rendered) : rendered;
  if (o.output.empty() || o.output == "-") {
    std::cout << text;
    std::cout.flush();
    return kExitOk;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << kCmd << ": cannot write " << o.output << '\n';
    return kExitError;
  }
  return kExitOk;
}

// DOT through the `dot` program, when installed.
std::optional<std::string> to_svg(const std::string& dot_text, std::string* why) {
  char tmpl[] = "/tmp/kubeguard-rbac-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    *why = "cannot create a temporary file";
    return std::nullopt;
  }
  std::string path = tmpl;
  {
    FILE* f = fdopen(fd, "w");
    fwrite(dot_text.data(), 1, dot_text.size(), f);
    fclose(f);
  }
  std::string svg;
  FILE* pipe = popen(("dot -Tsvg " + path + " 2>/dev/null").c_str(), "r");
  if (pipe != nullptr) {
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) svg.append(buffer, n);
    int status = pclose(pipe);
    if (status != 0) svg.clear();
  }
  std::remove(path.c_str());
  if (svg.empty()) {
    *why = "-f svg needs Graphviz's dot program (apt-get install graphviz); -f dot writes its input";
    return std::nullopt;
  }
  return svg;
}

int run_report(const RbacOptions& opts) {
  const SourceOptions& o = opts.source;
  if (o.format != "text" && o.format != "json" && o.format != "dot" && o.format != "svg") {
    std::cerr << kCmd << ": unknown format '" << o.format << "' (text, json, dot, svg)\n";
    return kExitError;
  }
  // The RBAC family of the catalog, run through the engine like scan does,
  // with the same .kubeguard.yaml (disabled rules, overrides, suppressions).
  rules::Catalog catalog;
  rules::register_rbac_rules(catalog);
  catalog.sort_by_id();
  std::string config_path = opts.config.empty() ? engine::find_config_upward(".") : opts.config;
  engine::ConfigResult loaded_config;
  if (!config_path.empty()) loaded_config = engine::load_config_file(config_path, rules::build_catalog());
  if (!loaded_config.errors.empty()) {
    print_errors(loaded_config.errors);
    return kExitError;
  }
  engine::Config config = std::move(loaded_config.config);
  FrontPolicy front;
  front.fail_never = config.fail_never;  // failOn: none in the file
  if (is_fail_on_none(opts.fail_on)) {
    front.fail_never = true;
  } else if (!opts.fail_on.empty()) {
    auto severity = rules::parse_severity(opts.fail_on);
    if (!severity) {
      std::cerr << kCmd << ": --fail-on '" << opts.fail_on
                << "' is not one of critical, high, medium, low, info, none\n";
      return kExitError;
    }
    config.fail_on = *severity;
    front.fail_never = false;
  }
  const rules::Severity* fail_on = &config.fail_on;
  Input in = load(o, config);
  if (!in.ok) return kExitError;
  print_errors(in.loaded.errors);

  rules::Inventory inventory;
  inventory.rbac = in.loaded.objects;
  for (auto& pod : inventory.rbac.pods) {
    if (pod.name_space.empty()) pod.name_space = o.default_namespace;
  }
  for (auto& r : inventory.rbac.roles) {
    if (!r.cluster && r.name_space.empty()) r.name_space = o.default_namespace;
  }
  for (auto& b : inventory.rbac.bindings) {
    if (!b.cluster && b.name_space.empty()) b.name_space = o.default_namespace;
  }
  for (auto& sa : inventory.rbac.service_accounts) {
    if (sa.name_space.empty()) sa.name_space = o.default_namespace;
  }
  engine::ScanResult result;
  result.errors = in.loaded.errors;
  engine::Session session(catalog, config);
  session.add_facts(std::move(inventory));
  session.finish(result.findings);
  if (!o.name_space.empty()) {
    std::erase_if(result.findings, [&](const rules::Finding& f) {
      return !f.object.name_space.empty() && f.object.name_space != o.name_space;
    });
  }
  result.summary.objects = in.loaded.objects_read;
  result.summary.files = in.loaded.files;
  engine::summarize(result);
  int code = exit_status(result, config, front);

  rbac::Policy policy = rbac::Policy::build(std::move(in.loaded.objects), o.default_namespace);
  std::vector<rbac::AttackPath> paths = rbac::attack_paths(policy, o.name_space);
  std::ostringstream text;
  if (o.format == "text") {
    report::ReportInput input{result, catalog, *fail_on, code, {}, front.fail_never};
    report::write_report(report::Format::Text, input, text, false);
    text << '\n';
    rbac::write_attack_paths_text(paths, text);
  } else if (o.format == "json") {
    util::JsonWriter json(text);
    json.begin_object();
    json.key("findings").begin_array();
    for (const auto& f : result.findings) {
      json.begin_object();
      json.field("ruleId", std::string_view(f.rule_id));
      json.field("severity", rules::severity_name(f.severity));
      json.field("object", f.object.display());
      json.field("file", std::string_view(f.file));
      json.field("line", static_cast<uint64_t>(f.mark.line));
      json.field("path", std::string_view(f.path));
      json.field("message", std::string_view(f.message));
      json.field("suppressed", f.suppressed);
      json.end_object();
    }
    json.end_array();
    json.key("attackPaths");
    rbac::write_attack_paths_json(paths, json);
    json.key("errors").begin_array();
    for (const auto& e : result.errors) json.value(doc::format_error(e));
    json.end_array();
    json.end_object();
    text << '\n';
  } else {
    rbac::write_attack_paths_dot(paths, text);
    if (o.format == "svg") {
      std::string why;
      auto svg = to_svg(text.str(), &why);
      if (!svg) {
        std::cerr << kCmd << ": " << why << '\n';
        return kExitError;
      }
      text.str(*svg);
    }
  }
  if (int written = emit(o, text.str()); written != kExitOk) return written;
  return code;
}

int run_who_can(const WhoCanOptions& opts) {
  const SourceOptions& o = opts.source;
  if (o.format != "text" && o.format != "json") {
    std::cerr << kCmd << " who-can: unknown format '" << o.format << "' (text, json)\n";
    return kExitError;
  }
  const engine::Config defaults;  // who-can reads no configuration
  Input in = load(o, defaults);
  if (!in.ok) return kExitError;
  print_errors(in.loaded.errors);
  rbac::Policy policy = rbac::Policy::build(std::move(in.loaded.objects), o.default_namespace);
  rbac::Attributes q;
  q.verb = opts.verb;
  if (opts.resource.starts_with("/")) {  // a non-resource URL: /metrics, /healthz, /logs/*
    q.resource_request = false;
    q.path = opts.resource;
  } else {
    rbac::set_resource(q, opts.resource);
  }
  q.api_group = opts.api_group;
  // pod, po, Pod, deploy, deployments.apps: what kubectl accepts, as the
  // plural RBAC rules name, in its group unless --api-group says otherwise.
  if (q.resource_request) {
    if (auto known = rbac::resolve_resource_name(q.resource)) {
      q.resource = known->plural;
      if (!opts.api_group_given) q.api_group = known->group;
    }
  }
  q.name = opts.resource_name;
  q.name_space = o.name_space;
  std::vector<rbac::Grant> grants = rbac::who_can(policy, q, o.name_space.empty());
  std::ostringstream text;
  if (o.format == "text") {
    rbac::write_who_can_text(q, grants, text);
  } else {
    util::JsonWriter json(text);
    rbac::write_who_can_json(q, grants, json);
    text << '\n';
  }
  if (int written = emit(o, text.str()); written != kExitOk) return written;
  return in.loaded.errors.empty() ? kExitOk : kExitError;
}

int run_who_can_inject(const SourceOptions& o) {
  if (o.format != "text" && o.format != "json") {
    std::cerr << kCmd << " who-can-inject: unknown format '" << o.format << "' (text, json)\n";
    return kExitError;
  }
  const engine::Config defaults;  // who-can reads no configuration
  Input in = load(o, defaults);
  if (!in.ok) return kExitError;
  print_errors(in.loaded.errors);
  rbac::Policy policy = rbac::Policy::build(std::move(in.loaded.objects), o.default_namespace);
  auto answers = rbac::who_can_inject(policy, o.name_space);
  std::ostringstream text;
  if (o.format == "text") {
    rbac::write_injectors_text(answers, text);
  } else {
    util::JsonWriter json(text);
    rbac::write_injectors_json(answers, json);
    text << '\n';
  }
  if (int written = emit(o, text.str()); written != kExitOk) return written;
  if (!in.loaded.errors.empty()) return kExitError;
  return answers.empty() ? kExitOk : kExitFindings;
}

}  // namespace

void add_rbac_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand(
      "rbac", "RBAC findings and attack paths; who-can and who-can-inject, over manifests or a live cluster");
  cmd->require_subcommand(0, 1);
  auto opts = std::make_shared<RbacOptions>();
  add_source_options(cmd, opts->source);
  cmd->add_option(
      "--fail-on", opts->fail_on,
      "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; none: never; default high)");
  cmd->add_option("--config", opts->config, "Configuration file (default: .kubeguard.yaml found upward)");

  auto who = std::make_shared<WhoCanOptions>();
  CLI::App* who_can = cmd->add_subcommand("who-can", "Subjects allowed VERB on RESOURCE[/SUBRESOURCE], and why");
  who_can->add_option("verb", who->verb, "Verb: get, list, create, patch, update, delete, escalate, bind...")
      ->required();
  who_can
      ->add_option("resource", who->resource,
                   "Resource, optionally with a subresource (pods, pods/exec), or a non-resource URL (/metrics)")
      ->required();
  who_can
      ->add_option("--api-group", who->api_group,
                   "API group of the resource (\"\" for the core group; default: the built-in resource's group)")
      ->each([who](const std::string&) { who->api_group_given = true; });
  who_can->add_option("--resource-name", who->resource_name, "Name of the object asked about");
  add_source_options(who_can, who->source);

  auto inject = std::make_shared<SourceOptions>();
  CLI::App* who_inject =
      cmd->add_subcommand("who-can-inject", "Every subject that can put code into a pod, by which path and where");
  add_source_options(who_inject, *inject);

  who_can->callback([who, &status] { status = run_who_can(*who); });
  who_inject->callback([inject, &status] { status = run_who_can_inject(*inject); });
  cmd->callback([cmd, opts, &status] {
    if (cmd->get_subcommands().empty()) status = run_report(*opts);
  });
}

}  // namespace kg::cli

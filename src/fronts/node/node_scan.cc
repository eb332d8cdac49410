#include "fronts/node/node_scan.h"

#include <filesystem>

#include <fmt/format.h>

#include "doc/source.h"
#include "k8s/pod_spec.h"
#include "node/files.h"
#include "node/proc.h"
#include "rules/node/node_rules.h"
#include "util/redact.h"

namespace kg::node {
namespace {

void load_kubelet_config(Component& c, Discovery& out) {
  if (c.kind != ComponentKind::Kubelet) return;
  const Flag* f = c.flag("config");
  if (f == nullptr || f->value.empty()) return;
  auto loaded = load_config(c, f->value);
  if (loaded.config) {
    c.config = std::move(loaded.config);
  } else if (loaded.error) {
    out.errors.push_back(std::move(*loaded.error));
  }
}

// The path as the node names it: absolute (a relative path given on the
// command line is relative to the working directory), without the prefix
// where the node's root is mounted.
std::string strip_root(std::string_view given, std::string_view root) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(std::filesystem::path(given), ec).lexically_normal().string();
  std::string_view path = ec ? given : std::string_view(absolute);
  if (root.empty() || root == "/") return std::string(path);
  std::string r(root);
  while (!r.empty() && r.back() == '/') r.pop_back();
  if (path.starts_with(r) && (path.size() == r.size() || path[r.size()] == '/')) {
    return std::string(path.substr(r.size()));
  }
  return std::string(path);
}

}  // namespace

void discover_processes(const NodeScanRequest& request, Discovery& out) {
  std::vector<int> pids = request.pids.empty() ? list_pids(request.proc_root) : request.pids;
  for (int pid : pids) {
    auto p = read_process(request.proc_root, pid);
    if (!p) {
      if (!request.pids.empty()) {
        out.errors.push_back({doc::ErrorCode::Io, fmt::format("{}/{}", request.proc_root, pid), {}, "no such process"});
      }
      continue;
    }
    if (p->argv.empty()) continue;
    auto kind = component_of_program(p->argv.front());
    if (!kind) continue;
    Component c;
    c.kind = *kind;
    c.pid = pid;
    c.uid = p->uid;
    c.ref.kind = "Process";
    c.ref.name = fmt::format("{}[{}]", component_name(c.kind), pid);
    std::string cmdline = fmt::format("{}/{}/cmdline", request.proc_root, pid);
    c.origin.file = cmdline;
    c.origin.path = "argv[0]";
    c.root = fmt::format("{}/{}/root", request.proc_root, pid);
    c.cwd = fmt::format("{}/{}/cwd", request.proc_root, pid);
    std::vector<Argument> args;
    for (size_t i = 1; i < p->argv.size(); ++i) {
      Where w;
      w.file = cmdline;
      w.path = fmt::format("argv[{}]", i);
      args.push_back(Argument{p->argv[i], std::move(w)});
    }
    c.flags = parse_flags(args);
    if (c.kind == ComponentKind::Etcd) {
      for (const auto& var : read_environ(request.proc_root, pid)) {
        size_t eq = var.find('=');
        std::string name = etcd_flag_of_variable(std::string_view(var).substr(0, eq));
        if (name.empty() || eq == std::string::npos) continue;
        Where w;
        w.file = fmt::format("{}/{}/environ", request.proc_root, pid);
        w.path = var.substr(0, eq);
        c.environment.push_back(Flag{std::move(name), var.substr(eq + 1), std::move(w)});
      }
    }
    load_kubelet_config(c, out);
    out.components.push_back(std::move(c));
    out.ignores.emplace_back();
  }
}

void discover_manifests(const NodeScanRequest& request, Discovery& out) {
  doc::InputSet inputs = doc::expand_inputs(request.manifests);
  for (auto& e : inputs.errors) out.errors.push_back(std::move(e));
  for (const auto& file : inputs.files) {
    std::vector<std::shared_ptr<doc::Document>> docs;
    doc::load_input(
        file, [&](doc::Document&& d) { docs.push_back(std::make_shared<doc::Document>(std::move(d))); },
        [&](doc::LoadError&& e) { out.errors.push_back(std::move(e)); });
    for (auto& d : docs) {
      k8s::Extraction extraction;
      k8s::extract_objects(*d, extraction);
      for (const auto& object : extraction.objects) {
        if (object.ref.kind != "Pod") continue;
        auto pod = k8s::pod_spec_of(object);
        if (!pod) continue;
        for (const auto& container : pod->containers) {
          if (container.kind != k8s::ContainerKind::Regular) continue;
          auto c = component_of_container(object, *container.node, container.path);
          if (!c) continue;
          c->manifest = strip_root(file, request.host_root);
          c->root = request.host_root;
          out.components.push_back(std::move(*c));
          out.ignores.push_back(engine::ignore_list_of(object, &*pod));
        }
      }
      out.documents.push_back(std::move(d));
    }
  }
}

void discover_kubelet_configs(const NodeScanRequest& request, Discovery& out) {
  for (const auto& file : request.kubelet_configs) {
    Component c;
    c.kind = ComponentKind::Kubelet;
    c.root = request.host_root;
    std::string named = strip_root(file, request.host_root);
    c.ref.kind = "KubeletConfiguration";
    c.ref.name = named;
    c.origin.file = named;
    auto loaded = load_config(c, named);
    if (!loaded.config) {
      out.errors.push_back(std::move(*loaded.error));
      continue;
    }
    c.config = std::move(loaded.config);
    // Its own permissions are checked as the kubelet's --config file.
    c.flags.push_back(Flag{"config", named, c.origin});
    out.components.push_back(std::move(c));
    out.ignores.emplace_back();
  }
}

void evaluate_component(const Component& component, const engine::IgnoreList& ignore, const engine::Config& config,
                        std::vector<rules::Finding>& out) {
  for (const auto& rule : rules::node::node_rules()) {
    if (!config.rule_enabled(rule.meta->id)) continue;
    rules::node::NodeEmitter emitter(component);
    rule.check(component, emitter);
    for (auto& hit : emitter.hits()) {
      rules::Finding f;
      f.rule_id = std::string(rule.meta->id);
      f.severity = hit.severity.value_or(rule.meta->severity);
      f.object = component.ref;
      f.path = std::move(hit.where.path);
      f.file = std::move(hit.where.file);
      f.mark = hit.where.mark;
      // Flag values are quoted (an etcd URL may carry user:password@).
      f.message = util::redact(hit.message);
      engine::apply_policy(f, *rule.meta, ignore, config);
      out.push_back(std::move(f));
    }
  }
}

engine::ScanResult scan_node(const NodeScanRequest& given, const engine::Config& config) {
  NodeScanRequest request = given;
  std::error_code ec;
  auto root = std::filesystem::absolute(std::filesystem::path(request.host_root), ec);
  if (!ec) request.host_root = root.lexically_normal().string();
  Discovery found;
  if (request.processes) discover_processes(request, found);
  discover_manifests(request, found);
  discover_kubelet_configs(request, found);
  for (auto& c : found.components) c.peers = found.components;
  engine::ScanResult result;
  for (size_t i = 0; i < found.components.size(); ++i) {
    evaluate_component(found.components[i], found.ignores[i], config, result.findings);
  }
  result.errors = std::move(found.errors);
  result.summary.objects = found.components.size();
  result.summary.files = request.manifests.size() + request.kubelet_configs.size();
  if (found.components.empty()) {
    result.notices.emplace_back("no control-plane or kubelet component found (processes, manifests, configs)");
  }
  engine::summarize(result);
  return result;
}

}  // namespace kg::node

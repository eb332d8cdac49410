#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "rules/node/node_rules.h"

namespace kg::rules {
namespace node {
namespace {

// Control-plane components in a pod: kubeadm's static pods on disk and their
// mirror pods in kube-system. Files are not read from a manifest scanned
// here (they may belong to another machine); `kubeguard node scan` does that.
void on_pod(const ObjectContext& ctx, const NodeRule& rule, Emitter& out) {
  if (ctx.pod == nullptr) return;
  for (const auto& container : ctx.pod->containers) {
    if (container.kind != k8s::ContainerKind::Regular || container.node == nullptr) continue;
    auto component = kg::node::component_of_container(ctx.object, *container.node, container.path);
    if (!component || component->kind == ComponentKind::Kubelet) continue;
    NodeEmitter emitter(*component);
    rule.check(*component, emitter);
    for (auto& hit : emitter.hits()) {
      out.report(hit.severity.value_or(rule.meta->severity), std::move(hit.where.path), hit.where.node,
                 std::move(hit.message), &container);
    }
  }
}

// A KubeletConfiguration file scanned like a manifest: the kubelet it
// configures, with no flags given.
void on_kubelet_configuration(const ObjectContext& ctx, const NodeRule& rule, Emitter& out) {
  Component component;
  component.kind = ComponentKind::Kubelet;
  component.ref = ctx.object.ref;
  component.origin.file = std::string(ctx.object.file);
  component.origin.mark = ctx.object.root->mark();
  auto config = std::make_shared<kg::node::ConfigFile>();
  config->path = std::string(ctx.object.file);
  config->root = ctx.object.root;
  component.config = std::move(config);
  NodeEmitter emitter(component);
  rule.check(component, emitter);
  for (auto& hit : emitter.hits()) {
    out.report(hit.severity.value_or(rule.meta->severity), std::move(hit.where.path), hit.where.node,
               std::move(hit.message));
  }
}

// One catalog entry per rule, each with a check function of its own (a
// check function cannot carry its rule): the I-th rule of node_rules().
template <size_t I>
void on_object(const ObjectContext& ctx, Emitter& out) {
  auto rules = node_rules();
  if (I >= rules.size()) return;
  if (ctx.object.ref.kind == "Pod") on_pod(ctx, rules[I], out);
  if (ctx.object.ref.kind == "KubeletConfiguration") on_kubelet_configuration(ctx, rules[I], out);
}

constexpr size_t kMaxRules = 64;

template <size_t... I>
constexpr std::array<ObjectCheck, sizeof...(I)> object_checks(std::index_sequence<I...>) {
  return {&on_object<I>...};
}

constexpr auto kObjectChecks = object_checks(std::make_index_sequence<kMaxRules>{});

std::vector<NodeRule> all_rules() {
  std::vector<NodeRule> out;
  for (auto part : {apiserver_auth_rules(), apiserver_admission_rules(), apiserver_audit_rules(), apiserver_tls_rules(),
                    controller_rules(), etcd_rules(), kubelet_rules(), file_rules()}) {
    out.insert(out.end(), part.begin(), part.end());
  }
  std::sort(out.begin(), out.end(), [](const NodeRule& a, const NodeRule& b) { return a.meta->id < b.meta->id; });
  return out;
}

}  // namespace

void NodeEmitter::at(const Flag* flag, std::string message, std::optional<Severity> severity) {
  at(flag != nullptr ? flag->where : component_.origin, std::move(message), severity);
}

void NodeEmitter::at(Where where, std::string message, std::optional<Severity> severity) {
  hits_.push_back(NodeHit{std::move(where), std::move(message), severity});
}

void NodeEmitter::at_file(std::string_view path, std::string message) {
  Where where;
  where.file = std::string(path);
  hits_.push_back(NodeHit{std::move(where), std::move(message), std::nullopt});
}

std::span<const NodeRule> node_rules() {
  // Built once from the files' tables; immutable afterwards.
  static const std::vector<NodeRule> kRules = all_rules();
  return kRules;
}

std::optional<bool> parse_bool(std::string_view text) {
  static constexpr auto kTrue = std::to_array<std::string_view>({"1", "t", "T", "TRUE", "true", "True"});
  static constexpr auto kFalse = std::to_array<std::string_view>({"0", "f", "F", "FALSE", "false", "False"});
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) return false;
  return std::nullopt;
}

bool flag_is(const Flag* flag, bool value) {
  if (flag == nullptr) return false;
  auto b = parse_bool(flag->value);
  return b && *b == value;
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool list_has(std::string_view value, std::string_view item) {
  auto items = split_list(value);
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::string flag_text(const Component& c, std::string_view flag) {
  return fmt::format("{} --{}", kg::node::component_name(c.kind), flag);
}

KubeletSetting kubelet_setting(const Component& c, std::string_view flag, std::string_view field,
                               std::string_view legacy_default, std::string_view config_default) {
  KubeletSetting s;
  if (const Flag* f = c.flag(flag)) {
    s.value = f->value;
    s.where = f->where;
    s.source = fmt::format("--{}", flag);
    return s;
  }
  if (c.config != nullptr) {
    if (const doc::Node* n = c.config->find(field); n != nullptr && n->is_scalar()) {
      s.value = std::string(n->str());
      s.where = c.config->where(field);
      s.source = fmt::format("{} in {}", field, c.config->path);
      return s;
    }
  }
  s.value = std::string(c.config != nullptr ? config_default : legacy_default);
  s.where = c.origin;
  s.defaulted = true;
  s.source = c.config != nullptr ? fmt::format("the default ({} not set in {})", field, c.config->path)
                                 : fmt::format("the default (no --{} and no --config)", flag);
  return s;
}

}  // namespace node

void register_node_rules(Catalog& catalog) {
  auto rules = node::node_rules();
  if (rules.size() > node::kMaxRules) std::abort();  // raise kMaxRules
  for (size_t i = 0; i < rules.size(); ++i) catalog.add_object_rule(*rules[i].meta, node::kObjectChecks[i]);
}

}  // namespace kg::rules

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

bool names_an_object(std::string_view verb) {
  return verb != "create" && verb != "list" && verb != "watch" && verb != "deletecollection";
}

std::string need_text(const rbac::Need& need) {
  return need.group.empty() ? fmt::format("{} {}", need.verb, need.resource)
                            : fmt::format("{} {}.{}", need.verb, need.resource, need.group);
}

// "create pods, patch deployments.apps" for the needs one rule grants.
std::string granted(const rbac::PolicyRule& rule, std::span<const rbac::Need> needs) {
  std::vector<std::string> parts;
  for (const auto& n : needs) {
    if (rule_grants(rule, n)) parts.push_back(need_text(n));
  }
  if (parts.size() > 4) {
    size_t more = parts.size() - 3;
    parts.resize(3);
    parts.push_back(fmt::format("{} more", more));
  }
  std::string text = fmt::format("{}", fmt::join(parts, ", "));
  if (!rule.resource_names.empty()) text += fmt::format(" (only on {})", fmt::join(rule.resource_names, ", "));
  return text;
}

}  // namespace

std::string holders(const std::vector<const rbac::Binding*>& bindings) {
  if (bindings.empty()) return "not bound in the input";
  std::vector<std::string> parts;
  for (const rbac::Binding* b : bindings) {
    std::vector<std::string> who;
    for (const auto& s : b->subjects) who.push_back(rbac::describe_subject(s, *b));
    parts.push_back(fmt::format("{} {}{} to {}", b->cluster ? "ClusterRoleBinding" : "RoleBinding",
                                b->cluster ? "" : b->name_space + "/", b->name,
                                who.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(who, ", "))));
    if (parts.size() == 3 && bindings.size() > 3) {
      parts.push_back(fmt::format("{} more binding(s)", bindings.size() - 3));
      break;
    }
  }
  return fmt::format("bound by {}", fmt::join(parts, "; "));
}

namespace {

bool reaches_kube_system(const rbac::Role& role, const std::vector<const rbac::Binding*>& bindings) {
  if (!role.cluster && role.name_space == "kube-system") return true;
  return std::any_of(bindings.begin(), bindings.end(),
                     [](const rbac::Binding* b) { return b->cluster || b->name_space == "kube-system"; });
}

}  // namespace

bool grants_everything(const std::vector<rbac::RuleRef>& rules) {
  static constexpr std::string_view kVerbs[] = {"get", "list", "watch", "create", "update", "patch", "delete"};
  bool seen[std::size(kVerbs)] = {};
  auto has = [](const std::vector<std::string>& values, std::string_view v) {
    return std::find(values.begin(), values.end(), v) != values.end();
  };
  for (const auto& ref : rules) {
    const rbac::PolicyRule& r = *ref.rule;
    if (!r.resource_names.empty() || !has(r.api_groups, "*") || !has(r.resources, "*")) continue;
    if (has(r.verbs, "*")) return true;
    for (size_t i = 0; i < std::size(kVerbs); ++i) seen[i] |= has(r.verbs, kVerbs[i]);
  }
  return std::all_of(std::begin(seen), std::end(seen), [](bool b) { return b; });
}

bool rule_grants(const rbac::PolicyRule& rule, const rbac::Need& need) {
  rbac::Attributes a = rbac::attributes_of(need, "");
  if (!rbac::verb_matches(rule, a.verb) || !rbac::api_group_matches(rule, a.api_group) ||
      !rbac::resource_matches(rule, a.resource_text(), a.subresource)) {
    return false;
  }
  return rule.resource_names.empty() || names_an_object(need.verb);
}

void report_grants(const InventoryContext& ctx, InventoryEmitter& out, const GrantQuery& query) {
  const rbac::Objects& input = ctx.inventory.rbac;
  if (input.empty()) return;
  const rbac::Policy& policy = ctx.rbac_policy;
  const auto& roles = policy.roles();
  for (size_t i = 0; i < input.roles.size(); ++i) {
    const rbac::Role& role = roles[i];
    if (role.bootstrap) continue;  // Kubernetes' own: reported where a binding hands it out
    std::vector<const rbac::Binding*> bound;
    bool bound_computed = false;
    for (size_t j = 0; j < role.rules.size(); ++j) {
      const rbac::PolicyRule& rule = role.rules[j];
      if (!std::any_of(query.needs.begin(), query.needs.end(),
                       [&](const rbac::Need& n) { return rule_grants(rule, n); })) {
        continue;
      }
      if (!bound_computed) {
        bound = policy.bindings_granting(role);
        bound_computed = true;
      }
      std::string kind = role.cluster ? "ClusterRole" : "Role";
      std::string name = role.cluster ? role.name : role.name_space + "/" + role.name;
      Severity severity =
          query.worse_in_kube_system && reaches_kube_system(role, bound) ? Severity::Critical : out.severity();
      out.report(severity, input.roles[i].rules[j].origin,
                 fmt::format("{} {} rules[{}] may {} ({}); {}", kind, name, j, query.what, granted(rule, query.needs),
                             holders(bound)));
    }
  }
  // Non-bootstrap bindings that hand out a bootstrap role with the permission (edit, admin...).
  const auto& bindings = policy.bindings();
  for (size_t i = 0; i < bindings.size(); ++i) {
    const rbac::Binding& b = bindings[i];
    if (b.bootstrap) continue;
    const rbac::Role* role = policy.role_of(b);
    // cluster-admin and its equivalents: KG-RBAC-014 reports their bindings.
    if (role == nullptr || !role->bootstrap || grants_everything(policy.rules_of(*role))) continue;
    for (const auto& r : policy.rules_of(*role)) {
      if (!std::any_of(query.needs.begin(), query.needs.end(),
                       [&](const rbac::Need& n) { return rule_grants(*r.rule, n); })) {
        continue;
      }
      std::vector<std::string> who;
      for (const auto& s : b.subjects) who.push_back(rbac::describe_subject(s, b));
      Severity severity = query.worse_in_kube_system && (b.cluster || b.name_space == "kube-system")
                              ? Severity::Critical
                              : out.severity();
      out.report(
          severity, input.bindings[i].role_ref_origin,
          fmt::format("{} {}{} gives {} the built-in {} {}, which may {} ({})",
                      b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.cluster ? "" : b.name_space + "/", b.name,
                      who.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(who, ", ")),
                      role->cluster ? "ClusterRole" : "Role", role->name, query.what, granted(*r.rule, query.needs)));
      break;
    }
  }
}

}  // namespace kg::rules::rbac_rules

// RBAC writes judged by what they grant, not by their names (KG-AUD-010,
// 011, 012, 020, 021, 022): a role's rules are read for "everything" and for
// the dangerous grants; a binding is judged by what its role is known to
// grant (the built-in roles, or the role as the log last showed it) and by
// who it binds; deletes and hand changes of built-in objects are reported.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"

namespace kg::audit {
namespace {

using rules::Severity;
using rules::aud::AudRule;

bool has(const doc::Node* list, std::string_view value) {
  if (list == nullptr || !list->is_sequence()) return false;
  return std::any_of(list->items().begin(), list->items().end(),
                     [&](const doc::Node& item) { return item.str() == value; });
}

// Whether one PolicyRule grants any of `verbs` on `resource` of `group`
// (wildcards included; "pods/*" covers every subresource of pods).
bool rule_grants(const doc::Node& rule, std::string_view group, std::string_view resource,
                 const std::vector<std::string_view>& verbs) {
  const doc::Node* groups = rule.get("apiGroups");
  const doc::Node* resources = rule.get("resources");
  const doc::Node* rule_verbs = rule.get("verbs");
  if (!has(groups, "*") && !has(groups, group)) return false;
  bool resource_ok = has(resources, "*") || has(resources, resource);
  if (!resource_ok) {
    size_t slash = resource.find('/');
    if (slash != std::string_view::npos) resource_ok = has(resources, std::string(resource.substr(0, slash)) + "/*");
  }
  if (!resource_ok) return false;
  if (has(rule_verbs, "*")) return true;
  return std::any_of(verbs.begin(), verbs.end(), [&](std::string_view v) { return has(rule_verbs, v); });
}

struct Grant {
  std::string_view group;
  std::string_view resource;
  std::vector<std::string_view> verbs;
  std::string_view label;
  bool cluster_role_only = false;  // dangerous only cluster-wide (secrets)
};

const Grant kDangerous[] = {
    {"",
     "nodes/proxy",
     {"get", "create", "update", "patch"},
     "nodes/proxy (the kubelet API: exec in any pod of a node)"},
    {"", "pods/exec", {"create", "get"}, "pods/exec"},
    {"", "pods/attach", {"create", "get"}, "pods/attach"},
    {"", "serviceaccounts/token", {"create"}, "serviceaccounts/token (mint tokens)"},
    {"", "secrets", {"get", "list", "watch"}, "secrets (read cluster-wide)", true},
    {"admissionregistration.k8s.io",
     "mutatingwebhookconfigurations",
     {"create", "update", "patch"},
     "mutatingwebhookconfigurations (write)"},
    {"admissionregistration.k8s.io",
     "validatingwebhookconfigurations",
     {"create", "update", "patch", "delete"},
     "validatingwebhookconfigurations (write)"},
    {"certificates.k8s.io",
     "certificatesigningrequests/approval",
     {"update", "patch"},
     "certificatesigningrequests/approval (approve CSRs)"},
    {"certificates.k8s.io", "signers", {"approve", "sign"}, "signers (approve or sign certificates)"},
};

// Grants of the built-in roles (the defaults the API server reconciles).
const RoleFacts* builtin_role(std::string_view name) {
  static const RoleFacts kClusterAdmin{true, {}};
  static const RoleFacts kAdmin{false,
                                {"pods/exec", "pods/attach", "secrets (read and write)",
                                 "serviceaccounts (impersonate)", "rolebindings (write)"}};
  static const RoleFacts kEdit{
      false, {"pods/exec", "pods/attach", "secrets (read and write)", "serviceaccounts (impersonate)"}};
  if (name == "cluster-admin") return &kClusterAdmin;
  if (name == "admin") return &kAdmin;
  if (name == "edit") return &kEdit;
  return nullptr;
}

bool is_builtin_name(std::string_view name) {
  return name == "cluster-admin" || name == "admin" || name == "edit" || name == "view" || name.starts_with("system:");
}

// Built-in by evidence: the bootstrap label on the object; by its name only
// when the log holds no body (a Metadata-level write or a delete).
bool is_builtin(const doc::Node* object, std::string_view name) {
  if (object != nullptr && object->is_mapping() && object->get("metadata") != nullptr) {
    const doc::Node* labels = object->get("metadata")->get("labels");
    return k8s::string_at(labels, "kubernetes.io/bootstrapping") == "rbac-defaults";
  }
  return is_builtin_name(name);
}

const doc::Node* body_of(const Event& event, std::string_view kind) {
  if (event.response_object && k8s::string_at(&*event.response_object, "kind") == kind) return &*event.response_object;
  if (event.request_object && k8s::string_at(&*event.request_object, "kind") == kind) return &*event.request_object;
  // GKE bodies may lack kind: a mapping of the right shape will do.
  if (event.response_object && event.response_object->is_mapping() &&
      (event.response_object->get("rules") != nullptr || event.response_object->get("roleRef") != nullptr))
    return &*event.response_object;
  if (event.request_object && event.request_object->is_mapping()) return &*event.request_object;  // a patch
  return nullptr;
}

RoleFacts facts_of(const doc::Node* rules, bool cluster_role, std::vector<std::string>& wildcard,
                   std::vector<std::string>& escalation) {
  RoleFacts facts;
  if (rules == nullptr || !rules->is_sequence()) return facts;
  for (const auto& rule : rules->items()) {
    const doc::Node* verbs = rule.get("verbs");
    const doc::Node* resources = rule.get("resources");
    const doc::Node* groups = rule.get("apiGroups");
    if (has(verbs, "*") && has(resources, "*") && has(groups, "*")) facts.everything = true;
    if (has(verbs, "*") || has(resources, "*")) {
      wildcard.push_back(fmt::format("verbs {} on resources {} of groups {}", has(verbs, "*") ? "*" : "listed",
                                     has(resources, "*") ? "*" : "listed", has(groups, "*") ? "*" : "listed"));
    }
    for (std::string_view verb : {"escalate", "bind", "impersonate"}) {
      if (has(verbs, verb)) escalation.emplace_back(verb);
    }
    for (const auto& g : kDangerous) {
      if (g.cluster_role_only && !cluster_role) continue;
      if (rule_grants(rule, g.group, g.resource, g.verbs) &&
          std::find(facts.dangerous.begin(), facts.dangerous.end(), g.label) == facts.dangerous.end()) {
        facts.dangerous.emplace_back(g.label);
      }
    }
  }
  return facts;
}

std::string subjects_text(const doc::Node* binding) {
  std::string out;
  const doc::Node* subjects = binding == nullptr ? nullptr : binding->get("subjects");
  if (subjects == nullptr || !subjects->is_sequence()) return out;
  for (const auto& s : subjects->items()) {
    if (!out.empty()) out += ", ";
    std::string_view ns = k8s::string_at(&s, "namespace");
    out += fmt::format("{} {}{}", k8s::string_at(&s, "kind"), ns.empty() ? "" : std::string(ns) + "/",
                       k8s::string_at(&s, "name"));
  }
  return out;
}

// Subjects that stand for every caller, or for a privileged group.
std::vector<std::string> broad_subjects(const doc::Node* binding, const AuditSettings& settings) {
  std::vector<std::string> out;
  const doc::Node* subjects = binding == nullptr ? nullptr : binding->get("subjects");
  if (subjects == nullptr || !subjects->is_sequence()) return out;
  for (const auto& s : subjects->items()) {
    std::string_view kind = k8s::string_at(&s, "kind");
    std::string_view name = k8s::string_at(&s, "name");
    if ((kind == "Group" && (name == "system:authenticated" || name == "system:unauthenticated" ||
                             name == "system:serviceaccounts" || settings.is_privileged_group(name))) ||
        (kind == "User" && name == "system:anonymous")) {
      out.push_back(fmt::format("{} {}", kind, name));
    }
  }
  return out;
}

std::string role_key(std::string_view kind, std::string_view ns, std::string_view name) {
  return kind == "ClusterRole" ? fmt::format("clusterroles//{}", name) : fmt::format("roles/{}/{}", ns, name);
}

void judge_binding(const Event& event, const DetectContext& ctx, const DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  const doc::Node* body = body_of(event, kind_of_resource(ref.resource));
  const doc::Node* role_ref = body == nullptr ? nullptr : body->get("roleRef");
  std::string_view role_kind = k8s::string_at(role_ref, "kind");
  std::string_view role = k8s::string_at(role_ref, "name");
  const bool cluster_wide = ref.resource == "clusterrolebindings";
  const bool system_ns = ctx.audit.is_system_namespace(ref.name_space);
  std::string subjects = subjects_text(body);
  std::vector<std::string> broad = broad_subjects(body, ctx.audit);

  const RoleFacts* facts = role_kind == "ClusterRole" ? builtin_role(role) : nullptr;
  std::string known_from = "built-in role";
  if (facts == nullptr && !role.empty()) {
    facts = state.roles.get(role_key(role_kind, ref.name_space, role));
    known_from = "role as last written in this log";
  }
  auto base = [&](AudRule rule, rules::CaseName severity, std::string message) {
    Alert alert = alert_for(event, rule, severity, std::move(message));
    alert.add("roleRef", fmt::format("{} {}", role_kind.empty() ? "?" : role_kind, role.empty() ? "?" : role));
    if (!subjects.empty()) alert.add("subjects", subjects);
    for (const auto& b : broad) alert.add("broadSubject", b);
    add_caller_notes(event, alert);
    return alert;
  };
  std::string whom = subjects.empty() ? "(subjects not in the log)" : subjects;
  if (facts != nullptr && facts->everything) {
    Alert alert = base(AudRule::ClusterAdminBinding, rules::CaseName(),
                       fmt::format("{} {} binds {} {} (every verb on every resource) to {}", event.verb, ref.display(),
                                   role_kind, role, whom));
    alert.add("grants", fmt::format("everything ({})", known_from));
    out.push_back(std::move(alert));
    return;
  }
  if (facts != nullptr && !facts->dangerous.empty()) {
    Alert alert =
        base(AudRule::DangerousBinding, cluster_wide || system_ns || !broad.empty() ? "broad"_case : rules::CaseName(),
             fmt::format("{} {} binds {} {} ({}) to {}{}", event.verb, ref.display(), role_kind, role,
                         fmt::join(facts->dangerous, ", "), whom,
                         cluster_wide ? " cluster-wide"
                         : system_ns  ? " in a system namespace"
                                      : ""));
    alert.add("grants", fmt::format("{} ({})", fmt::join(facts->dangerous, ", "), known_from));
    out.push_back(std::move(alert));
    return;
  }
  if (!broad.empty() && role != "system:public-info-viewer" && role != "system:discovery" &&
      role != "system:basic-user") {
    Alert alert = base(AudRule::DangerousBinding, rules::CaseName(),
                       fmt::format("{} {} binds {} {} to {}: every such caller gets it", event.verb, ref.display(),
                                   role_kind, role, fmt::join(broad, ", ")));
    out.push_back(std::move(alert));
  }
}

void judge_role(const Event& event, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  const bool cluster_role = ref.resource == "clusterroles";
  const doc::Node* body = body_of(event, kind_of_resource(ref.resource));
  const doc::Node* rules = body == nullptr ? nullptr : body->get("rules");
  if (rules == nullptr || !rules->is_sequence()) return;
  std::vector<std::string> wildcard, escalation;
  RoleFacts facts = facts_of(rules, cluster_role, wildcard, escalation);
  // Only a full body tells the whole role; a patch adds to what was known.
  bool whole = (event.response_object && body == &*event.response_object) ||
               (event.verb != "patch" && event.request_object && body == &*event.request_object);
  std::string key = role_key(cluster_role ? "ClusterRole" : "Role", ref.name_space, ref.name);
  if (!whole) {
    if (const RoleFacts* before = state.roles.get(key)) {
      facts.everything = facts.everything || before->everything;
      for (const auto& d : before->dangerous) {
        if (std::find(facts.dangerous.begin(), facts.dangerous.end(), d) == facts.dangerous.end())
          facts.dangerous.push_back(d);
      }
    }
  }
  if (facts.everything || !wildcard.empty()) {
    Alert alert = alert_for(
        event, AudRule::WildcardRole, facts.everything ? "everything"_case : rules::CaseName(),
        fmt::format("{} {} grants {}", event.verb, ref.display(),
                    facts.everything ? "every verb on every resource (as cluster-admin does)" : "wildcard access"));
    for (const auto& w : wildcard) alert.add("rule", w);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (!escalation.empty()) {
    std::sort(escalation.begin(), escalation.end());
    escalation.erase(std::unique(escalation.begin(), escalation.end()), escalation.end());
    Alert alert = alert_for(event, AudRule::EscalationVerbs, rules::CaseName(),
                            fmt::format("{} {} grants {}", event.verb, ref.display(), fmt::join(escalation, ", ")));
    for (const auto& v : escalation) alert.add("verb", v);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (!facts.everything && !facts.dangerous.empty()) {
    Alert alert =
        alert_for(event, AudRule::DangerousRoleGrant, rules::CaseName(),
                  fmt::format("{} {} grants {}", event.verb, ref.display(), fmt::join(facts.dangerous, ", ")));
    for (const auto& d : facts.dangerous) alert.add("grant", d);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  state.roles.put(key, std::move(facts));
}

}  // namespace

void detect_rbac(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  const bool binding = ref.resource == "clusterrolebindings" || ref.resource == "rolebindings";
  const bool role = ref.resource == "clusterroles" || ref.resource == "roles";
  if ((!binding && !role) || !ref.subresource.empty() || !is_write_verb(event.verb)) return;
  if (!event.succeeded()) return;
  if (ctx.trusted(event)) {
    // The control plane's own roles (bootstrap, aggregation) are still remembered.
    if (role && event.verb != "delete" && event.verb != "deletecollection") {
      std::vector<Alert> ignored;
      judge_role(event, state, ignored);
    }
    return;
  }
  const doc::Node* body = body_of(event, kind_of_resource(ref.resource));
  if (event.verb == "delete" || event.verb == "deletecollection") {
    if (role)
      state.roles.erase(role_key(ref.resource == "clusterroles" ? "ClusterRole" : "Role", ref.name_space, ref.name));
    bool builtin = !ref.name.empty() && is_builtin(nullptr, ref.name);
    Alert alert =
        alert_for(event, AudRule::RbacDeleteOrBuiltinChange, builtin ? rules::CaseName() : "not-built-in"_case,
                  fmt::format("{} {}{}", event.verb, ref.display(), builtin ? ": a built-in RBAC object" : ""));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  if (event.verb != "create" && is_builtin(body, ref.name)) {
    Alert alert = alert_for(event, AudRule::RbacDeleteOrBuiltinChange, rules::CaseName(),
                            fmt::format("{} {}: a built-in RBAC object changed by hand", event.verb, ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (binding) judge_binding(event, ctx, state, out);
  else judge_role(event, state, out);
}

}  // namespace kg::audit

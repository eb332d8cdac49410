#include "rbac/read.h"

#include <iterator>

#include <fmt/format.h>

#include "rbac/defaults.h"

namespace kg::rbac {
namespace {

constexpr std::string_view kRbacGroup = "rbac.authorization.k8s.io";

struct Reader {
  const k8s::Object& object;
  const k8s::Origin& origin;
  Objects& out;

  // The object's origin moved to one of its fields.
  k8s::Origin at(const doc::Node* node, std::string_view field) const {
    k8s::Origin o = origin;
    o.mark = node->mark();
    o.path = object.path_prefix + std::string(field);
    return o;
  }

  void issue(const doc::Node* node, std::string_view field, std::string_view problem) {
    doc::Mark mark = node != nullptr ? node->mark() : object.root->mark();
    out.issues.push_back(
        Issue{std::string(object.file), mark, fmt::format("{}: {}: {}", object.ref.display(), field, problem)});
  }

  // A list of strings; a missing or null field is an empty list.
  std::vector<std::string> strings(const doc::Node* parent, std::string_view key, std::string_view where) {
    std::vector<std::string> values;
    const doc::Node* node = parent->get(key);
    if (node == nullptr || node->is_null()) return values;
    if (!node->is_sequence()) {
      issue(node, fmt::format("{}.{}", where, key), "not a list");
      return values;
    }
    for (size_t i = 0; i < node->size(); ++i) {
      const doc::Node& item = node->items()[i];
      if (!item.is_scalar()) {
        issue(&item, fmt::format("{}.{}[{}]", where, key, i), "not a string");
        continue;
      }
      values.emplace_back(item.str());
    }
    return values;
  }

  void read_role(bool cluster) {
    Role role;
    role.origin = origin;
    role.cluster = cluster;
    role.name_space = cluster ? std::string() : object.ref.name_space;
    role.name = object.ref.name;
    const doc::Node* metadata = object.metadata();
    role.labels = k8s::parse_labels(metadata != nullptr ? metadata->get("labels") : nullptr);
    if (const doc::Node* rules = object.root->get("rules"); rules != nullptr && !rules->is_null()) {
      if (!rules->is_sequence()) {
        issue(rules, "rules", "not a list");
      } else {
        for (size_t i = 0; i < rules->size(); ++i) {
          const doc::Node& r = rules->items()[i];
          std::string where = fmt::format("rules[{}]", i);
          if (!r.is_mapping()) {
            issue(&r, where, "not a mapping");
            continue;
          }
          PolicyRule rule;
          rule.verbs = strings(&r, "verbs", where);
          rule.api_groups = strings(&r, "apiGroups", where);
          rule.resources = strings(&r, "resources", where);
          rule.resource_names = strings(&r, "resourceNames", where);
          rule.non_resource_urls = strings(&r, "nonResourceURLs", where);
          if (rule.verbs.empty()) issue(&r, where + ".verbs", "missing: the rule grants nothing");
          rule.origin = at(&r, where);
          role.rules.push_back(std::move(rule));
        }
      }
    }
    if (const doc::Node* agg = object.root->get("aggregationRule"); cluster && agg != nullptr && !agg->is_null()) {
      role.aggregated = true;
      const doc::Node* selectors = agg->get("clusterRoleSelectors");
      if (selectors != nullptr && selectors->is_sequence()) {
        for (const auto& s : selectors->items()) role.aggregation.push_back(k8s::parse_selector(&s));
      } else if (selectors != nullptr && !selectors->is_null()) {
        issue(selectors, "aggregationRule.clusterRoleSelectors", "not a list");
      }
    }
    role.bootstrap = is_default_role(role);
    out.roles.push_back(std::move(role));
  }

  void read_binding(bool cluster) {
    Binding binding;
    binding.origin = origin;
    binding.cluster = cluster;
    binding.name_space = cluster ? std::string() : object.ref.name_space;
    binding.name = object.ref.name;
    const doc::Node* ref = object.root->get("roleRef");
    if (ref == nullptr || !ref->is_mapping()) {
      issue(ref, "roleRef", "missing: the binding grants nothing");
      return;
    }
    std::string_view kind = k8s::string_at(ref, "kind");
    if (kind == "ClusterRole") binding.role_is_cluster = true;
    else if (kind == "Role" && !cluster) binding.role_is_cluster = false;
    else {
      issue(ref->get("kind"), "roleRef.kind",
            fmt::format("'{}' is not {}", kind, cluster ? "ClusterRole" : "Role or ClusterRole"));
      return;
    }
    binding.role_name = std::string(k8s::string_at(ref, "name"));
    binding.role_ref_origin = at(ref, "roleRef");
    if (binding.role_name.empty()) {
      issue(ref, "roleRef.name", "missing");
      return;
    }
    const doc::Node* subjects = object.root->get("subjects");
    if (subjects != nullptr && !subjects->is_null() && !subjects->is_sequence()) {
      issue(subjects, "subjects", "not a list");
    } else if (subjects != nullptr && subjects->is_sequence()) {
      for (size_t i = 0; i < subjects->size(); ++i) {
        const doc::Node& s = subjects->items()[i];
        std::string where = fmt::format("subjects[{}]", i);
        if (!s.is_mapping()) {
          issue(&s, where, "not a mapping");
          continue;
        }
        Subject subject;
        std::string_view skind = k8s::string_at(&s, "kind");
        if (skind == "User") subject.kind = SubjectKind::User;
        else if (skind == "Group") subject.kind = SubjectKind::Group;
        else if (skind == "ServiceAccount") subject.kind = SubjectKind::ServiceAccount;
        else {
          issue(s.get("kind"), where + ".kind", fmt::format("'{}' is not User, Group or ServiceAccount", skind));
          continue;
        }
        subject.name = std::string(k8s::string_at(&s, "name"));
        subject.name_space = std::string(k8s::string_at(&s, "namespace"));
        if (subject.name.empty()) {
          issue(&s, where + ".name", "missing");
          continue;
        }
        subject.origin = at(&s, where);
        binding.subjects.push_back(std::move(subject));
      }
    }
    const doc::Node* metadata = object.metadata();
    binding.bootstrap =
        is_default_binding(binding, k8s::parse_labels(metadata != nullptr ? metadata->get("labels") : nullptr));
    out.bindings.push_back(std::move(binding));
  }

  void read_service_account() {
    ServiceAccount sa;
    sa.origin = origin;
    sa.name_space = object.ref.name_space;
    sa.name = object.ref.name;
    if (const doc::Node* a = object.root->get("automountServiceAccountToken"); a != nullptr)
      sa.automount = a->as_bool();
    out.service_accounts.push_back(std::move(sa));
  }

  void read_pod(const k8s::PodSpecView& pod) {
    PodAccount account;
    account.origin = origin;
    account.name_space = object.ref.name_space;
    std::string_view sa = k8s::string_at(pod.spec, "serviceAccountName");
    const doc::Node* at = pod.spec->get("serviceAccountName");
    if (sa.empty()) {
      sa = k8s::string_at(pod.spec, "serviceAccount");  // deprecated alias
      at = pod.spec->get("serviceAccount");
    }
    account.service_account = sa.empty() ? "default" : std::string(sa);
    if (at != nullptr) {
      account.origin.mark = at->mark();
      account.origin.path =
          object.path_prefix +
          pod.field_path(at == pod.spec->get("serviceAccountName") ? "serviceAccountName" : "serviceAccount");
    } else {
      account.origin.path = object.path_prefix + pod.path;
      if (pod.spec != nullptr) account.origin.mark = pod.spec->mark();
    }
    if (const doc::Node* a = pod.spec->get("automountServiceAccountToken"); a != nullptr) {
      account.automount = a->as_bool();
    }
    out.pods.push_back(std::move(account));
  }
};

}  // namespace

void read_object(const k8s::Object& object, const k8s::PodSpecView* pod, const k8s::Origin& origin, Objects& out) {
  Reader reader{object, origin, out};
  const std::string& kind = object.ref.kind;
  if (pod != nullptr) {
    if (kind != "PodTemplate" && pod->spec != nullptr && pod->spec->is_mapping()) reader.read_pod(*pod);
    return;
  }
  if (kind == "ServiceAccount" && object.ref.api_version == "v1") {
    reader.read_service_account();
    return;
  }
  if (object.ref.group() != kRbacGroup) return;
  if (kind == "Role") reader.read_role(false);
  else if (kind == "ClusterRole") reader.read_role(true);
  else if (kind == "RoleBinding") reader.read_binding(false);
  else if (kind == "ClusterRoleBinding") reader.read_binding(true);
}

void Objects::merge(Objects&& other) {
  auto move_all = [](auto& into, auto& from) {
    into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move_all(roles, other.roles);
  move_all(bindings, other.bindings);
  move_all(service_accounts, other.service_accounts);
  move_all(pods, other.pods);
  move_all(issues, other.issues);
}

std::string_view subject_kind_name(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::User: return "User";
    case SubjectKind::Group: return "Group";
    case SubjectKind::ServiceAccount: return "ServiceAccount";
  }
  return "?";
}

}  // namespace kg::rbac

#include "rbac/inject.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "rbac/workload_needs.h"

namespace kg::rbac {
namespace {

constexpr std::string_view kRbac = "rbac.authorization.k8s.io";
constexpr std::string_view kAdmission = "admissionregistration.k8s.io";

std::vector<InjectPathDef> make_paths() {
  std::vector<Need> write = workload_needs("patch", false);
  for (const auto& n : workload_needs("update", false)) write.push_back(n);
  return {
      {InjectPath::WorkloadWrite,
       "workload-write",
       "patch or update a pod or its controller (a sidecar in the template)",
       true,
       {write}},
      {InjectPath::PodCreate,
       "pod-create",
       "create a pod or a pod controller with any container",
       true,
       {workload_needs("create", true)}},
      {InjectPath::EphemeralContainers,
       "ephemeral-containers",
       "add an ephemeral container to a running pod",
       true,
       {{{"patch", "", "pods/ephemeralcontainers"}, {"update", "", "pods/ephemeralcontainers"}}}},
      {InjectPath::Exec,
       "exec",
       "run a process in a running container",
       true,
       {{{"create", "", "pods/exec"}, {"get", "", "pods/exec"}}}},
      {InjectPath::Attach,
       "attach",
       "attach to a running container",
       true,
       {{{"create", "", "pods/attach"}, {"get", "", "pods/attach"}}}},
      {InjectPath::MutatingWebhook,
       "mutating-webhook",
       "register or change a mutating webhook that edits every new pod",
       true,
       {{{"create", kAdmission, "mutatingwebhookconfigurations", true},
         {"update", kAdmission, "mutatingwebhookconfigurations", true},
         {"patch", kAdmission, "mutatingwebhookconfigurations", true}}}},
      {InjectPath::Escalate,
       "escalate",
       "write a role with permissions it does not hold (then bind it)",
       false,
       {{{"escalate", kRbac, "roles"}, {"escalate", kRbac, "clusterroles", true}},
        {{"create", kRbac, "roles"},
         {"update", kRbac, "roles"},
         {"patch", kRbac, "roles"},
         {"create", kRbac, "clusterroles", true},
         {"update", kRbac, "clusterroles", true},
         {"patch", kRbac, "clusterroles", true}}}},
      {InjectPath::Bind,
       "bind",
       "bind any role, cluster-admin included, to itself",
       false,
       {{{"bind", kRbac, "roles"}, {"bind", kRbac, "clusterroles", true}},
        {{"create", kRbac, "rolebindings"},
         {"update", kRbac, "rolebindings"},
         {"patch", kRbac, "rolebindings"},
         {"create", kRbac, "clusterrolebindings", true}}}},
      {InjectPath::Impersonate,
       "impersonate",
       "act as another user, group or service account",
       false,
       {{{"impersonate", "", "users", true},
         {"impersonate", "", "groups", true},
         {"impersonate", "", "serviceaccounts"}}}},
      // Cluster-wide only (a ClusterRoleBinding): secrets of one namespace are
      // KG-RBAC-011's business; those of every namespace include the tokens
      // of the controllers and operators that can do everything above.
      {InjectPath::SecretsRead,
       "secrets-read",
       "read the secrets of every namespace (other accounts' tokens, credentials)",
       false,
       {{{"list", "", "secrets", true}, {"watch", "", "secrets", true}, {"get", "", "secrets", true}}}},
  };
}

struct Check {
  bool ok = false;
  Need example;
  std::optional<Grant> grant;
};

Check holds(const Policy& policy, const UserInfo& user, std::span<const UserBinding> bindings, const InjectPathDef& def,
            std::string_view ns) {
  Check result{true, {}, std::nullopt};
  for (const auto& group : def.all_of) {
    bool met = false;
    for (const auto& need : group) {
      auto grant = authorize(policy, user, bindings, attributes_of(need, ns));
      if (grant) {
        if (!result.grant) {
          result.example = need;
          result.grant = grant;
        }
        met = true;
        break;
      }
    }
    if (!met) return Check{};
  }
  return result;
}

}  // namespace

std::span<const InjectPathDef> inject_paths() {
  static const std::vector<InjectPathDef> paths = make_paths();  // immutable once built
  return paths;
}

const InjectPathDef& path_def(InjectPath path) { return inject_paths()[static_cast<size_t>(path)]; }

Attributes attributes_of(const Need& need, std::string_view name_space) {
  Attributes a;
  a.verb = std::string(need.verb);
  a.api_group = std::string(need.group);
  set_resource(a, need.resource);
  a.name_space = need.cluster ? std::string() : std::string(name_space);
  return a;
}

std::string Principal::display() const {
  if (kind == SubjectKind::ServiceAccount) return fmt::format("ServiceAccount {}/{}", name_space, name);
  return fmt::format("{} {}", subject_kind_name(kind), name);
}

bool Principal::operator<(const Principal& o) const {
  return std::tie(kind, name_space, name) < std::tie(o.kind, o.name_space, o.name);
}

Principal principal_of(SubjectKind kind, std::string_view name, std::string_view name_space) {
  Principal p{kind, std::string(name), std::string(name_space), {}};
  switch (kind) {
    case SubjectKind::ServiceAccount: p.user = service_account_user(name_space, name); break;
    case SubjectKind::User: p.user = authenticated_user(name); break;
    // Any member of the group: what the group alone is given.
    case SubjectKind::Group: p.user = UserInfo{"", {std::string(name)}}; break;
  }
  return p;
}

std::vector<Principal> principals(const Policy& policy) {
  std::set<Principal> all;
  for (const auto& b : policy.bindings()) {
    for (const auto& s : b.subjects) {
      std::string ns = subject_namespace(s, b);
      if (s.kind == SubjectKind::ServiceAccount && ns.empty()) continue;
      all.insert(principal_of(s.kind, s.name, ns));
    }
  }
  for (const auto& sa : policy.service_accounts()) {
    all.insert(principal_of(SubjectKind::ServiceAccount, sa.name, sa.name_space));
  }
  for (const auto& pod : policy.pods()) {
    all.insert(principal_of(SubjectKind::ServiceAccount, pod.service_account, pod.name_space));
  }
  return {all.begin(), all.end()};
}

std::vector<PathReach> inject_reach(const Policy& policy, const UserInfo& user, std::string_view name_space) {
  std::vector<PathReach> out;
  const std::vector<UserBinding> bindings = bindings_of(policy, user);
  // Where ClusterRoleBindings alone do not suffice, only a namespace with one
  // of the user's RoleBindings can add what is missing.
  std::set<std::string_view> bound_namespaces;
  for (const auto& ub : bindings) {
    if (!ub.binding->cluster) bound_namespaces.insert(ub.binding->name_space);
  }
  for (const auto& def : inject_paths()) {
    // ClusterRoleBindings alone first: then it holds in every namespace.
    Check everywhere = holds(policy, user, bindings, def, kAnyNamespace);
    if (everywhere.ok) {
      out.push_back(PathReach{def.id, true, {}, everywhere.example, everywhere.grant});
      continue;
    }
    PathReach reach{def.id, false, {}, {}, std::nullopt};
    std::vector<std::string> candidates;
    if (name_space.empty()) candidates = policy.namespaces();
    else candidates.emplace_back(name_space);
    for (const auto& ns : candidates) {
      if (!bound_namespaces.contains(ns)) continue;
      Check c = holds(policy, user, bindings, def, ns);
      if (!c.ok) continue;
      if (!reach.grant) {
        reach.example = c.example;
        reach.grant = c.grant;
      }
      reach.namespaces.push_back(ns);
    }
    if (!reach.namespaces.empty()) out.push_back(std::move(reach));
  }
  return out;
}

std::vector<InjectorAnswer> who_can_inject(const Policy& policy, std::string_view name_space) {
  std::vector<InjectorAnswer> out;
  for (auto& p : principals(policy)) {
    auto reach = inject_reach(policy, p.user, name_space);
    if (!reach.empty()) out.push_back(InjectorAnswer{std::move(p), std::move(reach)});
  }
  return out;
}

}  // namespace kg::rbac

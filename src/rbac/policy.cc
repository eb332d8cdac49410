#include "rbac/policy.h"

#include <algorithm>
#include <set>

#include "rbac/defaults.h"

namespace kg::rbac {
namespace {

constexpr std::string_view kBuiltIn = "(built in)";

std::string key(std::string_view ns, std::string_view name) {
  std::string k(ns);
  k += '/';
  k += name;
  return k;
}

}  // namespace

Policy Policy::build(Objects objects, std::string_view default_namespace) {
  Policy p;
  p.objects_ = std::move(objects);
  std::set<std::string, std::less<>> names;
  auto fill = [&](std::string& ns) {
    if (ns.empty()) ns = std::string(default_namespace);
    names.insert(ns);
  };
  for (auto& r : p.objects_.roles) {
    if (!r.cluster) fill(r.name_space);
  }
  for (auto& b : p.objects_.bindings) {
    if (!b.cluster) fill(b.name_space);
    for (auto& s : b.subjects) {
      if (s.kind != SubjectKind::ServiceAccount) continue;
      // A ClusterRoleBinding's ServiceAccount subject must name its
      // namespace; without one the authorizer matches nobody, so leave it.
      if (s.name_space.empty() && !b.cluster) s.name_space = b.name_space;
      if (!s.name_space.empty()) names.insert(s.name_space);
    }
  }
  for (auto& sa : p.objects_.service_accounts) fill(sa.name_space);
  for (auto& pod : p.objects_.pods) fill(pod.name_space);
  p.namespaces_.assign(names.begin(), names.end());

  // The default roles exist in every cluster (the API server creates them),
  // so a manifest that binds cluster-admin, edit or system:node means what it
  // says even when the role is not in the input. Added last, every one of
  // them: the input's roles keep their indexes and win the lookup by name
  // (the first of two same-named roles wins below); a default the input also
  // writes stays as its shadow, because the API server's reconciliation adds
  // the default's rules back to a role of that name (see expand()).
  for (auto& r : default_roles()) p.objects_.roles.push_back(std::move(r));

  for (size_t i = 0; i < p.objects_.roles.size(); ++i) {
    const Role& r = p.objects_.roles[i];
    // The first of two same-named objects wins; the API server holds only one.
    if (r.cluster) p.cluster_roles_.emplace(r.name, i);
    else p.roles_.emplace(key(r.name_space, r.name), i);
  }
  p.rules_.resize(p.objects_.roles.size());
  std::vector<int> state(p.objects_.roles.size(), 0);  // 0 new, 1 expanding, 2 done
  for (size_t i = 0; i < p.objects_.roles.size(); ++i) p.expand(i, state);

  // Who grants what, indexed once: asking per role by walking every binding
  // made the RBAC rules quadratic in the input.
  p.granting_.resize(p.objects_.roles.size());
  std::vector<size_t> sources;
  for (size_t b = 0; b < p.objects_.bindings.size(); ++b) {
    const Role* target = p.role_of(p.objects_.bindings[b]);
    if (target == nullptr) continue;
    sources.clear();
    sources.push_back(static_cast<size_t>(target - p.objects_.roles.data()));
    for (const auto& r : p.rules_of(*target)) sources.push_back(static_cast<size_t>(r.role - p.objects_.roles.data()));
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    for (size_t role : sources) p.granting_[role].push_back(b);
  }
  for (size_t i = 0; i < p.objects_.service_accounts.size(); ++i) {
    const ServiceAccount& sa = p.objects_.service_accounts[i];
    p.service_accounts_.emplace(key(sa.name_space, sa.name), i);  // the first of two wins, as before
  }
  return p;
}

void Policy::expand(size_t index, std::vector<int>& state) {
  if (state[index] != 0) return;
  state[index] = 1;
  const Role& role = objects_.roles[index];
  std::vector<RuleRef>& out = rules_[index];
  if (!role.aggregated) {
    for (const auto& r : role.rules) out.push_back(RuleRef{&role, &r});
    // A role of the input with a default's name: at start the API server
    // adds the default's missing rules to it (unless annotated autoupdate:
    // "false", which the model does not read), so an emptied cluster-admin
    // still grants everything. The defaults sit at the end of the list.
    if (role.origin.file != kBuiltIn) {
      for (size_t j = objects_.roles.size(); j-- > 0 && objects_.roles[j].origin.file == kBuiltIn;) {
        const Role& d = objects_.roles[j];
        if (d.cluster != role.cluster || d.name != role.name || (!d.cluster && d.name_space != role.name_space)) {
          continue;
        }
        if (!d.aggregated) {
          for (const auto& r : d.rules) out.push_back(RuleRef{&d, &r});
        }
        break;
      }
    }
  } else {
    // The controller writes the union of the rules of the matched roles
    // (their own aggregated rules when they aggregate too), skipping itself;
    // an empty selector matches every ClusterRole, as labels.Everything() does.
    std::set<size_t> seen;
    for (const auto& selector : role.aggregation) {
      for (size_t j = 0; j < objects_.roles.size(); ++j) {
        const Role& other = objects_.roles[j];
        if (j == index || !other.cluster || !selector.matches(other.labels) || !seen.insert(j).second) continue;
        expand(j, state);
        if (state[j] == 1) continue;  // a cycle: the controller converges on what is already written
        for (const auto& r : rules_[j]) out.push_back(r);
      }
    }
  }
  state[index] = 2;
}

const Role* Policy::role_of(const Binding& binding) const {
  if (binding.role_is_cluster) {
    auto it = cluster_roles_.find(binding.role_name);
    return it == cluster_roles_.end() ? nullptr : &objects_.roles[it->second];
  }
  auto it = roles_.find(key(binding.name_space, binding.role_name));
  return it == roles_.end() ? nullptr : &objects_.roles[it->second];
}

const std::vector<RuleRef>& Policy::rules_of(const Role& role) const {
  return rules_[static_cast<size_t>(&role - objects_.roles.data())];
}

std::vector<const Binding*> Policy::bindings_granting(const Role& role) const {
  std::vector<const Binding*> out;
  for (size_t b : granting_[static_cast<size_t>(&role - objects_.roles.data())]) out.push_back(&objects_.bindings[b]);
  return out;
}

const ServiceAccount* Policy::service_account(std::string_view name_space, std::string_view name) const {
  auto it = service_accounts_.find(key(name_space, name));
  return it == service_accounts_.end() ? nullptr : &objects_.service_accounts[it->second];
}

}  // namespace kg::rbac

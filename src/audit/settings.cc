#include "audit/settings.h"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

namespace kg::audit {
namespace {

bool matches(std::string_view pattern, std::string_view text) {
  if (pattern.find('*') == std::string_view::npos) return pattern == text;
  // fnmatch without FNM_PATHNAME: '*' crosses ':' '/' '@' alike.
  return fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), FNM_NOESCAPE) == 0;
}

bool any_match(const std::vector<std::string>& patterns, std::string_view text) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return matches(p, text); });
}

}  // namespace

bool AuditSettings::is_system_namespace(std::string_view ns) const {
  return !ns.empty() && any_match(system_namespaces, ns);
}

bool AuditSettings::is_platform_identity(std::string_view user) const {
  return !user.empty() && any_match(platform_identities, user);
}

bool AuditSettings::is_privileged_group(std::string_view group) const { return any_match(privileged_groups, group); }

AuditSettings default_audit_settings(bool cloud_platform_defaults) {
  AuditSettings s;
  s.system_namespaces = {"kube-system", "kube-public", "kube-node-lease"};
  s.privileged_groups = {"system:masters", "kubeadm:cluster-admins"};
  if (!cloud_platform_defaults) return s;
  // The namespaces GKE, EKS and AKS put their own components in.
  for (const char* ns :
       {"gke-managed-*", "gke-gmp-system", "gmp-system", "gmp-public", "gke-connect", "gke-mcs", "amazon-cloudwatch",
        "amazon-guardduty", "aws-observability", "aks-command", "calico-system", "tigera-operator"}) {
    s.system_namespaces.emplace_back(ns);
  }
  s.platform_identities = {
      // GKE: the managed control plane's components and Google's robot accounts.
      "system:addon-manager",
      "system:gcp-controller-manager",
      "system:cloud-controller-manager",
      "system:clustermetrics",
      "system:l7-lb-controller",
      "system:managed-certificate-controller",
      "system:konnectivity-server",
      "system:kubestore-collector",
      "system:resource-tracker",
      "system:vpa-recommender",
      "system:gke-*",
      "system:controller:glbc",
      "*@container-engine-robot.iam.gserviceaccount.com",
      "service-*@gcp-sa-*.iam.gserviceaccount.com",
      // EKS: every identity of its managed control plane is eks:*.
      "eks:*",
      // AKS: its control-plane clients.
      "aksService",
      "masterclient",
      "nodeclient",
      "aks-support",
  };
  return s;
}

AuditSettingsResult parse_audit_settings(const doc::Node* section, std::string_view file) {
  AuditSettingsResult result;
  auto error = [&](doc::Mark mark, std::string message) {
    result.errors.push_back(doc::LoadError{doc::ErrorCode::Config, std::string(file), mark, std::move(message)});
  };
  bool cloud = true;
  std::vector<std::string> namespaces, identities, groups;
  if (section != nullptr && !section->is_null()) {
    if (!section->is_mapping()) {
      error(section->mark(), "audit: expected a mapping");
    } else {
      auto strings = [&](const doc::Entry& e, std::vector<std::string>& out) {
        if (!e.value.is_sequence()) {
          if (!e.value.is_null()) error(e.value.mark(), fmt::format("audit.{}: expected a list of strings", e.key));
          return;
        }
        for (const auto& item : e.value.items()) {
          if (!item.is_scalar() || item.str().empty()) {
            error(item.mark(), fmt::format("audit.{}: expected a non-empty string", e.key));
            continue;
          }
          out.emplace_back(item.str());
        }
      };
      for (const auto& e : section->entries()) {
        if (e.key == "systemNamespaces") strings(e, namespaces);
        else if (e.key == "platformIdentities") strings(e, identities);
        else if (e.key == "privilegedGroups") strings(e, groups);
        else if (e.key == "cloudPlatformDefaults") {
          auto b = e.value.as_bool();
          if (!b) error(e.value.mark(), "audit.cloudPlatformDefaults: expected true or false");
          else cloud = *b;
        } else {
          error(e.key_mark, fmt::format("audit: unknown field '{}' (known: systemNamespaces, platformIdentities, "
                                        "cloudPlatformDefaults, privilegedGroups)",
                                        e.key));
        }
      }
    }
  }
  result.settings = default_audit_settings(cloud);
  auto append = [](std::vector<std::string>& to, std::vector<std::string>& from) {
    for (auto& s : from) to.push_back(std::move(s));
  };
  append(result.settings.system_namespaces, namespaces);
  append(result.settings.platform_identities, identities);
  append(result.settings.privileged_groups, groups);
  return result;
}

}  // namespace kg::audit

// The `audit:` section of .kubeguard.yaml: what the detector takes as the
// system's own namespaces and identities, and which groups are privileged.
//
//   audit:
//     systemNamespaces: [platform-system]          # added to the defaults
//     platformIdentities: ["ops-robot@corp.example", "system:acme-*"]
//     cloudPlatformDefaults: true                  # GKE, EKS and AKS control-plane identities
//     privilegedGroups: [acme:cluster-admins]      # added to system:masters, kubeadm:cluster-admins
//
// Patterns may hold '*' (any run of characters).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "doc/node.h"

namespace kg::audit {

struct AuditSettings {
  std::vector<std::string> system_namespaces;
  std::vector<std::string> platform_identities;  // patterns
  std::vector<std::string> privileged_groups;

  bool is_system_namespace(std::string_view ns) const;
  // A managed cloud's control-plane identity (or one the configuration names):
  // treated like the cluster's own controllers.
  bool is_platform_identity(std::string_view user) const;
  bool is_privileged_group(std::string_view group) const;
};

// kube-system, kube-public, kube-node-lease and the clouds' own namespaces;
// the GKE, EKS and AKS control-plane identities; system:masters and the
// kubeadm administrators' group.
AuditSettings default_audit_settings(bool cloud_platform_defaults = true);

struct AuditSettingsResult {
  AuditSettings settings;
  std::vector<doc::LoadError> errors;  // each names the file, line and field
};

// `section` is the value of the `audit:` key (null: the defaults).
AuditSettingsResult parse_audit_settings(const doc::Node* section, std::string_view file);

}  // namespace kg::audit

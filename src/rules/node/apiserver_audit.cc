// API server audit logging (CIS 1.2.16 to 1.2.19, 3.2.1).
#include <array>
#include <charconv>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

const RuleMeta kAuditLog{
    .id = "KG-NODE-016",
    .slug = "apiserver-audit-log-off",
    .title = "API server writes no audit log",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without an audit backend nothing records who changed what in the cluster: an injected sidecar, "
        "an exec into a pod or a new cluster-admin binding leave no trace (and `kubeguard audit` has "
        "nothing to read).",
    .remediation = "Set --audit-log-path (or an --audit-webhook-config-file) and --audit-policy-file.",
    .references = {{ReferenceKind::Cis, "1.2.16", "CIS Kubernetes Benchmark v1.10: --audit-log-path is set"}},
};

void audit_log(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer) return;
  if (c.flag("audit-log-path") == nullptr && c.flag("audit-webhook-config-file") == nullptr) {
    out.at(nullptr, "kube-apiserver has neither --audit-log-path nor --audit-webhook-config-file");
  }
}

const RuleMeta kAuditPolicy{
    .id = "KG-NODE-017",
    .slug = "apiserver-audit-policy-empty",
    .title = "API server audit policy missing or records nothing",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "An audit backend without a policy, or with a policy whose rules are empty or all level None, "
        "records no event at all.",
    .remediation =
        "Set --audit-policy-file to a Policy whose rules record at least Metadata for every request "
        "(RequestResponse for pods, workloads, RBAC and webhook configurations).",
    .references = {{ReferenceKind::Cis, "3.2.1", "CIS Kubernetes Benchmark v1.10: a minimal audit policy is created"}},
};

void audit_policy(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer) return;
  const Flag* file = c.flag("audit-policy-file");
  if (file == nullptr) {
    out.at(nullptr, "kube-apiserver has no --audit-policy-file: no audit event is recorded");
    return;
  }
  auto loaded = kg::node::load_config(c, file->value);
  if (!loaded.config) {
    if (!c.root.empty()) {
      out.at(file, fmt::format("audit policy {} cannot be read: {}", file->value, loaded.error->message));
    }
    return;
  }
  const doc::Node* rules = loaded.config->find("rules");
  if (rules == nullptr || !rules->is_sequence() || rules->size() == 0) {
    out.at(file, fmt::format("audit policy {} has no rules: no audit event is recorded", file->value));
    return;
  }
  for (const auto& rule : rules->items()) {
    if (k8s::string_at(&rule, "level") != "None") return;
  }
  out.at(file, fmt::format("every rule of audit policy {} has level None: no audit event is recorded", file->value));
}

const RuleMeta kRetention{
    .id = "KG-NODE-018",
    .slug = "apiserver-audit-log-retention",
    .title = "API server keeps too little audit log",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Rotated audit logs are deleted after --audit-log-maxage days or beyond --audit-log-maxbackup "
        "files; too little history and an intrusion found later can no longer be traced (unless the "
        "log is shipped elsewhere).",
    .remediation = "Set --audit-log-maxage=30, --audit-log-maxbackup=10 and --audit-log-maxsize=100 (or more).",
    .references = {{ReferenceKind::Cis, "1.2.17", "CIS Kubernetes Benchmark v1.10: --audit-log-maxage 30"},
                   {ReferenceKind::Cis, "1.2.18", "CIS Kubernetes Benchmark v1.10: --audit-log-maxbackup 10"},
                   {ReferenceKind::Cis, "1.2.19", "CIS Kubernetes Benchmark v1.10: --audit-log-maxsize 100"}},
};

void retention(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer) return;
  const Flag* path = c.flag("audit-log-path");
  if (path == nullptr || path->value == "-") return;  // no file log (or standard output): nothing rotates
  struct Want {
    std::string_view flag;
    long minimum;
  };
  for (Want w : {Want{"audit-log-maxage", 30}, Want{"audit-log-maxbackup", 10}, Want{"audit-log-maxsize", 100}}) {
    const Flag* f = c.flag(w.flag);
    long value = 0;
    if (f != nullptr) {
      auto [end, ec] = std::from_chars(f->value.data(), f->value.data() + f->value.size(), value);
      if (ec != std::errc{} || end != f->value.data() + f->value.size()) value = 0;
    }
    if (value < w.minimum) {
      out.at(f, f == nullptr ? fmt::format("kube-apiserver has no --{} (want {} or more)", w.flag, w.minimum)
                             : fmt::format("kube-apiserver --{}={} (want {} or more)", w.flag, f->value, w.minimum));
    }
  }
}

const std::array kRules = {
    NodeRule{&kAuditLog, audit_log},
    NodeRule{&kAuditPolicy, audit_policy},
    NodeRule{&kRetention, retention},
};

}  // namespace

std::span<const NodeRule> apiserver_audit_rules() { return kRules; }

}  // namespace kg::rules::node

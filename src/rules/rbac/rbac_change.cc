#include "rules/rbac/rbac_rules.h"
#include "rules/severity_case.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-019",
    .slug = "rbac-builtin-changed-or-deleted",
    .title = "Built-in role or binding changed, or a role or binding deleted",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Kubernetes' own roles and bindings (by evidence: the label kubernetes.io/bootstrapping=rbac-defaults) "
        "are what the control plane and every node run on, and the API server restores them only when it "
        "restarts. A change by hand to one (a rule added, a subject bound, the autoupdate annotation turned "
        "off so that a restart keeps the change, even a label) or its deletion is a change to the cluster's "
        "trust, made where reviews do not look (high). Deleting any other role or binding removes access someone "
        "relied on, or a binding a guard needed, and is noted (low). This rule compares two states of one object, "
        "so `kubeguard cluster watch` evaluates it; the rules a ClusterRole's aggregationRule fills in are the "
        "aggregation controller's, not a change by hand. The audit front reads the same from the log "
        "(KG-AUD-022, with who did it).",
    .remediation =
        "Find who changed or deleted it (audit log: update, patch or delete on the role or binding). Restore a "
        "built-in object by restarting the API server (it reconciles the defaults unless the annotation "
        "rbac.authorization.kubernetes.io/autoupdate is false) or from a copy; restrict update, patch, delete, "
        "escalate and bind on roles and bindings to cluster administrators.",
    .references = {kAttackAccountManipulation, ref::kLeastPrivilege, kCisMinimizeWildcards, kNsaRbac},
};
constexpr SeverityCase kMetaCases[] = {
    {"not-built-in", Severity::Low, "a deleted role or binding that is not a built-in one"},
};

}  // namespace

const RuleMeta& rbac_change_meta() { return kMeta; }

GradedRule rbac_change_graded() { return {&kMeta, kMetaCases}; }

void register_rbac_change(Catalog& catalog) { catalog.add_paired_rule(kMeta); }

}  // namespace kg::rules::rbac_rules

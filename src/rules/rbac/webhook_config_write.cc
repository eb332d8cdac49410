#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

constexpr std::string_view kAdmission = "admissionregistration.k8s.io";

const RuleMeta kMeta{
    .id = "KG-RBAC-006",
    .slug = "webhook-config-write",
    .title = "May create or change admission webhook configurations",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "A MutatingWebhookConfiguration sees and may rewrite every new pod in the cluster: a rogue one adds a "
        "container to each pod as it is created (failurePolicy: Ignore keeps it quiet). Write access to validating "
        "configurations lets an attacker remove the policy webhooks that would refuse such pods. Cluster-scoped, so "
        "any grant is cluster-wide.",
    .remediation =
        "Only the cluster's installers (and the injector that manages its own configuration, limited by resourceNames) "
        "should write webhook configurations; review approved webhooks with the KG-WH rules.",
    .references = {ref::kLeastPrivilege, kAdmissionController, ref::kSidecarInjection, kAttackEventTriggered,
                   kCisWebhooks},
};

const rbac::Need kNeeds[] = {{"create", kAdmission, "mutatingwebhookconfigurations", true},
                             {"update", kAdmission, "mutatingwebhookconfigurations", true},
                             {"patch", kAdmission, "mutatingwebhookconfigurations", true},
                             {"create", kAdmission, "validatingwebhookconfigurations", true},
                             {"update", kAdmission, "validatingwebhookconfigurations", true},
                             {"patch", kAdmission, "validatingwebhookconfigurations", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "create or change admission webhook configurations", false});
}

}  // namespace

void register_webhook_config_write(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules

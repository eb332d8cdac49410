#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

constexpr std::string_view kCertificates = "certificates.k8s.io";

const RuleMeta kMeta{
    .id = "KG-RBAC-016",
    .slug = "csr-approval",
    .title = "May approve certificate signing requests",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Approving a CertificateSigningRequest for the kube-apiserver-client signer mints a client certificate for any "
        "user or group, system:masters included, that no RBAC change reveals and that cannot be revoked before it "
        "expires.",
    .remediation =
        "Leave CSR approval to the controller-manager's approvers and a few administrators; limit approve on signers "
        "with resourceNames.",
    .references = {ref::kLeastPrivilege, ref::kAttackValidAccounts, kAttackAccountManipulation, kCisCsr},
};

const rbac::Need kNeeds[] = {{"update", kCertificates, "certificatesigningrequests/approval", true},
                             {"patch", kCertificates, "certificatesigningrequests/approval", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "approve certificate signing requests", false});
}

}  // namespace

void register_csr_approval(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules

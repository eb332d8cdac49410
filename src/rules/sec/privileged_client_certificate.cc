#include <fmt/format.h>
#include <fmt/ranges.h>

#include "k8s/csr_subject.h"
#include "rules/sec/sec_rules.h"

namespace kg::rules::sec {
namespace {

const RuleMeta kMeta{
    .id = "KG-SEC-004",
    .slug = "privileged-client-certificate-request",
    .title = "Certificate signing request for a privileged identity",
    .severity = Severity::High,
    .family = "SEC",
    .kinds = {"CertificateSigningRequest"},
    .rationale =
        "A certificate the cluster's CA signs is a credential that outlives every token and cannot be revoked: "
        "the API server takes the subject's common name as the user name and its organizations as the groups. "
        "A CertificateSigningRequest whose subject puts the holder in system:masters (which no RBAC rule can "
        "limit) or kubeadm:cluster-admins (bound to cluster-admin), names a control-plane identity "
        "(system:kube-controller-manager, system:kube-scheduler, system:admin...), or asks for node credentials "
        "(group system:nodes) through a signer other than the kubelet's, is a request for persistence with those "
        "rights, whoever approves it. The subject is read from spec.request (the PKCS#10 request itself, not a "
        "label); a kubelet's own request through kubernetes.io/kube-apiserver-client-kubelet is not reported. "
        "The audit front reports the request and its approval in the log (KG-AUD-024).",
    .remediation =
        "Deny and delete the request (`kubectl certificate deny`, `kubectl delete csr`) and find who created it. "
        "If one was approved and issued, rotate the cluster CA: the certificate cannot be revoked. Grant create "
        "on certificatesigningrequests, update on certificatesigningrequests/approval and approve on signers to "
        "as few identities as possible.",
    .references = {ref::kAttackValidAccounts,
                   {ReferenceKind::Attack, "T1098", "Account Manipulation"},
                   {ReferenceKind::Attack, "T1649", "Steal or Forge Authentication Certificates"},
                   {ReferenceKind::Cis, "5.1.11",
                    "Minimize access to the approval sub-resource of certificatesigningrequests"},
                   ref::kLeastPrivilege},
};

void check(const ObjectContext& ctx, Emitter& out) {
  const doc::Node* request = ctx.object.root->find({"spec", "request"});
  if (request == nullptr) return;
  std::optional<k8s::CsrSubject> subject = k8s::csr_subject(request->str());
  if (!subject) return;
  std::string_view signer = k8s::string_at(ctx.object.root->get("spec"), "signerName");
  std::vector<std::string> reasons = k8s::privileged_reasons(*subject, signer);
  if (reasons.empty()) return;
  std::string who = fmt::format("CN={}", subject->common_name);
  for (const auto& o : subject->organizations) who += ", O=" + o;
  out.report("spec.request", request,
             fmt::format("CertificateSigningRequest '{}' asks {} for a certificate for {} ({}): whoever holds it "
                         "authenticates with those rights until it expires",
                         ctx.object.ref.name, signer.empty() ? std::string_view("its signer") : signer, who,
                         fmt::join(reasons, ", ")));
}

}  // namespace

void register_privileged_client_certificate(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::sec

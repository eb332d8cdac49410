// The subject of a certificate signing request as Kubernetes carries it
// (spec.request: base64 of a PEM "CERTIFICATE REQUEST"): the common name
// (the user name the certificate authenticates) and the organizations (its
// groups). A small bounded DER walk: no cryptography, no signature check.
// The audit log's CSR events and the rules on CertificateSigningRequest
// objects read it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::k8s {

struct CsrSubject {
  std::string common_name;
  std::vector<std::string> organizations;
};

// nullopt when the text is not a base64 PEM (or bare base64 DER) PKCS#10 request.
std::optional<CsrSubject> csr_subject(std::string_view spec_request);

// Why a certificate for `subject` from `signer` would hand over a privileged
// identity, one phrase a reason ("group system:masters", "the identity
// system:kube-controller-manager", "group system:nodes through a non-kubelet
// signer"); empty when nothing is privileged. Built in: the groups
// system:masters and kubeadm:cluster-admins (bound to cluster-admin), the
// control plane's own user names, and node credentials through any signer but
// the kubelet's. `also_group` and `also_user`, when set, name more (the
// audit's configured privileged groups and platform identities).
using NameTest = std::function<bool(std::string_view)>;
std::vector<std::string> privileged_reasons(const CsrSubject& subject, std::string_view signer,
                                            const NameTest& also_group = {}, const NameTest& also_user = {});

}  // namespace kg::k8s

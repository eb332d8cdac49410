#include <array>

#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-003",
    .slug = "webhook-missing-ca-bundle",
    .title = "Webhook has no CA bundle",
    .severity = Severity::Medium,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "Without clientConfig.caBundle the API server verifies the webhook's certificate against its own system "
        "trust roots, so any certificate a public CA issued for that name is accepted and the manifest does not "
        "pin which server may read and (for a mutating webhook) rewrite admitted objects. Many installers fill "
        "the bundle at runtime instead of in the manifest; those pass: a cert-manager CA-injector annotation "
        "(cert-manager.io/inject-ca-from, inject-ca-from-secret, inject-apiserver-ca, or their older "
        "certmanager.k8s.io forms) on the configuration, or an approved webhook whose control plane writes its "
        "own bundle (istiod for istio's injector and validator, linkerd's installer, the vault agent injector "
        "with automatic TLS). Other controllers that patch their own bundle at runtime still show here; "
        "suppress with a kubeguard.io/ignore annotation that says which controller fills it.",
    .remediation =
        "Set clientConfig.caBundle to the base64 PEM of the CA that signed the webhook's serving certificate, "
        "or let cert-manager's CA injector fill it (annotation cert-manager.io/inject-ca-from: "
        "<namespace>/<certificate>).",
    .references = {kMaliciousAdmissionController, ref::kLeastPrivilege, kAttackAdversaryInTheMiddle, kCisWebhookAccess},
};

// Annotations with which cert-manager's CA injector fills caBundle at runtime.
constexpr std::array<std::string_view, 6> kCaInjectionAnnotations{
    "cert-manager.io/inject-ca-from",           "cert-manager.io/inject-ca-from-secret",
    "cert-manager.io/inject-apiserver-ca",      "certmanager.k8s.io/inject-ca-from",
    "certmanager.k8s.io/inject-ca-from-secret", "certmanager.k8s.io/inject-apiserver-ca",
};

bool ca_injected(const k8s::Object& object) {
  for (auto key : kCaInjectionAnnotations) {
    if (!object.annotation(key).empty()) return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  if (ca_injected(ctx.object)) return;
  for (const auto& w : webhooks_of(ctx.object)) {
    if (w.client_config == nullptr) continue;
    const doc::Node* bundle = w.client_config->get("caBundle");
    if (bundle != nullptr && !bundle->is_null() && !bundle->str().empty()) continue;
    auto approval = k8s::check_approval(w.name, w.target, ctx.settings.approved_webhooks);
    if (approval.verdict == k8s::ApprovalVerdict::Approved && approval.approval->ca_managed) continue;
    bool present = bundle != nullptr;
    out.report(w.field(present ? "clientConfig.caBundle" : "clientConfig"), present ? bundle : w.client_config,
               fmt::format("{} has {} clientConfig.caBundle and no CA-injection annotation, so the API server "
                           "accepts any certificate its system roots trust for {}",
                           describe(w), present ? "an empty" : "no", w.target.display()));
  }
}

}  // namespace

void register_missing_ca_bundle(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh

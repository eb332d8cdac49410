#include <vector>

#include <fmt/ranges.h>

#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-005",
    .slug = "ingress-without-tls",
    .title = "Ingress serves hosts without TLS",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"Ingress"},
    .rationale =
        "An Ingress without a tls section serves its routes over plain HTTP: session cookies, tokens and "
        "passwords cross the network readable and can be changed on the way. A host named in the rules but in "
        "no tls entry is served in clear text too (the controller has no certificate for it). Rules without a "
        "host are judged only by whether the Ingress has TLS at all.",
    .remediation =
        "Add spec.tls with a secretName for every host of the rules (cert-manager can issue and renew the "
        "certificates); redirect HTTP to HTTPS in the controller.",
    .references = {ref::kNsaNetworkSeparation,
                   {ReferenceKind::Attack, "T1040", "Network Sniffing"},
                   {ReferenceKind::Attack, "T1557", "Adversary-in-the-Middle"}},
};

bool covers(std::string_view pattern, std::string_view host) {
  if (pattern == host) return true;
  // "*.example.com" covers one label in front of example.com.
  if (pattern.starts_with("*.")) {
    size_t dot = host.find('.');
    return dot != std::string_view::npos && host.substr(dot) == pattern.substr(1);
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::Object& object = ctx.object;
  std::string group = object.ref.group();
  if (group != "networking.k8s.io" && group != "extensions") return;
  const doc::Node* spec = object.root->get("spec");
  if (spec == nullptr || !spec->is_mapping()) return;
  const doc::Node* tls = spec->get("tls");
  if (tls == nullptr || !tls->is_sequence() || tls->size() == 0) {
    out.report("spec", spec,
               fmt::format("Ingress '{}' has no tls section: its routes are served over plain HTTP", object.ref.name));
    return;
  }
  std::vector<std::string_view> tls_hosts;
  for (const auto& entry : tls->items()) {
    const doc::Node* hosts = entry.get("hosts");
    if (hosts == nullptr || !hosts->is_sequence()) continue;
    for (const auto& h : hosts->items()) {
      if (h.is_scalar()) tls_hosts.push_back(h.str());
    }
  }
  const doc::Node* rules = spec->get("rules");
  if (rules == nullptr || !rules->is_sequence()) return;
  for (size_t i = 0; i < rules->size(); ++i) {
    const doc::Node& rule = rules->items()[i];
    std::string_view host = k8s::string_at(&rule, "host");
    if (host.empty()) continue;
    bool covered = false;
    for (std::string_view pattern : tls_hosts) covered |= covers(pattern, host);
    if (covered) continue;
    out.report(fmt::format("spec.rules[{}].host", i), rule.get("host"),
               fmt::format("Ingress '{}' routes host '{}' but no tls entry lists it: that host is served over plain "
                           "HTTP",
                           object.ref.name, host));
  }
}

}  // namespace

void register_ingress_without_tls(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::net

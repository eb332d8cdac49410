#include <utility>

#include <fmt/format.h>

#include "pss/registry.h"
#include "rules/pss/pss_rules.h"

namespace kg::rules {
namespace pss_family {

void run(const PssRule& rule, const ObjectContext& ctx, Emitter& out) {
  if (!ctx.settings.pss) return;
  const pss::Policy policy = *ctx.settings.pss;
  const pss::CheckDef* check = pss::find_check(rule.check);
  const pss::VersionedCheck* version = check != nullptr ? pss::active_version(*check, policy) : nullptr;
  if (version == nullptr) return;
  pss::CheckResult failure = version->fn(*ctx.pod);
  if (!failure) return;
  std::string message = fmt::format("Pod Security Standards {} {} check {}: {}", pss::level_name(policy.level),
                                    pss::version_name(policy.version), rule.check, failure->reason);
  if (!failure->detail.empty()) message += fmt::format(" ({})", failure->detail);
  if (failure->fields.empty()) {
    out.report(ctx.pod->path, ctx.pod->spec, std::move(message));
    return;
  }
  for (const auto& f : failure->fields) out.report(f.path, f.node, message, f.container);
}

namespace {

// The catalog takes plain function pointers; one instantiation per table row.
template <size_t I>
void check(const ObjectContext& ctx, Emitter& out) {
  run(pss_rules()[I], ctx, out);
}

template <size_t... I>
void register_all(Catalog& catalog, std::index_sequence<I...>) {
  (catalog.add_pod_rule(pss_rules()[I].meta, check<I>), ...);
}

}  // namespace
}  // namespace pss_family

void register_pss_rules(Catalog& catalog) {
  pss_family::register_all(catalog, std::make_index_sequence<pss_family::kPssRuleCount>());
}

}  // namespace kg::rules

#include "rules/sec/sec_rules.h"

namespace kg::rules::sec {
namespace {

const RuleMeta kMeta{
    .id = "KG-SEC-002",
    .slug = "secret-in-env-var",
    .title = "Secret passed to a container through environment variables",
    .severity = Severity::Low,
    .family = "SEC",
    .kinds = {"pod-bearing"},
    .rationale =
        "A Secret read into the environment (env[].valueFrom.secretKeyRef or envFrom[].secretRef) is "
        "inherited by every child process, readable in /proc/<pid>/environ by anything sharing the "
        "process namespace, often printed by crash handlers and debug endpoints, and never updated when "
        "the Secret is rotated. A Secret mounted as a file has none of these leaks and follows rotation.",
    .remediation =
        "Mount the Secret as a volume (secret.secretName, with items and defaultMode 0400 where the "
        "program allows) and have the program read the file; keep envFrom for ConfigMaps only.",
    .references = {ref::kManagedSecretStore, ref::kAppCredentialsInConfig, kAttackUnsecuredCredentials,
                   kCisSecretsAsFiles, kNsaSecrets},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (const doc::Node* env = c.node->get("env"); env != nullptr && env->is_sequence()) {
      size_t i = 0;
      for (const auto& var : env->items()) {
        size_t index = i++;
        const doc::Node* ref = var.find({"valueFrom", "secretKeyRef"});
        if (ref == nullptr) continue;
        out.report(fmt::format("{}.env[{}].valueFrom.secretKeyRef", c.path, index), ref,
                   fmt::format("container '{}' reads key '{}' of Secret '{}' into environment variable '{}'", c.name,
                               k8s::string_at(ref, "key"), k8s::string_at(ref, "name"), k8s::string_at(&var, "name")),
                   &c);
      }
    }
    if (const doc::Node* env_from = c.node->get("envFrom"); env_from != nullptr && env_from->is_sequence()) {
      size_t i = 0;
      for (const auto& source : env_from->items()) {
        size_t index = i++;
        const doc::Node* ref = source.get("secretRef");
        if (ref == nullptr) continue;
        out.report(fmt::format("{}.envFrom[{}].secretRef", c.path, index), ref,
                   fmt::format("container '{}' imports every key of Secret '{}' as environment variables", c.name,
                               k8s::string_at(ref, "name")),
                   &c);
      }
    }
  }
}

}  // namespace

void register_secret_in_env_var(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sec

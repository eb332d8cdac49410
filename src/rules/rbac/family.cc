#include "rules/rbac/rbac_rules.h"

namespace kg::rules {

void register_rbac_rules(Catalog& catalog) {
  using namespace rbac_rules;
  register_create_pods(catalog);
  register_patch_workloads(catalog);
  register_pods_exec(catalog);
  register_pods_attach(catalog);
  register_ephemeral_containers(catalog);
  register_webhook_config_write(catalog);
  register_escalate(catalog);
  register_bind(catalog);
  register_impersonate(catalog);
  register_token_create(catalog);
  register_secrets_read(catalog);
  register_nodes_proxy(catalog);
  register_wildcard(catalog);
  register_cluster_admin_binding(catalog);
  register_public_subject_binding(catalog);
  register_csr_approval(catalog);
  register_pod_token_can_inject(catalog);
  register_default_service_account_bound(catalog);
  register_rbac_change(catalog);
}

}  // namespace kg::rules

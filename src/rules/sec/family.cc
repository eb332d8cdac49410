#include "rules/sec/sec_rules.h"

namespace kg::rules {

void register_sec_rules(Catalog& catalog) {
  sec::register_secret_literal_in_env(catalog);
  sec::register_secret_in_env_var(catalog);
  sec::register_credentials_in_configmap(catalog);
  sec::register_privileged_client_certificate(catalog);
}

}  // namespace kg::rules

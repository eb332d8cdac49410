#include "rules/pod/pod_rules.h"

namespace kg::rules {

void register_pod_rules(Catalog& catalog) {
  pod::register_privileged(catalog);
  pod::register_privilege_escalation(catalog);
  pod::register_run_as_root(catalog);
  pod::register_writable_root_fs(catalog);
  pod::register_dangerous_capabilities(catalog);
  pod::register_capabilities_not_dropped(catalog);
  pod::register_host_namespaces(catalog);
  pod::register_host_path_volume(catalog);
  pod::register_runtime_socket(catalog);
  pod::register_host_port(catalog);
  pod::register_seccomp(catalog);
  pod::register_apparmor(catalog);
  pod::register_selinux(catalog);
  pod::register_proc_mount(catalog);
  pod::register_sysctls(catalog);
  pod::register_resource_requests(catalog);
  pod::register_resource_limits(catalog);
  pod::register_image_tag(catalog);
  pod::register_service_account_token(catalog);
  pod::register_default_service_account(catalog);
  pod::register_probes(catalog);
}

}  // namespace kg::rules

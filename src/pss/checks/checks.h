// Every versioned implementation of every upstream check, named after the
// policy version it first applies to. src/pss/registry.cc says which applies when.
#pragma once

#include "pss/check.h"

namespace kg::pss::checks {

// Baseline.
CheckResult windows_host_process_v1_0(const k8s::PodSpecView& pod);
CheckResult host_namespaces_v1_0(const k8s::PodSpecView& pod);
CheckResult privileged_v1_0(const k8s::PodSpecView& pod);
CheckResult capabilities_baseline_v1_0(const k8s::PodSpecView& pod);
CheckResult host_path_volumes_v1_0(const k8s::PodSpecView& pod);
CheckResult host_ports_v1_0(const k8s::PodSpecView& pod);
CheckResult app_armor_profile_v1_0(const k8s::PodSpecView& pod);
CheckResult se_linux_options_v1_0(const k8s::PodSpecView& pod);
CheckResult se_linux_options_v1_31(const k8s::PodSpecView& pod);
CheckResult proc_mount_v1_0(const k8s::PodSpecView& pod);
CheckResult proc_mount_v1_35_baseline(const k8s::PodSpecView& pod);
CheckResult seccomp_profile_baseline_v1_0(const k8s::PodSpecView& pod);
CheckResult seccomp_profile_baseline_v1_19(const k8s::PodSpecView& pod);
CheckResult sysctls_v1_0(const k8s::PodSpecView& pod);
CheckResult sysctls_v1_27(const k8s::PodSpecView& pod);
CheckResult sysctls_v1_29(const k8s::PodSpecView& pod);
CheckResult sysctls_v1_32(const k8s::PodSpecView& pod);
CheckResult sysctls_v1_37(const k8s::PodSpecView& pod);
CheckResult host_probes_and_host_lifecycle_v1_34(const k8s::PodSpecView& pod);

// Restricted.
CheckResult restricted_volumes_v1_0(const k8s::PodSpecView& pod);
CheckResult allow_privilege_escalation_v1_8(const k8s::PodSpecView& pod);
CheckResult allow_privilege_escalation_v1_25(const k8s::PodSpecView& pod);
CheckResult run_as_non_root_v1_0(const k8s::PodSpecView& pod);
CheckResult run_as_non_root_v1_35(const k8s::PodSpecView& pod);
CheckResult run_as_user_v1_23(const k8s::PodSpecView& pod);
CheckResult run_as_user_v1_35(const k8s::PodSpecView& pod);
CheckResult seccomp_profile_restricted_v1_19(const k8s::PodSpecView& pod);
CheckResult seccomp_profile_restricted_v1_25(const k8s::PodSpecView& pod);
CheckResult capabilities_restricted_v1_22(const k8s::PodSpecView& pod);
CheckResult capabilities_restricted_v1_25(const k8s::PodSpecView& pod);
// procMount_restricted reuses proc_mount_v1_0: the unrelaxed baseline rule.

}  // namespace kg::pss::checks

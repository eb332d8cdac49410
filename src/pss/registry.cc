#include "pss/registry.h"

#include <algorithm>
#include <array>

#include "pss/checks/checks.h"

namespace kg::pss {
namespace {

using namespace checks;

constexpr std::array<std::string_view, 1> kReplacesHostPathVolumes = {"hostPathVolumes"};
constexpr std::array<std::string_view, 1> kReplacesSeccompBaseline = {"seccompProfile_baseline"};
constexpr std::array<std::string_view, 1> kReplacesCapabilitiesBaseline = {"capabilities_baseline"};
constexpr std::array<std::string_view, 1> kReplacesProcMount = {"procMount"};

constexpr std::array<VersionedCheck, 1> kWindowsHostProcess = {{{0, windows_host_process_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kHostNamespaces = {{{0, host_namespaces_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kPrivileged = {{{0, privileged_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kCapabilitiesBaseline = {{{0, capabilities_baseline_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kHostPathVolumes = {{{0, host_path_volumes_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kHostPorts = {{{0, host_ports_v1_0, {}}}};
constexpr std::array<VersionedCheck, 1> kAppArmorProfile = {{{0, app_armor_profile_v1_0, {}}}};
constexpr std::array<VersionedCheck, 2> kSeLinuxOptions = {
    {{0, se_linux_options_v1_0, {}}, {31, se_linux_options_v1_31, {}}}};
constexpr std::array<VersionedCheck, 2> kProcMount = {{{0, proc_mount_v1_0, {}}, {35, proc_mount_v1_35_baseline, {}}}};
constexpr std::array<VersionedCheck, 2> kSeccompBaseline = {
    {{0, seccomp_profile_baseline_v1_0, {}}, {19, seccomp_profile_baseline_v1_19, {}}}};
constexpr std::array<VersionedCheck, 5> kSysctls = {{{0, sysctls_v1_0, {}},
                                                     {27, sysctls_v1_27, {}},
                                                     {29, sysctls_v1_29, {}},
                                                     {32, sysctls_v1_32, {}},
                                                     {37, sysctls_v1_37, {}}}};
constexpr std::array<VersionedCheck, 1> kHostProbes = {{{34, host_probes_and_host_lifecycle_v1_34, {}}}};

constexpr std::array<VersionedCheck, 1> kRestrictedVolumes = {{{0, restricted_volumes_v1_0, kReplacesHostPathVolumes}}};
constexpr std::array<VersionedCheck, 2> kAllowPrivilegeEscalation = {
    {{8, allow_privilege_escalation_v1_8, {}}, {25, allow_privilege_escalation_v1_25, {}}}};
constexpr std::array<VersionedCheck, 2> kRunAsNonRoot = {
    {{0, run_as_non_root_v1_0, {}}, {35, run_as_non_root_v1_35, {}}}};
constexpr std::array<VersionedCheck, 2> kRunAsUser = {{{23, run_as_user_v1_23, {}}, {35, run_as_user_v1_35, {}}}};
constexpr std::array<VersionedCheck, 2> kSeccompRestricted = {
    {{19, seccomp_profile_restricted_v1_19, kReplacesSeccompBaseline},
     {25, seccomp_profile_restricted_v1_25, kReplacesSeccompBaseline}}};
constexpr std::array<VersionedCheck, 2> kCapabilitiesRestricted = {
    {{22, capabilities_restricted_v1_22, kReplacesCapabilitiesBaseline},
     {25, capabilities_restricted_v1_25, kReplacesCapabilitiesBaseline}}};
constexpr std::array<VersionedCheck, 1> kProcMountRestricted = {{{35, proc_mount_v1_0, kReplacesProcMount}}};

constexpr std::array<CheckDef, 19> kChecks = {{
    {"windowsHostProcess", Level::Baseline, kWindowsHostProcess},
    {"hostNamespaces", Level::Baseline, kHostNamespaces},
    {"privileged", Level::Baseline, kPrivileged},
    {"capabilities_baseline", Level::Baseline, kCapabilitiesBaseline},
    {"hostPathVolumes", Level::Baseline, kHostPathVolumes},
    {"hostPorts", Level::Baseline, kHostPorts},
    {"appArmorProfile", Level::Baseline, kAppArmorProfile},
    {"seLinuxOptions", Level::Baseline, kSeLinuxOptions},
    {"procMount", Level::Baseline, kProcMount},
    {"seccompProfile_baseline", Level::Baseline, kSeccompBaseline},
    {"sysctls", Level::Baseline, kSysctls},
    {"hostProbesAndHostLifecycle", Level::Baseline, kHostProbes},
    {"restrictedVolumes", Level::Restricted, kRestrictedVolumes},
    {"allowPrivilegeEscalation", Level::Restricted, kAllowPrivilegeEscalation},
    {"runAsNonRoot", Level::Restricted, kRunAsNonRoot},
    {"runAsUser", Level::Restricted, kRunAsUser},
    {"seccompProfile_restricted", Level::Restricted, kSeccompRestricted},
    {"capabilities_restricted", Level::Restricted, kCapabilitiesRestricted},
    {"procMount_restricted", Level::Restricted, kProcMountRestricted},
}};

// The implementation in force at `minor`, whatever the level.
const VersionedCheck* version_at(const CheckDef& check, int minor) {
  const VersionedCheck* found = nullptr;
  for (const auto& v : check.versions) {
    if (v.min_minor <= minor) found = &v;
  }
  return found;
}

}  // namespace

std::span<const CheckDef> all_checks() { return kChecks; }

const CheckDef* find_check(std::string_view id) {
  for (const auto& c : kChecks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const CheckDef* replaced_by(const CheckDef& check, Policy policy) {
  if (check.level != Level::Baseline || policy.level != Level::Restricted) return nullptr;
  for (const auto& r : kChecks) {
    if (r.level != Level::Restricted) continue;
    const VersionedCheck* v = version_at(r, policy.version.minor);
    if (v != nullptr && std::find(v->overrides.begin(), v->overrides.end(), check.id) != v->overrides.end()) {
      return &r;
    }
  }
  return nullptr;
}

const VersionedCheck* active_version(const CheckDef& check, Policy policy) {
  if (policy.level == Level::Privileged || check.level > policy.level) return nullptr;
  if (policy.version.major != 1) return nullptr;
  const VersionedCheck* v = version_at(check, policy.version.minor);
  if (v == nullptr || replaced_by(check, policy) != nullptr) return nullptr;
  return v;
}

}  // namespace kg::pss

#include <array>
#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

// Sources restricted pods may use: ephemeral or API-backed data, and storage
// that goes through a PersistentVolume an administrator controls. `image`
// was patched into upstream's 1.0 function (Kubernetes 1.33), so it counts
// at every version.
constexpr std::array<std::string_view, 9> kAllowed = {"configMap", "csi",   "downwardAPI",           "emptyDir",
                                                      "ephemeral", "image", "persistentVolumeClaim", "projected",
                                                      "secret"};

// Every other source, in the order upstream names the first one a volume sets.
constexpr std::array<std::string_view, 21> kRestricted = {"hostPath",
                                                          "gcePersistentDisk",
                                                          "awsElasticBlockStore",
                                                          "gitRepo",
                                                          "nfs",
                                                          "iscsi",
                                                          "glusterfs",
                                                          "rbd",
                                                          "flexVolume",
                                                          "cinder",
                                                          "cephfs",
                                                          "flocker",
                                                          "fc",
                                                          "azureFile",
                                                          "vsphereVolume",
                                                          "quobyte",
                                                          "azureDisk",
                                                          "photonPersistentDisk",
                                                          "portworxVolume",
                                                          "scaleIO",
                                                          "storageos"};

}  // namespace

CheckResult restricted_volumes_v1_0(const k8s::PodSpecView& pod) {
  const doc::Node* volumes = field(pod.spec, "volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return std::nullopt;
  CheckFailure f;
  std::vector<std::string> names;
  std::set<std::string> types;
  size_t i = 0;
  for (const auto& v : volumes->items()) {
    bool allowed = false;
    for (auto key : kAllowed) allowed = allowed || field(&v, key) != nullptr;
    if (!allowed) {
      for (auto key : kRestricted) {
        if (const doc::Node* source = field(&v, key)) {
          names.emplace_back(text(v.get("name")));
          types.emplace(key);
          f.fields.push_back({fmt::format("{}.volumes[{}].{}", pod.path, i, key), source});
          break;
        }
      }
      // A volume naming no source at all is defaulted to emptyDir by the API
      // server before admission sees it, so it passes.
    }
    ++i;
  }
  if (names.empty()) return std::nullopt;
  std::vector<std::string> type_list(types.begin(), types.end());
  f.reason = "restricted volume types";
  f.detail = fmt::format("{} {} {} {} {}", pluralize("volume", "volumes", names.size()), join_quote(names),
                         pluralize("uses", "use", names.size()),
                         pluralize("restricted volume type", "restricted volume types", type_list.size()),
                         join_quote(type_list));
  return f;
}

}  // namespace kg::pss::checks

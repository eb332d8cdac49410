#include "cluster/rbac_source.h"

#include <array>

#include "cluster/resources.h"
#include "engine/rbac_source.h"

namespace kg::cluster {

rbac::Loaded load_rbac(ApiClient& client, const std::string& origin, const engine::Config& config) {
  engine::RbacReader reader(config);
  // Names, not a second list of versions: the table of kinds has them.
  constexpr std::array<std::string_view, 6> kResources = {"clusterroles", "clusterrolebindings", "roles",
                                                          "rolebindings", "serviceaccounts",     "pods"};
  uint32_t index = 0;
  for (std::string_view name : kResources) {
    const Resource* resource = find_resource(name);
    if (resource == nullptr) {
      reader.add_error(doc::LoadError{doc::ErrorCode::Io, origin, {}, std::string(name) + ": not a listed kind"});
      continue;
    }
    auto listed = client.list(*resource, "", [&](doc::Node&& item) {
      doc::Document document{origin, index++, std::move(item)};
      reader.add(document);
    });
    if (!listed) reader.add_error(doc::LoadError{doc::ErrorCode::Io, origin, {}, listed.error().message});
  }
  return std::move(reader).finish();
}

}  // namespace kg::cluster

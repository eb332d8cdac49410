// The IMG family: where images come from and whether they are pinned
// (MS-M9005.003 Gate images deployed to the cluster).
#pragma once

#include <fmt/format.h>

#include "k8s/image_ref.h"
#include "rules/catalog.h"

namespace kg::rules::img {

void register_trusted_registry(Catalog& catalog);
void register_pinning(Catalog& catalog);
void register_injector_image_drift(Catalog& catalog);
void register_signature(Catalog& catalog);
void register_contents(Catalog& catalog);

// True when `repository` is one of `trusted` (a registry host, or a
// registry/path prefix such as ghcr.io/acme).
bool is_trusted(std::string_view repository, std::span<const std::string> trusted);

// The image a container runs: on a live Pod the digest its status's imageID
// reports, else the image the spec names.
std::string running_image_of(const ObjectContext& ctx, const k8s::ContainerView& c);

}  // namespace kg::rules::img

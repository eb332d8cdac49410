// Drift between desired and live state (`kubeguard diff`): manifests on one
// side, what `kubectl get -o yaml|json` prints on the other. Objects are
// matched by API group (not version), kind, namespace and name; a manifest
// without a namespace is in the default namespace. Live objects that their
// key does not match are compared with their owner's template. The result is
// a ScanResult so that every reporter and exit code applies unchanged.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"
#include "engine/scanner.h"

namespace kg::engine {

struct DiffRequest {
  std::vector<std::string> baseline;  // files, directories, or "-" (standard input) on one side
  std::vector<std::string> live;
  std::string default_namespace = "default";  // where objects without metadata.namespace are
};

// Reads both sides; files that cannot be read or parsed become errors (exit 2).
ScanResult diff(const DiffRequest& request, const Config& config);

// The comparison on documents already loaded.
ScanResult diff_documents(std::span<const doc::Document> baseline, std::span<const doc::Document> live,
                          std::string_view default_namespace, const Config& config);

}  // namespace kg::engine

// What kubectl would send for each object of an input, as `kubectl ... -o
// json` prints it: the document model's view, flattened the way kubectl
// flattens lists. Behind `kubeguard convert` and the differential test
// against kubectl.
#pragma once

#include <functional>
#include <string>

#include "doc/document.h"

namespace kg::k8s {

struct ConvertSinks {
  // One object as kubectl prints it with -o json, or -o yaml when `yaml` is
  // set (ends with a newline).
  std::function<void(std::string&&)> object;
  // `stops_file`: kubectl reads no further in the file after this error (a
  // document it cannot parse); otherwise it goes on with the next document.
  std::function<void(doc::LoadError&&, bool stops_file)> error;
  bool yaml = false;
};

void convert_input(const std::string& path, const ConvertSinks& sinks, const doc::LoadLimits& limits = {});

// The same for text already in memory.
void convert_text(std::string_view text, std::string_view name, const ConvertSinks& sinks,
                  const doc::LoadLimits& limits = {});

}  // namespace kg::k8s

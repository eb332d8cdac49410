// Where a fact about an object came from, so a finding about it can point back.
#pragma once

#include <string>
#include <vector>

#include "doc/node.h"
#include "k8s/object.h"

namespace kg::k8s {

struct Origin {
  ObjectRef ref;
  std::string file;
  doc::Mark mark;
  std::string path;
  std::vector<std::string> ignored_rules;  // from kubeguard.io/ignore
  std::string ignore_reason;
};

}  // namespace kg::k8s

// A finding: one rule's verdict on one field of one object.
#pragma once

#include <string>
#include <vector>

#include "doc/node.h"
#include "k8s/object.h"
#include "rules/rule.h"

namespace kg::rules {

// What a finding on an event (an audit log entry) adds: who did it, from
// where, the request and the evidence. Already redacted: never a secret value.
struct Detail {
  std::string key;  // "user", "verb", "auditID", "container", "image", ...
  std::string value;
};

struct Finding {
  std::string rule_id;
  Severity severity = Severity::Info;
  k8s::ObjectRef object;
  std::string container;       // "" when the finding is not about one container
  std::string container_role;  // main, init, native-sidecar, injected-sidecar, extra, ephemeral
  std::string path;            // field path inside the object, e.g. spec.template.spec.containers[0].image
  std::string file;            // "" when the object did not come from a file
  doc::Mark mark;
  std::string message;
  bool suppressed = false;
  std::string suppression;      // why: "annotation: <reason>" or "config"
  std::vector<Detail> details;  // findings on events; empty for objects read from files or the API server
};

}  // namespace kg::rules

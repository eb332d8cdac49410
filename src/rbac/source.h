// What reading RBAC objects gives: they are read through the evaluation
// session from manifest files (engine/rbac_source.h) or from a live cluster
// (cluster/rbac_source.h), into the same values.
#pragma once

#include <string>
#include <vector>

#include "doc/document.h"
#include "rbac/objects.h"

namespace kg::rbac {

struct Loaded {
  Objects objects;
  std::vector<doc::LoadError> errors;  // unreadable files, malformed documents, unreadable fields
  size_t objects_read = 0;
  size_t files = 0;
};

// Moves the issues met while reading objects into `out.errors`; called once
// after the last document.
void move_issues(Loaded& out);

}  // namespace kg::rbac

// The RBAC objects, service accounts and accounts pods run as, read from
// documents through an evaluation session without rules: the one loop from
// documents to objects, so `kubeguard rbac` reads what a scan reads (Lists
// expanded the same way, the same extraction errors, each object's
// kubeguard.io/ignore annotations kept with its facts). Manifest files here;
// a live cluster's lists through the same reader (cluster/rbac_source.h).
#pragma once

#include <string>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"
#include "engine/session.h"
#include "rbac/source.h"

namespace kg::engine {

class RbacReader {
 public:
  // `config` (sidecar profiles: the roles of a pod's containers) must outlive the reader.
  explicit RbacReader(const Config& config);
  RbacReader(const RbacReader&) = delete;
  RbacReader& operator=(const RbacReader&) = delete;

  void add(const doc::Document& document);
  void add_error(doc::LoadError error) { loaded_.errors.push_back(std::move(error)); }
  void add_files(size_t count) { loaded_.files += count; }

  // Everything read; problems met while reading objects join the errors.
  rbac::Loaded finish() &&;

 private:
  RuleIndex no_rules_;
  Session session_;
  rbac::Loaded loaded_;
  std::vector<rules::Finding> none_;  // a session without rules finds nothing
};

// Every Role, ClusterRole, binding, ServiceAccount and pod-bearing object of
// the inputs (files, directories, Lists, "-").
rbac::Loaded load_rbac_files(const std::vector<std::string>& inputs, const Config& config = {});

}  // namespace kg::engine

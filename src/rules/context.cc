#include "rules/context.h"

namespace kg::rules {

void Emitter::report(std::string path, const doc::Node* at, std::string message, const k8s::ContainerView* container) {
  Finding f;
  f.rule_id = std::string(meta_.id);
  f.severity = meta_.severity;
  f.object = object_.ref;
  if (container != nullptr) {
    f.container = std::string(container->name);
    f.container_role = std::string(k8s::role_name(container->role));
  }
  f.path = std::move(path);
  f.path.insert(0, object_.path_prefix);
  f.file = std::string(object_.file);
  f.mark = at != nullptr ? at->mark() : object_.root->mark();
  f.message = std::move(message);
  out_.push_back(std::move(f));
}

void InventoryEmitter::report(const k8s::Origin& origin, std::string message) {
  Finding f;
  f.rule_id = std::string(meta_.id);
  f.severity = meta_.severity;
  f.object = origin.ref;
  f.path = origin.path;
  f.file = origin.file;
  f.mark = origin.mark;
  f.message = std::move(message);
  out_.push_back(std::move(f));
  origins_.push_back(&origin);
}

}  // namespace kg::rules

#include "rules/context.h"

#include <fmt/format.h>

#include "util/redact.h"

namespace kg::rules {

void Emitter::report(Severity severity, std::string path, const doc::Node* at, std::string message,
                     const k8s::ContainerView* container) {
  if (kept_ >= limit_) {
    ++dropped_;
    if (dropped_ == 1 || severity > dropped_severity_) dropped_severity_ = severity;
    return;
  }
  ++kept_;
  Finding f;
  f.rule_id = std::string(meta_.id);
  f.severity = severity;
  f.object = object_.ref;
  if (container != nullptr) {
    f.container = std::string(container->name);
    f.container_role = std::string(k8s::role_name(container->role));
  }
  f.path = std::move(path);
  f.path.insert(0, object_.path_prefix);
  f.file = std::string(object_.file);
  f.mark = at != nullptr ? at->mark() : object_.root->mark();
  // Messages quote the input (URLs, commands, images): never a credential in them.
  f.message = util::redact(message);
  out_.push_back(std::move(f));
}

void Emitter::finish() {
  if (dropped_ == 0) return;
  Finding f;
  f.rule_id = std::string(meta_.id);
  f.severity = dropped_severity_;
  f.object = object_.ref;
  f.path = object_.path_prefix + "metadata";
  f.file = std::string(object_.file);
  f.mark = object_.root->mark();
  f.message = fmt::format(
      "{} more finding{} of this rule in this object, not listed one by one (at most {} are listed per rule and "
      "object)",
      dropped_, dropped_ == 1 ? "" : "s", limit_);
  out_.push_back(std::move(f));
  dropped_ = 0;
}

void InventoryEmitter::report(const k8s::Origin& origin, std::string message) {
  Finding f;
  f.rule_id = std::string(meta_.id);
  f.severity = meta_.severity;
  f.object = origin.ref;
  f.path = origin.path;
  f.file = origin.file;
  f.mark = origin.mark;
  // Messages quote the input (URLs, commands, images): never a credential in them.
  f.message = util::redact(message);
  out_.push_back(std::move(f));
  origins_.push_back(&origin);
}

}  // namespace kg::rules

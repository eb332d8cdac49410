// The NODE family: the CIS Kubernetes Benchmark's control-plane, etcd and
// worker-node recommendations that can be read from a component's flags,
// environment, configuration files and the files they name. A rule sees one
// component (node/component.h), wherever it was found: a process on this
// machine (`kubeguard node scan`), a static pod manifest or a control-plane
// mirror pod (`kubeguard scan`, `kubeguard cluster scan`), a
// KubeletConfiguration file. File checks run only where the component's
// files can be read (node scan).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "node/component.h"
#include "node/files.h"
#include "rules/catalog.h"

namespace kg::rules::node {

using kg::node::Component;
using kg::node::ComponentKind;
using kg::node::Flag;
using kg::node::Where;

struct NodeHit {
  Where where;
  std::string message;
  std::optional<Severity> severity;  // when the rule's usual severity does not fit the case
};

// Collects what one rule says about one component.
class NodeEmitter {
 public:
  explicit NodeEmitter(const Component& component) : component_(component) {}

  // At a flag, or at the command line when the flag is missing (null).
  void at(const Flag* flag, std::string message, std::optional<Severity> severity = std::nullopt);
  void at(Where where, std::string message, std::optional<Severity> severity = std::nullopt);
  // About a file the component names (not a field of a document).
  void at_file(std::string_view path, std::string message);

  const Component& component() const { return component_; }
  std::vector<NodeHit>& hits() { return hits_; }

 private:
  const Component& component_;
  std::vector<NodeHit> hits_;
};

using NodeCheck = void (*)(const Component& component, NodeEmitter& out);

struct NodeRule {
  const RuleMeta* meta;
  NodeCheck check;
};

// Every NODE rule, in ID order.
std::span<const NodeRule> node_rules();

// Rules of each file of this folder.
std::span<const NodeRule> apiserver_auth_rules();
std::span<const NodeRule> apiserver_admission_rules();
std::span<const NodeRule> apiserver_audit_rules();
std::span<const NodeRule> apiserver_tls_rules();
std::span<const NodeRule> controller_rules();
std::span<const NodeRule> etcd_rules();
std::span<const NodeRule> kubelet_rules();
std::span<const NodeRule> file_rules();

// ---- helpers shared by the rules

// Go's strconv.ParseBool; nullopt for anything else.
std::optional<bool> parse_bool(std::string_view text);
// True when the flag is given and reads as `value`.
bool flag_is(const Flag* flag, bool value);
// The items of a comma-separated flag value, trimmed.
std::vector<std::string_view> split_list(std::string_view value);
bool list_has(std::string_view value, std::string_view item);
// "kube-apiserver --anonymous-auth": for messages.
std::string flag_text(const Component& c, std::string_view flag);

// A kubelet setting in force: the flag when given, else the field of its
// --config file, else the default (the config file's defaults differ from the
// flags' legacy defaults: anonymous auth, authorization mode, read-only port).
struct KubeletSetting {
  std::string value;
  Where where;  // the flag, the field, or the command line for a default
  bool defaulted = false;
  std::string source;  // "--anonymous-auth", "authentication.anonymous.enabled in F", "the default"
};
KubeletSetting kubelet_setting(const Component& c, std::string_view flag, std::string_view field,
                               std::string_view legacy_default, std::string_view config_default);

}  // namespace kg::rules::node

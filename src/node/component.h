// A control-plane or node component as kubeguard finds it: its kind, its
// command line read as flags the way the component's flag package reads them,
// its environment, its configuration file, and where each value came from.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "k8s/object.h"

namespace kg::node {

enum class ComponentKind : uint8_t { ApiServer, ControllerManager, Scheduler, Etcd, Kubelet };

std::string_view component_name(ComponentKind kind);  // "kube-apiserver", "etcd", ...
// The component a program is (by the base name of argv[0]), or nullopt.
std::optional<ComponentKind> component_of_program(std::string_view argv0);

// Where a value was read: the file and position, and the field path inside
// it: "spec.containers[0].command[4]" in a pod, "argv[4]" in a process,
// "authentication.anonymous.enabled" in a kubelet configuration file.
struct Where {
  std::string file;
  doc::Mark mark;
  std::string path;
  const doc::Node* node = nullptr;  // when the value sits in a loaded document
};

struct Flag {
  std::string name;   // without the leading dashes
  std::string value;  // "true" for a boolean flag given bare
  Where where;
};

// One argument of a command line, with where it was written.
struct Argument {
  std::string text;
  Where where;
};

// Reads a command line (without argv[0]) as spf13/pflag does: "--name=value",
// "--name value" (the next argument is taken as the value unless the flag is
// boolean or the argument starts with '-'), a bare boolean "--name" is true.
// Positional arguments are ignored.
std::vector<Flag> parse_flags(std::span<const Argument> args);

// A loaded YAML/JSON configuration file (KubeletConfiguration,
// EncryptionConfiguration, audit Policy, AdmissionConfiguration).
struct ConfigFile {
  std::string path;                               // as the component names it
  std::shared_ptr<const doc::Document> document;  // owns `root` when the file was read here
  const doc::Node* root = nullptr;
  // A field by a dotted path ("authentication.anonymous.enabled"), or null.
  const doc::Node* find(std::string_view dotted) const;
  Where where(std::string_view dotted) const;
};

struct Component {
  ComponentKind kind = ComponentKind::ApiServer;
  std::vector<Flag> flags;        // in command-line order
  std::vector<Flag> environment;  // ETCD_* variables as flag names (etcd reads them when the flag is absent)
  Where origin;                   // the command line itself: findings about a missing flag point here
  k8s::ObjectRef ref;             // "Process kube-apiserver[123]" or the static Pod
  int pid = 0;                    // 0 when it came from a manifest
  std::optional<uid_t> uid;       // the user a process runs as
  std::string manifest;           // the static pod manifest it came from, as named on the host
  // How a path named in a flag is found on this machine: prefixed with `root`
  // ("/proc/PID/root" for a process, the host root for a manifest). Empty:
  // files cannot be read from here, the file checks are skipped.
  std::string root;
  std::string cwd;  // where relative paths start on this machine ("/proc/PID/cwd"); "" for the root
  // kubelet --config, when it could be read.
  std::shared_ptr<const ConfigFile> config;
  // The other components found on the same node (node scan only), for the
  // checks that compare components (etcd's CA with the cluster's).
  std::span<const Component> peers;

  // The value in force: the last occurrence of the flag, else (etcd) its
  // environment variable; null when neither is given.
  const Flag* flag(std::string_view name) const;
};

// ETCD_CLIENT_CERT_AUTH -> client-cert-auth; "" for a variable that is not ETCD_*.
std::string etcd_flag_of_variable(std::string_view variable);

// Builds the components of a pod's containers whose command starts a
// control-plane program (kubeadm's static pods and their mirror pods).
std::optional<Component> component_of_container(const k8s::Object& pod, const doc::Node& container,
                                                std::string container_path);

}  // namespace kg::node

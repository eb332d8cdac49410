// `kubeguard node scan`: the control-plane and node components of this
// machine (processes, static pod manifests, kubelet configuration files)
// through the NODE rules, as one scan result for the usual reporters.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/scanner.h"
#include "engine/suppression.h"
#include "node/component.h"

namespace kg::node {

struct NodeScanRequest {
  std::string proc_root = "/proc";
  bool processes = true;                     // look at running processes
  std::vector<int> pids;                     // only these processes (empty: every one)
  std::vector<std::string> manifests;        // static pod manifests: files or directories
  std::vector<std::string> kubelet_configs;  // KubeletConfiguration files of a kubelet not running here
  // Where the files named by manifests and kubelet configurations are found
  // ("/" on the node itself, "/host" in the DaemonSet).
  std::string host_root = "/";
};

struct Discovery {
  std::vector<Component> components;
  std::vector<doc::LoadError> errors;
  // Documents of the manifests read, which the components of manifests point into.
  std::vector<std::shared_ptr<doc::Document>> documents;
  std::vector<engine::IgnoreList> ignores;  // per component, from the manifest's annotations
};

// The components of running processes (kube-apiserver, etcd,
// kube-controller-manager, kube-scheduler, kubelet), their kubelet
// configuration files loaded.
void discover_processes(const NodeScanRequest& request, Discovery& out);
void discover_manifests(const NodeScanRequest& request, Discovery& out);
void discover_kubelet_configs(const NodeScanRequest& request, Discovery& out);

// Runs every enabled NODE rule over one component.
void evaluate_component(const Component& component, const engine::IgnoreList& ignore, const engine::Config& config,
                        std::vector<rules::Finding>& out);

engine::ScanResult scan_node(const NodeScanRequest& request, const engine::Config& config);

}  // namespace kg::node

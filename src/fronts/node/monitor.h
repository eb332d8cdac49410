// `kubeguard node watch`: follows processes (exec events from the process
// connector, else /proc polling) and TCP/UDP connections (/proc/net), names
// each by its container and pod (cgroup path, PodIndex), and raises the RT
// rules' findings, each once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/config.h"
#include "node/cgroup.h"
#include "node/net.h"
#include "node/pod_index.h"
#include "node/proc.h"
#include "node/proc_events.h"
#include "node/stratum_sniffer.h"
#include "rules/finding.h"

namespace kg::node {

struct MonitorOptions {
  std::string proc_root = "/proc";
  // How often /proc and /proc/net are read (processes are also read at once
  // on each exec event when the process connector is open).
  std::chrono::milliseconds interval{250};
  bool process_events = true;  // try the process connector
  bool sniff = true;           // try the stratum packet socket
  std::vector<uint16_t> pool_ports = default_pool_ports();

  static std::vector<uint16_t> default_pool_ports();
};

// What the monitor could open, for the user and for the tests.
struct MonitorSources {
  bool process_events = false;
  bool sniffer = false;
  std::vector<std::string> notes;  // why a source is not used
};

class Monitor {
 public:
  using Sink = std::function<void(rules::Finding&&)>;

  Monitor(MonitorOptions options, const engine::Config& config, PodIndex pods, Sink sink);

  // Opens the sources and looks at everything that already runs.
  MonitorSources start();
  // Waits up to `wait` for events, handles them, and polls when due.
  void step(std::chrono::milliseconds wait);

  size_t processes_seen() const { return seen_.size(); }
  // A fresher view of the node's pods (from the API server, refreshed apart).
  void replace_pods(PodIndex pods) { pods_ = std::move(pods); }
  const PodIndex& pods() const { return pods_; }

 private:
  struct ContainerState {
    int first_pid = 0;
    unsigned long long first_start = 0;
    bool first_is_shell = false;
  };

  void poll_processes();
  void poll_connections();
  void look_at(int pid);
  void evaluate(const ProcessInfo& p, const std::optional<ContainerIdentity>& container);
  void on_stratum(const StratumPacket& packet);
  void report(const rules::RuleMeta& meta, int pid, const std::optional<ContainerIdentity>& container,
              std::string dedup_key, std::string message);
  std::optional<ContainerIdentity> container_of(int pid) const;
  bool container_starts_shell(const ContainerIdentity& id, int pid) const;

  MonitorOptions options_;
  const engine::Config& config_;
  PodIndex pods_;
  Sink sink_;
  ProcEvents events_;
  StratumSniffer sniffer_;
  std::chrono::steady_clock::time_point next_poll_{};
  struct Seen {
    unsigned long long start = 0;
    std::string netns;  // its network namespace ("net:[4026531840]")
  };
  std::map<int, Seen> seen_;  // by pid
  unsigned polls_ = 0;
  std::set<uint64_t> seen_sockets_;
  std::set<std::string> reported_;
  std::map<std::string, ContainerState> containers_;  // by container ID
  std::map<int, std::string> programs_;               // pid -> program name, for messages
};

// Base names the monitor treats as shells and package managers.
bool is_shell_program(std::string_view name);
bool is_package_manager(std::string_view name);
// Programs each built-in sidecar profile runs; empty when the profile is unknown here.
std::vector<std::string_view> sidecar_programs(std::string_view profile);

}  // namespace kg::node

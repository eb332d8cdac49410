#include "fronts/node/monitor.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "engine/suppression.h"
#include "rules/rt/rt_rules.h"
#include "rules/sc/signatures.h"
#include "util/redact.h"

namespace kg::node {
namespace {

using rules::rt::RtRule;
using rules::sc::SignatureKind;

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string program_of(const ProcessInfo& p) {
  if (!p.argv.empty() && !p.argv.front().empty()) {
    // "-bash" for a login shell.
    std::string_view name = base_name(p.argv.front());
    if (name.starts_with('-')) name.remove_prefix(1);
    // argv[0] may carry the whole command line when a process rewrites it.
    return std::string(name.substr(0, name.find(' ')));
  }
  return p.comm;
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

std::string where_text(int pid, const std::string& program, const std::optional<ContainerIdentity>& c) {
  if (!c) return fmt::format("{} (pid {}, on the host)", program, pid);
  return fmt::format("{} (pid {}, container {}{}{})", program, pid, c->runtime.empty() ? "" : c->runtime + "://",
                     short_id(c->container_id), c->pod_uid.empty() ? "" : ", pod uid " + c->pod_uid);
}

// The network namespace of a process, by the inode of its ns/net link.
std::string netns_of(std::string_view proc_root, int pid) {
  std::array<char, 64> buf{};
  std::string path = fmt::format("{}/{}/ns/net", proc_root, pid);
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::vector<uint16_t> MonitorOptions::default_pool_ports() {
  // Ports stratum pools publish for their miners (Falco's miner_ports less
  // those every web service uses: 25, 80xx, 8333 and the like).
  return {3333, 3334, 3335, 3336, 3357, 4444,  5555,  5556,  5588, 5730,
          6099, 6666, 7777, 7778, 9999, 14433, 14444, 45560, 45700};
}

bool is_shell_program(std::string_view name) {
  static constexpr auto kShells =
      std::to_array<std::string_view>({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish"});
  return std::find(kShells.begin(), kShells.end(), name) != kShells.end();
}

bool is_package_manager(std::string_view name) {
  static constexpr auto kManagers = std::to_array<std::string_view>(
      {"apt", "apt-get", "dpkg", "yum", "dnf", "microdnf", "rpm", "apk", "zypper", "pacman", "pip", "pip3"});
  return std::find(kManagers.begin(), kManagers.end(), name) != kManagers.end();
}

std::vector<std::string_view> sidecar_programs(std::string_view profile) {
  struct Entry {
    std::string_view profile;
    std::vector<std::string_view> programs;
  };
  // What each project's sidecar image starts (entrypoint and the processes it forks).
  static const std::array kPrograms = {
      Entry{"istio-proxy", {"pilot-agent", "envoy"}},
      Entry{"istio-init",
            {"pilot-agent", "istio-iptables", "iptables", "iptables-restore", "ip6tables", "ip6tables-restore",
             "iptables-save", "ip6tables-save"}},
      Entry{"linkerd-proxy", {"linkerd2-proxy", "linkerd-await", "linkerd2-proxy-identity"}},
      Entry{"linkerd-init",
            {"linkerd2-proxy-init", "proxy-init", "iptables", "iptables-restore", "ip6tables", "ip6tables-restore",
             "iptables-save", "ip6tables-save"}},
      Entry{"vault-agent", {"vault", "dumb-init", "docker-entrypoint.sh"}},
      Entry{"dapr-sidecar", {"daprd"}},
      Entry{"consul-connect", {"consul-dataplane", "envoy", "consul-k8s-control-plane", "consul"}},
      Entry{"appmesh-envoy", {"envoy", "agent"}},
      Entry{"cloud-sql-proxy", {"cloud-sql-proxy", "cloud_sql_proxy"}},
      Entry{"fluent-bit", {"fluent-bit"}},
      Entry{"fluentd", {"fluentd", "ruby", "tini"}},
      Entry{"otel-collector", {"otelcol", "otelcol-contrib", "otelcol-k8s"}},
      Entry{"datadog-agent", {"agent", "trace-agent", "process-agent", "security-agent", "system-probe"}},
  };
  for (const auto& e : kPrograms) {
    if (e.profile == profile) return e.programs;
  }
  return {};
}

Monitor::Monitor(MonitorOptions options, const engine::Config& config, PodIndex pods, Sink sink)
    : options_(std::move(options)), config_(config), pods_(std::move(pods)), sink_(std::move(sink)) {}

MonitorSources Monitor::start() {
  MonitorSources sources;
  std::string error;
  if (options_.process_events) {
    if (events_.open(&error)) {
      sources.process_events = true;
    } else {
      sources.notes.push_back("process connector not available (" + error + "): polling /proc");
    }
  }
  if (options_.sniff) {
    if (sniffer_.open(&error)) {
      sources.sniffer = true;
    } else {
      sources.notes.push_back("stratum sniffer not available (" + error + "): KG-RT-004 is off");
    }
  }
  poll_processes();
  poll_connections();
  next_poll_ = std::chrono::steady_clock::now() + options_.interval;
  return sources;
}

void Monitor::step(std::chrono::milliseconds wait) {
  auto now = std::chrono::steady_clock::now();
  auto until_poll = std::chrono::duration_cast<std::chrono::milliseconds>(next_poll_ - now);
  auto timeout = std::clamp(std::min(wait, until_poll), std::chrono::milliseconds(0), wait);
  std::array<pollfd, 2> fds{};
  nfds_t n = 0;
  if (events_.is_open()) fds[n++] = pollfd{events_.fd(), POLLIN, 0};
  if (sniffer_.is_open()) fds[n++] = pollfd{sniffer_.fd(), POLLIN, 0};
  if (n > 0) {
    ::poll(fds.data(), n, static_cast<int>(timeout.count()));
  } else if (timeout.count() > 0) {
    ::usleep(static_cast<useconds_t>(timeout.count()) * 1000);
  }
  if (events_.is_open()) {
    bool lost = false;
    for (int pid : events_.drain(lost)) {
      seen_.erase(pid);  // an exec: the same PID runs a new program
      look_at(pid);
    }
    if (lost) poll_processes();
  }
  if (sniffer_.is_open()) {
    for (const auto& packet : sniffer_.drain()) on_stratum(packet);
  }
  if (std::chrono::steady_clock::now() >= next_poll_) {
    // With exec events the process walk only catches what the kernel dropped
    // or what ran before: every tenth poll is enough.
    if (!events_.is_open() || ++polls_ % 10 == 0) poll_processes();
    poll_connections();
    next_poll_ = std::chrono::steady_clock::now() + options_.interval;
  }
}

void Monitor::poll_processes() {
  std::vector<int> pids = list_pids(options_.proc_root);
  // Forget processes that are gone (their PIDs will be reused).
  for (auto it = seen_.begin(); it != seen_.end();) {
    if (!std::binary_search(pids.begin(), pids.end(), it->first)) {
      programs_.erase(it->first);
      it = seen_.erase(it);
    } else {
      ++it;
    }
  }
  for (int pid : pids) look_at(pid);
}

std::optional<ContainerIdentity> Monitor::container_of(int pid) const {
  return container_of_cgroup(read_cgroup(options_.proc_root, pid));
}

void Monitor::look_at(int pid) {
  auto p = read_process(options_.proc_root, pid);
  if (!p) return;
  std::string program = p->argv.empty() ? std::string() : program_of(*p);
  auto seen = seen_.find(pid);
  if (seen != seen_.end() && seen->second.start == p->start_ticks) {
    // The same process. Unless it ran another program since (an exec keeps
    // the PID and start time; without exec events only the program tells):
    // a process seen between fork and exec is looked at again once it runs
    // what it was started for, in the cgroup it was moved to.
    auto known = programs_.find(pid);
    if (known == programs_.end() ? program.empty() : known->second == program) return;
  }
  seen_[pid] = Seen{p->start_ticks, netns_of(options_.proc_root, pid)};
  if (p->argv.empty()) return;  // kernel threads, zombies
  auto container = container_of(pid);
  programs_[pid] = std::move(program);
  evaluate(*p, container);
}

bool Monitor::container_starts_shell(const ContainerIdentity& id, int pid) const {
  auto it = containers_.find(id.container_id);
  if (it == containers_.end()) return false;
  return it->second.first_pid == pid || it->second.first_is_shell;
}

void Monitor::evaluate(const ProcessInfo& p, const std::optional<ContainerIdentity>& container) {
  std::string program = program_of(p);
  std::string exe(base_name(p.exe));
  if (exe.ends_with(" (deleted)")) exe.resize(exe.size() - 10);
  std::string line = command_line(p);
  std::string where = where_text(p.pid, program, container);
  std::string id_key = fmt::format("{}@{}", p.pid, p.start_ticks);

  auto miner = rules::sc::find_process_signature(program, line, SignatureKind::Miner);
  if (!miner && !exe.empty()) miner = rules::sc::find_process_signature(exe, "", SignatureKind::Miner);
  if (miner) {
    report(rules::rt::meta(RtRule::MinerProcess), p.pid, container, "RT-001|" + id_key + "|" + line,
           fmt::format("{} runs a miner: its command line has '{}'", where, *miner));
  }
  if (auto shell = rules::sc::find_process_signature(program, line, SignatureKind::ReverseShell)) {
    report(rules::rt::meta(RtRule::ReverseShell), p.pid, container, "RT-002|" + id_key + "|" + line,
           fmt::format("{} starts a reverse shell: '{}'", where, *shell));
  } else if (is_shell_program(program) && fd_socket(options_.proc_root, p.pid, 0) != 0 &&
             fd_socket(options_.proc_root, p.pid, 1) != 0) {
    report(rules::rt::meta(RtRule::ReverseShell), p.pid, container, "RT-002|" + id_key + "|" + line,
           fmt::format("{} is a shell whose standard input and output are a network socket", where));
  }
  if (auto api = rules::sc::find_process_signature(program, line, SignatureKind::ApiServerWithToken)) {
    report(rules::rt::meta(RtRule::ApiServerWithToken), p.pid, container, "RT-007|" + id_key + "|" + line,
           fmt::format("{} calls the API server with the service account token: '{}'", where, *api));
  }
  if (!container) return;

  if (containers_.size() > 100000) containers_.clear();  // bounded; a container's first process is then re-learned
  auto& state = containers_[container->container_id];
  // The first process is the entrypoint. The same PID is seen again after
  // an exec (runc init becomes the entrypoint): its latest program counts.
  if (state.first_pid == 0 || p.start_ticks < state.first_start || state.first_pid == p.pid) {
    state.first_pid = p.pid;
    state.first_start = p.start_ticks;
    state.first_is_shell = is_shell_program(program);
  }
  const ContainerInfo* info = pods_.container(container->container_id);
  bool shell = is_shell_program(program);
  if ((shell || is_package_manager(program)) && !container_starts_shell(*container, p.pid)) {
    bool declared = info != nullptr && std::find(info->declared_programs.begin(), info->declared_programs.end(),
                                                 program) != info->declared_programs.end();
    if (!declared) {
      report(rules::rt::meta(RtRule::ShellInContainer), p.pid, container, "RT-005|" + id_key,
             fmt::format("{} {} in a container whose first process is {}{}", where,
                         shell ? "is a shell started" : "is a package manager run",
                         programs_.contains(state.first_pid) ? programs_[state.first_pid] : "not a shell",
                         info != nullptr ? fmt::format(" (image {})", info->image) : std::string()));
    }
  }
  if (info != nullptr && !info->profile.empty()) {
    auto allowed = sidecar_programs(info->profile);
    bool known = allowed.empty() || std::find(allowed.begin(), allowed.end(), program) != allowed.end() ||
                 (!exe.empty() && std::find(allowed.begin(), allowed.end(), exe) != allowed.end()) ||
                 program == "pause";
    if (!known) {
      report(rules::rt::meta(RtRule::SidecarProcess), p.pid, container, "RT-006|" + id_key,
             fmt::format("{} runs in sidecar {} (profile {}), which runs only {}", where, info->name, info->profile,
                         fmt::join(allowed, ", ")));
    }
  }
}

void Monitor::poll_connections() {
  // One table read per network namespace: pods have their own, and
  // /proc/net shows only the reader's.
  std::map<std::string, std::vector<int>> by_netns;
  for (const auto& [pid, seen] : seen_) {
    if (!seen.netns.empty()) by_netns[seen.netns].push_back(pid);
  }
  for (const auto& [ns, pids] : by_netns) {
    std::vector<Socket> sockets;
    for (int pid : pids) {
      sockets = read_sockets(fmt::format("{}/{}", options_.proc_root, pid));
      if (!sockets.empty()) break;
    }
    std::vector<const Socket*> suspicious;
    for (const auto& s : sockets) {
      if (!seen_sockets_.insert(s.inode).second || s.inode == 0) continue;
      if (s.remote_port == 0) continue;  // listening or unconnected
      if (s.protocol == Protocol::Tcp && !s.established() && !s.connecting()) continue;
      if (std::find(options_.pool_ports.begin(), options_.pool_ports.end(), s.remote_port) ==
          options_.pool_ports.end()) {
        continue;
      }
      suspicious.push_back(&s);
    }
    if (suspicious.empty()) continue;
    std::vector<uint64_t> inodes;
    for (const auto* s : suspicious) inodes.push_back(s->inode);
    auto owners = socket_owners(options_.proc_root, inodes);
    for (const auto* s : suspicious) {
      auto owner = owners.find(s->inode);
      int pid = owner == owners.end() ? 0 : owner->second;
      auto container = pid != 0 ? container_of(pid) : std::nullopt;
      std::string program = programs_.contains(pid) ? programs_[pid] : std::string("unknown process");
      std::string who = pid != 0 ? where_text(pid, program, container) : std::string("a process that is gone");
      report(rules::rt::meta(RtRule::PoolPortConnection), pid, container, fmt::format("RT-003|{}", s->inode),
             fmt::format("{} connects over {} to {} port {}, a mining-pool port", who,
                         s->protocol == Protocol::Tcp ? "TCP" : "UDP", s->remote_address, s->remote_port));
    }
  }
  // Inodes of closed sockets are reused: keep the set bounded.
  if (seen_sockets_.size() > 200000) seen_sockets_.clear();
}

void Monitor::on_stratum(const StratumPacket& packet) {
  // The sender's socket: its local end is the packet's source.
  int pid = 0;
  uint64_t inode = 0;
  std::set<std::string> namespaces_done;
  for (const auto& [candidate, seen] : seen_) {
    if (seen.netns.empty() || !namespaces_done.insert(seen.netns).second) continue;
    for (const auto& s : read_sockets(fmt::format("{}/{}", options_.proc_root, candidate))) {
      if (s.protocol == Protocol::Tcp && s.local_port == packet.source_port &&
          s.remote_port == packet.destination_port && s.local_address == packet.source_address) {
        inode = s.inode;
        break;
      }
    }
    if (inode != 0) break;
  }
  if (inode != 0) {
    auto owners = socket_owners(options_.proc_root, {inode});
    if (auto it = owners.find(inode); it != owners.end()) pid = it->second;
  }
  auto container = pid != 0 ? container_of(pid) : std::nullopt;
  std::string program = programs_.contains(pid) ? programs_[pid] : std::string("unknown process");
  std::string who =
      pid != 0 ? where_text(pid, program, container) : fmt::format("{}:{}", packet.source_address, packet.source_port);
  report(rules::rt::meta(RtRule::StratumTraffic), pid, container,
         fmt::format("RT-004|{}:{}|{}:{}", packet.source_address, packet.source_port, packet.destination_address,
                     packet.destination_port),
         fmt::format("{} speaks the stratum mining protocol ({}) to {}:{}", who, packet.method,
                     packet.destination_address, packet.destination_port));
}

void Monitor::report(const rules::RuleMeta& meta, int pid, const std::optional<ContainerIdentity>& container,
                     std::string dedup_key, std::string message) {
  if (!config_.rule_enabled(meta.id) || !reported_.insert(std::move(dedup_key)).second) return;
  // Bounded: a flood of distinct events cannot grow the set for ever.
  if (reported_.size() > 100000) reported_.clear();
  rules::Finding f;
  f.rule_id = std::string(meta.id);
  f.severity = meta.severity;
  const ContainerInfo* info = container ? pods_.container(container->container_id) : nullptr;
  const PodRef* pod = info != nullptr                            ? &info->pod
                      : container && !container->pod_uid.empty() ? pods_.pod(container->pod_uid)
                                                                 : nullptr;
  if (pod != nullptr) {
    f.object = k8s::ObjectRef{"v1", "Pod", pod->name_space, pod->name};
  } else if (container) {
    f.object.kind = "Container";
    f.object.name = (container->runtime.empty() ? "" : container->runtime + "://") + short_id(container->container_id);
  } else {
    f.object.kind = "Process";
    f.object.name = fmt::format("{}[{}]", programs_.contains(pid) ? programs_[pid] : "unknown", pid);
  }
  if (info != nullptr) {
    f.container = info->name;
    f.container_role = std::string(k8s::role_name(info->role));
  }
  if (pid != 0) {
    f.file = fmt::format("{}/{}", options_.proc_root, pid);
    f.path = fmt::format("pid {}", pid);
  }
  // Command lines quoted as evidence may carry credentials (--password=...,
  // a bearer token): the one redactor takes them out.
  f.message = util::redact(message);
  engine::apply_policy(f, meta, engine::IgnoreList{}, config_);
  sink_(std::move(f));
}

}  // namespace kg::node

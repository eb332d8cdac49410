// The real `kubeguard serve` binary and its signals and limits: SIGHUP reloads
// the configuration (a broken file keeps the running one) and never ends the
// process; SIGTERM under load turns /readyz 503 at once and loses no request
// that was sent; a hard memory limit (RLIMIT_AS, lower than the memory the
// server was told it has) makes allocations fail, and the server answers or
// drops those requests and serves on.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/hostile_shapes.h"
#include "admission/review_support.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::Child;
using testing::TlsClient;

std::string pod_review(const std::string& uid, std::string_view name_space = "shop") {
  testing::ReviewSpec spec;
  spec.uid = uid;
  spec.name_space = std::string(name_space);
  spec.object_yaml =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
      "  - {name: web, image: nginx:1.27, securityContext: {privileged: true}}\n";
  return testing::review_json(spec);
}

std::vector<std::string> serve(const testing::TestPki& pki, std::vector<std::string> extra) {
  std::vector<std::string> args = {
      KG_BINARY,     "serve",     "--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key"), "--listen",
      "127.0.0.1:0", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// The health port from "health and metrics over plain HTTP on port N".
unsigned short health_port(const Child& child) {
  std::string log = child.log();
  size_t at = log.find("plain HTTP on port ");
  return at == std::string::npos ? 0 : static_cast<unsigned short>(std::atoi(log.c_str() + at + 19));
}

int plain_get(unsigned short port, std::string_view path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", path);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      pollfd p{fd, POLLIN, 0};
      char buf[512] = {};
      if (::poll(&p, 1, 2000) > 0 && ::recv(fd, buf, sizeof buf - 1, 0) > 12) status = std::atoi(buf + 9);
    }
  }
  ::close(fd);
  return status;
}

std::string verdict_of(unsigned short port, const testing::TestPki& pki, const std::string& body) {
  TlsClient c;
  if (!c.connect(port, pki.path("ca.crt")) || !c.send(TlsClient::request("POST", "/validate", body))) return "";
  auto answer = c.read(5s);
  return answer ? answer->body : "";
}

TEST(ServerSignals, SighupReloadsTheConfigurationAndAFileWithErrorsKeepsTheRunningOne) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  std::string config = pki.path("kubeguard.yaml");
  std::ofstream(config) << "failOn: high\n";
  Child child(serve(pki, {"--config", config}), pki.path("serve.log"));
  unsigned short port = child.port(10s);
  ASSERT_NE(port, 0) << child.log();
  EXPECT_NE(verdict_of(port, pki, pod_review("before")).find("\"allowed\":false"), std::string::npos);

  std::ofstream(config) << "failOn: high\nadmission:\n  exemptNamespaces: [shop]\n";
  ASSERT_EQ(kill(child.pid(), SIGHUP), 0);
  bool reloaded = false;
  for (int i = 0; i < 100 && !reloaded; ++i) {
    std::this_thread::sleep_for(20ms);
    reloaded = child.log().find("configuration reloaded") != std::string::npos;
  }
  ASSERT_TRUE(reloaded) << child.log();
  EXPECT_NE(verdict_of(port, pki, pod_review("after")).find("\"allowed\":true"), std::string::npos);

  std::ofstream(config) << "failOn: high\nadmission:\n  exemptNamespace: [shop]\n";
  ASSERT_EQ(kill(child.pid(), SIGHUP), 0);
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    std::this_thread::sleep_for(20ms);
    refused = child.log().find("reload refused") != std::string::npos;
  }
  EXPECT_TRUE(refused) << child.log();
  EXPECT_NE(verdict_of(port, pki, pod_review("kept")).find("\"allowed\":true"), std::string::npos);
  EXPECT_EQ(child.wait(200ms), -1) << "SIGHUP ended the process: " << child.log();
  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  EXPECT_EQ(child.wait(10s), 0) << child.log();
}

// Four clients send reviews as fast as they are answered, opening a new
// connection whenever the server closes theirs (as the API server does).
// SIGTERM: /readyz turns 503 at once; during the shutdown delay every answer
// closes its connection; then the listener closes and the process exits 0.
// Every request that was written got its answer.
TEST(ServerSignals, SigtermUnderLoadAnswersEveryRequestSentAndReadyzTurns503AtOnce) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Child child(serve(pki, {"--shutdown-delay", "1", "--metrics-listen", "127.0.0.1:0"}), pki.path("serve.log"));
  unsigned short port = child.port(10s);
  ASSERT_NE(port, 0) << child.log();
  unsigned short health = health_port(child);
  ASSERT_NE(health, 0) << child.log();
  EXPECT_EQ(plain_get(health, "/readyz"), 200);

  std::atomic<bool> refused_connect{false};
  std::atomic<int> answered{0}, lost{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto give_up = Clock::now() + 15s;
      for (int i = 0; Clock::now() < give_up;) {
        TlsClient c;
        if (!c.connect(port, pki.path("ca.crt"))) {
          refused_connect = true;  // the listener is closed: nothing was sent
          return;
        }
        while (Clock::now() < give_up) {
          std::string uid = fmt::format("t{}-{}", t, i++);
          if (!c.send(TlsClient::request("POST", "/validate", pod_review(uid)))) break;  // closed before we wrote
          auto answer = c.read(5s);
          if (!answer) {
            ++lost;  // written, never answered
            break;
          }
          if (answer->status == 200 && answer->body.find(uid) != std::string::npos) ++answered;
          if (answer->header("Connection: close")) break;
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  int before = answered;
  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  auto signalled = Clock::now();
  int readyz = 0;
  while (Clock::now() - signalled < 500ms && (readyz = plain_get(health, "/readyz")) != 503) {
  }
  EXPECT_EQ(readyz, 503);
  EXPECT_LT(Clock::now() - signalled, 500ms);
  for (auto& c : clients) c.join();
  EXPECT_EQ(child.wait(10s), 0) << child.log();
  EXPECT_GT(before, 0);
  EXPECT_GT(answered.load(), before);  // served during the shutdown delay too
  EXPECT_TRUE(refused_connect.load());
  EXPECT_EQ(lost.load(), 0) << child.log();
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

size_t vm_size_bytes(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmSize:")) return std::strtoull(line.c_str() + 7, nullptr, 10) * 1024;
  }
  return 0;
}

// The server is told it has 4 GiB, but the kernel gives it 16 MiB of address
// space beyond what it holds at start: allocations fail in the middle of
// requests. Each flood request gets an answer (200, or 503 when its memory
// ran out) or its connection closes; the process never aborts, and serves
// ordinary requests afterwards.
TEST(ServerSignals, AllocationFailureUnderAHardMemoryLimitNeverEndsTheProcess) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer reserves its shadow memory in the address space";
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  setenv("MALLOC_ARENA_MAX", "2", 1);  // arenas reserve address space per thread
  Child child(serve(pki, {"--memory-limit", "4Gi", "--metrics-listen", "127.0.0.1:0"}), pki.path("serve.log"));
  unsetenv("MALLOC_ARENA_MAX");
  unsigned short port = child.port(10s);
  ASSERT_NE(port, 0) << child.log();
  EXPECT_NE(verdict_of(port, pki, pod_review("warm")).find("warm"), std::string::npos);
  size_t base = vm_size_bytes(child.pid());
  ASSERT_GT(base, 0u);
  rlimit before{};
  ASSERT_EQ(prlimit(child.pid(), RLIMIT_AS, nullptr, &before), 0);
  rlimit limit{base + 16 * 1024 * 1024, before.rlim_max};  // the soft limit: it can be lifted again
  ASSERT_EQ(prlimit(child.pid(), RLIMIT_AS, &limit, nullptr), 0);

  testing::HostileShape shape;
  shape.host_path_volumes = 24'000;
  const std::string hostile = TlsClient::request("POST", "/validate", testing::hostile_pod_review(shape));
  std::atomic<int> ok{0}, unavailable{0}, dropped{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 8; ++t) {
    flood.emplace_back([&] {
      for (int i = 0; i < 2; ++i) {
        TlsClient c;
        if (!c.connect(port, pki.path("ca.crt")) || !c.send(hostile)) {
          ++dropped;
          continue;
        }
        auto answer = c.read(20s);
        if (!answer) ++dropped;
        else if (answer->status == 200) ++ok;
        else if (answer->status == 503) ++unavailable;
      }
    });
  }
  for (auto& t : flood) t.join();
  EXPECT_EQ(child.wait(100ms), -1) << "the process ended: " << child.log();
  EXPECT_EQ(ok + unavailable + dropped, 16);
  // Room again: the limit is lifted and ordinary requests are answered.
  ASSERT_EQ(prlimit(child.pid(), RLIMIT_AS, &before, nullptr), 0);
  EXPECT_NE(verdict_of(port, pki, pod_review("after")).find("\"uid\":\"after\""), std::string::npos) << child.log();
  EXPECT_EQ(plain_get(health_port(child), "/healthz"), 200);
  std::string log = child.log();
  size_t out_of_memory = 0;
  for (size_t at = log.find("out of memory"); at != std::string::npos; at = log.find("out of memory", at + 1)) {
    ++out_of_memory;
  }
  EXPECT_GT(unavailable + dropped, 0);  // the limit was reached
  std::printf("flood under the limit: %d answered, %d refused with 503, %d dropped; %zu allocation failures logged\n",
              ok.load(), unavailable.load(), dropped.load(), out_of_memory);
  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  EXPECT_EQ(child.wait(10s), 0) << child.log();
}

}  // namespace
}  // namespace kg::server

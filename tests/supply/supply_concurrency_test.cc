// The verifier under concurrent callers (serve's threads, scan's workers):
// a registry that accepts connections and never answers holds one
// verification for its whole time budget, and meanwhile a cached verdict and
// a verification at another registry (the real test registry) are answered;
// a second caller asking for the stuck image shares the first one's answer.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "engine/temp_tree.h"
#include "supply/registry_fixture.h"
#include "supply/verifier.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using rules::ImageTrustStatus;
using testing::TestRegistry;

// Accepts connections on a loopback port and keeps them open without a byte:
// a TLS handshake to it waits until the client gives up.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        std::lock_guard lock(mutex_);
        held_.push_back(c);
        ++accepted_;
      }
    });
  }
  ~SilentListener() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    release();
    if (fd_ >= 0) ::close(fd_);
  }
  // Closes the connections held so far: their clients stop waiting.
  void release() {
    std::lock_guard lock(mutex_);
    for (int c : held_) ::close(c);
    held_.clear();
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<int> held_;
  std::thread thread_;
};

TEST(SupplyConcurrency, AStuckRegistryDelaysNoCachedVerdictAndNoOtherRegistry) {
  TestRegistry reg;
  ASSERT_EQ(reg.error(), "") << "the test registry did not start";
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned"}), "");
  SilentListener silent;
  ASSERT_GT(silent.port(), 0);
  const std::string stuck_registry = fmt::format("127.0.0.1:{}", silent.port());

  testing::TempTree tree;
  std::string config = fmt::format(
      "imagePolicies:\n  - images: [\"{}/kg/*\", \"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n"
      "  caFile: {}\n",
      reg.address(), stuck_registry, TestRegistry::data("keys/cosign.pub"), reg.docker_config(), reg.ca_file());
  auto parsed = engine::load_config_file(tree.write("kubeguard.yaml", config), testing::catalog());
  ASSERT_TRUE(parsed.errors.empty()) << doc::format_error(parsed.errors[0]);
  VerifierOptions options;
  // The stuck verification would last this long; the checks below must fit
  // well inside it, then the silent registry lets it go.
  options.budget = std::chrono::seconds(60);
  options.registry.connect_timeout_seconds = 60;  // the TLS handshake counts as connecting
  options.registry.request_timeout_seconds = 60;
  options.registry.attempts = 1;
  auto made = ImageVerifier::create(parsed.config.image_policies, options);
  ASSERT_TRUE(made) << made.error().message;
  const ImageVerifier& v = **made;

  const std::string signed_v1 = reg.address() + "/kg/signed:v1";
  ASSERT_EQ(v.verdict(signed_v1).status, ImageTrustStatus::Trusted);  // now cached

  const std::string stuck = stuck_registry + "/kg/app:v1";
  std::atomic<int> stuck_done{0};
  VerifyDetail first, second;
  std::thread a([&] {
    first = v.verify(stuck);
    ++stuck_done;
  });
  // The stuck verification is under way once the silent registry has its connection.
  for (int i = 0; i < 400 && silent.accepted() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(silent.accepted(), 1);
  std::thread b([&] {
    second = v.verify(stuck);
    ++stuck_done;
  });

  // While it hangs: the cached verdict, then an image of the other registry
  // that nobody asked for yet (a full verification: manifest, signature tag).
  auto cached = v.verify(signed_v1);
  EXPECT_TRUE(cached.cached);
  EXPECT_EQ(cached.verdict.status, ImageTrustStatus::Trusted);
  EXPECT_EQ(stuck_done.load(), 0) << "the cached verdict waited for the stuck registry";
  auto other = v.verdict(reg.address() + "/kg/unsigned:v1");
  EXPECT_EQ(other.status, ImageTrustStatus::Unsigned) << other.reason;
  EXPECT_EQ(stuck_done.load(), 0) << "the other registry's verification waited for the stuck one";

  silent.release();  // the handshake fails now: the stuck verification ends, unreachable
  a.join();
  b.join();
  EXPECT_EQ(first.verdict.status, ImageTrustStatus::Unreachable) << first.verdict.reason;
  // The second caller shared the first one's answer: no connection of its
  // own, and not "busy": the reason is the stuck registry's.
  EXPECT_EQ(second.verdict.status, ImageTrustStatus::Unreachable);
  EXPECT_EQ(second.verdict.reason, first.verdict.reason);
  EXPECT_TRUE(second.cached);
  EXPECT_EQ(silent.accepted(), 1);
}

// --image-failure open: an unreachable registry's image passes with the
// reason kept, and is asked about again next time (never cached as passed).
TEST(SupplyConcurrency, FailOpenPassesAnUnreachableImageAndAsksAgainNextTime) {
  SilentListener silent;  // never answers: each verification ends at its 2 s budget
  ASSERT_GT(silent.port(), 0);
  const std::string registry = fmt::format("127.0.0.1:{}", silent.port());
  testing::TempTree tree;
  std::string config = fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\n", registry,
                                   TestRegistry::data("keys/cosign.pub"));
  auto parsed = engine::load_config_file(tree.write("kubeguard.yaml", config), testing::catalog());
  ASSERT_TRUE(parsed.errors.empty()) << doc::format_error(parsed.errors[0]);
  VerifierOptions options;
  options.fail_open = true;
  options.budget = std::chrono::seconds(2);
  options.registry.attempts = 1;
  auto made = ImageVerifier::create(parsed.config.image_policies, options);
  ASSERT_TRUE(made) << made.error().message;
  const std::string image = registry + "/kg/app:v1";
  auto first = (*made)->verify(image);
  EXPECT_EQ(first.verdict.status, ImageTrustStatus::NoPolicy);
  EXPECT_TRUE(first.verdict.reason.starts_with("passed unverified (failure mode open): ")) << first.verdict.reason;
  int before = silent.accepted();
  auto second = (*made)->verify(image);
  EXPECT_EQ(second.verdict.status, ImageTrustStatus::NoPolicy);
  EXPECT_FALSE(second.cached);
  EXPECT_GT(silent.accepted(), before) << "asked the registry again";
}

}  // namespace
}  // namespace kg::supply

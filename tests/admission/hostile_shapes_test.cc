// The admission decision costs time in proportion to the bytes of the
// request, whatever their shape: thousands of containers, hostPath volumes,
// mounts, env entries and ports, labels and annotations, keys no schema knows,
// and UPDATEs of such workloads. Each shape is
// decided at two sizes (n and 4n); the time per byte of the larger must stay
// within a factor of an ordinary request's time per byte, and of the smaller
// one's (a quadratic path shows up as a factor of 4 and more between the
// sizes, and of hundreds to thousands against the ordinary request at these
// sizes; before the fix, 8,000 hostPath volumes took seconds). Times are the
// fastest of a few runs, so a busy machine does not make the test fail.
//
// The factor against the ordinary request is wide because findings dominate
// the cost: a bare container raises a dozen findings in 60 bytes, an ordinary
// Deployment a few in kilobytes. Shapes that raise few findings per byte (env,
// ports, mounts) start at about half a megabyte, past the point where the
// working set leaves the CPU caches, so the two sizes compare like with like.
#include "admission/hostile_shapes.h"

#include <algorithm>
#include <ctime>
#include <functional>

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

using testing::HostileShape;

// CPU time of this thread: what the decision costs, not how long other
// processes kept it off the CPU (CI and developer machines are shared).
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds_to_decide(const std::string& body, int runs) {
  engine::Config config;
  Settings settings;
  double best = 1e9;
  for (int i = 0; i < runs; ++i) {
    double start = thread_seconds();
    ParsedReview parsed = parse_review(body);
    EXPECT_TRUE(parsed) << parsed.error.message;
    if (!parsed) return 0;
    Decision d = decide(*parsed.request, testing::catalog(), config, settings);
    std::string answer = write_response(parsed.request->api_version, parsed.request->uid, d);
    best = std::min(best, thread_seconds() - start);
  }
  return best;
}

// An ordinary request: a Deployment with three containers, env, ports and
// a few volumes, about the size of an injected workload.
std::string ordinary_body() {
  HostileShape s;
  s.containers = 3;
  s.init_containers = 1;
  s.host_path_volumes = 2;
  s.env = 8;
  s.ports = 2;
  s.mounts = 2;
  return testing::hostile_update_review(s);
}

struct Case {
  const char* name;
  std::function<std::string(int)> body;  // the request at size n
  int n;
};

std::vector<Case> cases() {
  return {
      {"hostPath volumes mounted by one container",
       [](int n) {
         HostileShape s;
         s.host_path_volumes = n;
         return testing::hostile_pod_review(s);
       },
       4500},
      {"containers",
       [](int n) {
         HostileShape s;
         s.containers = n;
         return testing::hostile_pod_review(s);
       },
       500},
      {"privileged containers and init containers",
       [](int n) {
         HostileShape s;
         s.containers = n;
         s.init_containers = n;
         s.privileged = true;
         return testing::hostile_pod_review(s);
       },
       250},
      {"env entries",
       [](int n) {
         HostileShape s;
         s.containers = 2;
         s.env = n;
         return testing::hostile_pod_review(s);
       },
       6000},
      {"ports",
       [](int n) {
         HostileShape s;
         s.containers = 2;
         s.ports = n;
         return testing::hostile_pod_review(s);
       },
       4500},
      {"mounts of one volume",
       [](int n) {
         HostileShape s;
         s.containers = 2;
         s.mounts = n;
         return testing::hostile_pod_review(s);
       },
       6000},
      {"labels and annotations",
       [](int n) {
         HostileShape s;
         s.labels = n;
         return testing::hostile_pod_review(s);
       },
       6000},
      {"keys no schema knows, in containers",
       [](int n) {
         HostileShape s;
         s.containers = 2;
         s.unknown_keys = n;
         return testing::hostile_pod_review(s);
       },
       6000},
      {"UPDATE of a Deployment with many labels",
       [](int n) {
         HostileShape s;
         s.labels = n;
         return testing::hostile_update_review(s);
       },
       3000},
      {"UPDATE of a Deployment with many containers",
       [](int n) {
         HostileShape s;
         s.containers = n;
         return testing::hostile_update_review(s);
       },
       500},
      {"UPDATE with many containers, env, ports and mounts",
       [](int n) {
         HostileShape s;
         s.containers = n / 10;
         s.env = 10;
         s.ports = 10;
         s.mounts = 10;
         s.host_path_volumes = n;
         return testing::hostile_update_review(s);
       },
       1000},
  };
}

TEST(AdmissionHostileShapes, TimePerByteStaysNearAnOrdinaryRequests) {
  std::string ordinary = ordinary_body();
  for (const auto& c : cases()) {
    // Measured next to each shape, so both see the same machine.
    double ordinary_per_byte = seconds_to_decide(ordinary, 20) / static_cast<double>(ordinary.size());
    std::string small = c.body(c.n);
    std::string large = c.body(4 * c.n);
    double small_per_byte = seconds_to_decide(small, 3) / static_cast<double>(small.size());
    double large_per_byte = seconds_to_decide(large, 2) / static_cast<double>(large.size());
    EXPECT_LT(large_per_byte, 64 * ordinary_per_byte)
        << c.name << ": " << large.size() << " bytes at " << large_per_byte * 1e9 << " ns/byte, ordinary "
        << ordinary_per_byte * 1e9 << " ns/byte";
    EXPECT_LT(large_per_byte, 3 * small_per_byte)
        << c.name << ": " << large.size() << " bytes at " << large_per_byte * 1e9 << " ns/byte, " << small.size()
        << " bytes at " << small_per_byte * 1e9 << " ns/byte";
    std::printf("%-52s %8zu bytes %7.1f ns/byte (x4: %8zu bytes %7.1f ns/byte; ordinary %.1f)\n", c.name, small.size(),
                small_per_byte * 1e9, large.size(), large_per_byte * 1e9, ordinary_per_byte * 1e9);
  }
}

}  // namespace
}  // namespace kg::admission

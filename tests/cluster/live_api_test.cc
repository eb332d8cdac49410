// The client against a real API server (scripts/controlplane.sh). Run only with
// KG_CLUSTER_E2E=1, which starts one if none runs.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/api_client.h"
#include "cluster/kubeconfig.h"
#include "cluster/live_cluster.h"
#include "k8s/object.h"

namespace kg::cluster {
namespace {

class LiveApi : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    auto live = kg::testing::live_cluster(&why);
    if (!live) GTEST_SKIP() << why;
    live_ = *live;
    auto text = read_whole_file(live_.kubeconfig);
    ASSERT_TRUE(text) << text.error().message;
    auto config = parse_kubeconfig(*text, live_.kubeconfig, "");
    ASSERT_TRUE(config) << config.error().message;
    config_ = std::move(*config);
  }

  ApiClient client() {
    auto c = ApiClient::connect(config_);
    EXPECT_TRUE(c) << c.error().message;
    return std::move(*c);
  }

  // A namespace of this test alone, removed afterwards.
  std::string make_namespace(const std::string& what) {
    std::string ns = "kg-test-" + what + "-" + std::to_string(getpid());
    EXPECT_EQ(kg::testing::run_with_kubeconfig(live_, "kubectl create namespace " + ns + " >/dev/null"), 0);
    namespaces_.push_back(ns);
    return ns;
  }

  void TearDown() override {
    for (const auto& ns : namespaces_) {
      kg::testing::run_with_kubeconfig(live_, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1");
    }
  }

  kg::testing::LiveCluster live_;
  RestConfig config_;
  std::vector<std::string> namespaces_;
};

TEST_F(LiveApi, ListsNamespacesWithKindFilledIn) {
  ApiClient api = client();
  std::set<std::string> names;
  auto rv = api.list(*find_resource("namespaces"), "", [&](doc::Node&& item) {
    EXPECT_EQ(k8s::string_at(&item, "kind"), "Namespace");
    EXPECT_EQ(k8s::string_at(&item, "apiVersion"), "v1");
    EXPECT_EQ(item.find({"metadata", "managedFields"}), nullptr);
    names.insert(std::string(k8s::string_at(item.get("metadata"), "name")));
  });
  ASSERT_TRUE(rv) << rv.error().message;
  EXPECT_FALSE(rv->empty());
  EXPECT_TRUE(names.contains("default"));
  EXPECT_TRUE(names.contains("kube-system"));
}

TEST_F(LiveApi, PaginationReturnsEveryItemOnce) {
  ApiClient api = client();
  const Resource& roles = *find_resource("clusterroles");
  std::vector<std::string> paged;
  std::set<std::string> whole;
  auto a = api.list(
      roles, "", [&](doc::Node&& item) { paged.emplace_back(k8s::string_at(item.get("metadata"), "name")); }, 7);
  ASSERT_TRUE(a) << a.error().message;
  auto b = api.list(roles, "",
                    [&](doc::Node&& item) { whole.insert(std::string(k8s::string_at(item.get("metadata"), "name"))); });
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_GT(paged.size(), 20u);  // several pages of 7
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size());
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), whole);
}

TEST_F(LiveApi, NamespacedListAndGet) {
  std::string ns = make_namespace("get");
  ApiClient api = client();
  auto object = api.get("/api/v1/namespaces/" + ns);
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(k8s::string_at(object->get("metadata"), "name"), ns);
  size_t pods = 0;
  auto rv = api.list(*find_resource("pods"), ns, [&](doc::Node&&) { ++pods; });
  ASSERT_TRUE(rv) << rv.error().message;
  EXPECT_EQ(pods, 0u);
  auto missing = api.get("/api/v1/namespaces/kg-no-such-namespace");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  EXPECT_NE(missing.error().message.find("not found"), std::string::npos) << missing.error().message;
}

TEST_F(LiveApi, WatchSeesAPodCreatedWithKubectl) {
  std::string ns = make_namespace("watch");
  ApiClient api = client();
  const Resource& pods = *find_resource("pods");
  auto rv = api.list(pods, ns, [](doc::Node&&) {});
  ASSERT_TRUE(rv) << rv.error().message;

  std::atomic<bool> cancel{false};
  std::promise<std::string> added;
  auto watching = std::async(std::launch::async, [&] {
    WatchOptions options;
    options.resource_version = *rv;
    options.timeout_seconds = 60;
    options.cancel = &cancel;
    bool delivered = false;
    return api.watch(pods, ns, options, [&](WatchEvent&& event) {
      if (event.type == "ADDED" && !delivered) {
        delivered = true;
        added.set_value(std::string(k8s::string_at(event.object.get("metadata"), "name")) + " " +
                        std::string(k8s::string_at(&event.object, "kind")));
        return false;  // seen what we wanted: end the watch
      }
      return true;
    });
  });
  ASSERT_EQ(
      kg::testing::run_with_kubeconfig(live_, kg::testing::wait_for_default_service_account(ns) + " && kubectl -n " +
                                                  ns + " run watched --image=nginx:1.27 --restart=Never >/dev/null"),
      0);
  auto seen = added.get_future();
  if (seen.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    cancel = true;
    FAIL() << "no ADDED event within 30 s";
  }
  EXPECT_EQ(seen.get(), "watched Pod");
  auto end = watching.get();
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_FALSE(end->resource_version.empty());
  EXPECT_NE(end->resource_version, *rv);
}

TEST_F(LiveApi, WatchCancelledFromAnotherThreadEndsCleanly) {
  ApiClient api = client();
  std::atomic<bool> cancel{false};
  auto watching = std::async(std::launch::async, [&] {
    WatchOptions options;
    options.timeout_seconds = 120;
    options.cancel = &cancel;
    return api.watch(*find_resource("namespaces"), "", options, [](WatchEvent&&) { return true; });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto start = std::chrono::steady_clock::now();
  cancel = true;
  auto end = watching.get();
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(LiveApi, WatchFromAnExpiredVersionIsGone) {
  ApiClient api = client();
  WatchOptions options;
  options.resource_version = "1";  // long compacted out of the watch cache
  options.timeout_seconds = 10;
  auto end = api.watch(*find_resource("pods"), "", options, [](WatchEvent&&) { return true; });
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().kind, ErrorKind::Gone) << end.error().message;
  EXPECT_EQ(end.error().http_status, 410);
}

TEST_F(LiveApi, WrongCaFailsVerification) {
  RestConfig other = config_;
  // A real CA certificate that did not sign the server's certificate.
  std::string pem;
  ASSERT_EQ(kg::testing::run_with_kubeconfig(live_,
                                             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                                             "-keyout /dev/null -subj /CN=other-ca -days 1 2>/dev/null",
                                             &pem),
            0);
  ASSERT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);
  other.ca_pem = pem;
  auto api = ApiClient::connect(other);
  ASSERT_TRUE(api) << api.error().message;
  auto got = api->get("/version");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::Network);
  EXPECT_NE(got.error().message.find("certificate"), std::string::npos) << got.error().message;
}

TEST(ClusterE2E, Script) {
  const char* e2e = std::getenv("KG_CLUSTER_E2E");
  if (e2e == nullptr || std::string(e2e) != "1") GTEST_SKIP() << "set KG_CLUSTER_E2E=1 to run scripts/e2e-cluster.sh";
  std::string command =
      "KG_BINARY='" + std::string(KG_BINARY) + "' '" + std::string(KG_SOURCE_DIR) + "/scripts/e2e-cluster.sh' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find(" passed, 0 failed"), std::string::npos) << output;
}

}  // namespace
}  // namespace kg::cluster

// The container image (scripts/image.sh: umoci, no base image) against a real
// local registry (scripts/registry.sh): built, run as its non-root user from
// its own root file system (chroot: only the binary, its libraries and the CA
// bundle are there), pushed with skopeo under its digest, signed and verified
// with cosign when cosign is built (then `kubeguard verify` trusts it under a
// policy naming the key), and the manifests that deploy it (deploy/ and the
// chart, pointed at the pushed digest) scanned clean at restricted.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

int sh(const std::string& command, std::string* out = nullptr) {
  return live_detail::run("{ " + command + "; } 2>&1", out);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(LiveImage, BuiltRunPushedAndItsManifestsScanClean) {
  for (const char* tool : {"umoci", "skopeo", "docker-registry"}) {
    if (sh(std::string("command -v ") + tool + " >/dev/null") != 0) {
      GTEST_SKIP() << "needs " << tool << " (scripts/install-deps.sh)";
    }
  }
  TempTree tree;
  std::string layout = tree.path("image");
  std::string out;
  ASSERT_EQ(sh("bash " + source("scripts/image.sh") + " build " + KG_BINARY + " " + layout + " 2>/dev/null", &out), 0)
      << out;
  std::string digest = trimmed(out);
  ASSERT_TRUE(digest.starts_with("sha256:") && digest.size() == 71) << digest;

  // Its own root file system: the binary runs as 65532 with nothing else there.
  std::string bundle = tree.path("bundle");
  ASSERT_EQ(sh("umoci unpack --image " + layout + ":" + KG_VERSION + " " + bundle + " >/dev/null"), 0);
  // A sanitizer build needs /proc, which the image has no reason to mount.
  bool sanitized = sh(std::string("ldd ") + KG_BINARY + " | grep -q libasan") == 0;
  if (::geteuid() == 0 && !sanitized) {
    EXPECT_EQ(sh("chroot --userspec=65532:65532 " + bundle + "/rootfs /usr/bin/kubeguard version", &out), 0) << out;
    EXPECT_EQ(out, std::string("kubeguard ") + KG_VERSION + "\n");
  } else {
    std::cerr << "[ note ] not root, or a sanitizer build: the image's root file system was not run (chroot)\n";
  }
  EXPECT_NE(sh("test -e " + bundle + "/rootfs/bin/sh"), 0) << "no shell in the image";
  std::string config = read_file(bundle + "/config.json");
  EXPECT_NE(config.find("65532"), std::string::npos) << config.substr(0, 400);

  // A registry of the test's own on loopback.
  std::string port = std::to_string(5200 + getpid() % 100);
  std::string env = "KUBEGUARD_REG_PORT=" + port + " KUBEGUARD_REG_DIR=" + tree.path("registry") + " ";
  struct Stop {
    std::string command;
    ~Stop() { live_detail::run(command + " >/dev/null 2>&1", nullptr); }
  } stop{env + "bash " + source("scripts/registry.sh") + " stop"};
  ASSERT_EQ(sh(env + "bash " + source("scripts/registry.sh") + " start >/dev/null", &out), 0) << out;
  std::string reg_env = "eval \"$(" + env + "bash " + source("scripts/registry.sh") +
                        " env)\"; export REGISTRY_AUTH_FILE=$KUBEGUARD_REG_AUTH; ";
  std::string ref = "127.0.0.1:" + port + "/kubeguard/kubeguard:" + KG_VERSION;
  ASSERT_EQ(sh(reg_env + "bash " + source("scripts/image.sh") + " push " + layout + " " + ref, &out), 0) << out;
  EXPECT_EQ(trimmed(out), digest) << "the registry holds the image under the digest built";
  ASSERT_EQ(sh(reg_env +
                   "certs=$(mktemp -d) && cp $KUBEGUARD_REG_CA $certs/ && skopeo inspect --cert-dir $certs --authfile "
                   "$KUBEGUARD_REG_AUTH "
                   "--format '{{.Digest}} {{.Labels}}' docker://" +
                   ref,
               &out),
            0)
      << out;
  EXPECT_NE(out.find(digest), std::string::npos) << out;

  // kubeguard reads its own image's contents from the registry (--inspect-images):
  // no shell, no package manager, no setuid file, a non-root USER.
  std::string contents_config = tree.path("contents.yaml");
  ASSERT_EQ(sh(reg_env +
                   "printf 'registryAuth:\\n  dockerConfig: %s/config.json\\n  caFile: %s\\n' "
                   "\"$KUBEGUARD_REG_DOCKER_CONFIG\" \"$KUBEGUARD_REG_CA\" >" +
                   contents_config + " && " + KG_BINARY + " verify -f json --inspect-images --config " +
                   contents_config + " " + ref,
               &out),
            0)
      << out;
  EXPECT_NE(out.find(R"("status": "read")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("userIsRoot": false)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("shells": [])"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("packageManagers": [])"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("setuidFiles": [])"), std::string::npos) << out;

  // Signed and verified with the real cosign (scripts/cosign.sh builds it; CI
  // sets KG_REQUIRE_COSIGN=1 when its cache has it, and then a run without
  // signing fails).
  std::string cosign;
  if (sh("bash " + source("scripts/cosign.sh") + " path 2>/dev/null", &cosign) == 0) {
    cosign = trimmed(cosign);
    std::string keys = tree.dir("keys");
    std::string image = "127.0.0.1:" + port + "/kubeguard/kubeguard@" + digest;
    std::string signing =
        reg_env + "export DOCKER_CONFIG=$KUBEGUARD_REG_DOCKER_CONFIG COSIGN_PASSWORD=; cd " + keys + " && " + cosign +
        " generate-key-pair >/dev/null && " + cosign +
        " sign --yes --key cosign.key --tlog-upload=false --registry-cacert $KUBEGUARD_REG_CA " + image + " && " +
        cosign + " verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert $KUBEGUARD_REG_CA " + image;
    ASSERT_EQ(sh(signing, &out), 0) << out;
    EXPECT_NE(out.find("The cosign claims were validated"), std::string::npos) << out;
    // kubeguard's own verifier agrees: signed by that key, at that digest.
    std::string config = tree.path("verify.yaml");
    ASSERT_EQ(sh(reg_env + "printf 'imagePolicies:\\n  - images: [\"127.0.0.1:" + port +
                     "/kubeguard/*\"]\\n    keys: [%s]\\nregistryAuth:\\n  dockerConfig: %s/config.json\\n"
                     "  caFile: %s\\n' " +
                     keys + "/cosign.pub \"$KUBEGUARD_REG_DOCKER_CONFIG\" \"$KUBEGUARD_REG_CA\" >" + config + " && " +
                     KG_BINARY + " verify --config " + config + " " + image,
                 &out),
              0)
        << out;
    EXPECT_NE(out.find("verdict:    trusted"), std::string::npos) << out;
  } else {
    const char* required = std::getenv("KG_REQUIRE_COSIGN");
    ASSERT_FALSE(required != nullptr && std::string(required) == "1")
        << "KG_REQUIRE_COSIGN=1 but scripts/cosign.sh path finds no cosign";
    std::cerr << "[ note ] cosign not built (scripts/cosign.sh build): image pushed but not signed in this run\n";
  }

  // The manifests that run it (deploy/), pointed at this digest, scan clean at restricted.
  std::string deploy = tree.dir("deploy");
  std::filesystem::copy(source("deploy"), deploy, std::filesystem::copy_options::recursive);
  ASSERT_EQ(sh("sed -i 's#image: .*#image: 127.0.0.1:" + port + "/kubeguard/kubeguard:" + KG_VERSION + "@" + digest +
               "#' " + deploy + "/30-deployment.yaml"),
            0);
  EXPECT_NE(read_file(deploy + "/30-deployment.yaml").find(digest), std::string::npos);
  EXPECT_EQ(run_kubeguard("scan " + deploy + " --pss restricted", &out), 0) << out;
  EXPECT_NE(out.find(" 0 findings"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::testing

// Image contents read from the real registry (scripts/registry.sh: TLS, basic
// auth): images built here with umoci from tars of files and pushed with
// skopeo — a distroless-like one with no shell, a busybox-like one with
// /bin/sh, a setuid file and USER root, one whose upper layer whites out the
// shell and package manager of the lower one, the busybox-like one again with
// zstd layers, and oversized ones that the limits stop; then the verify and
// scan fronts with --inspect-images. Fails (never skips) when docker-registry,
// skopeo or umoci is missing.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "supply/manifest.h"
#include "supply/registry_fixture.h"
#include "supply/verifier.h"
#include "support/json_schema.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using rules::ImageContentsStatus;
using testing::TestRegistry;

struct FileSpec {
  FileSpec(std::string p, unsigned m = 0755, std::string c = "#!/bin/true\n", std::string l = "")
      : path(std::move(p)), mode(m), content(std::move(c)), link(std::move(l)) {}
  std::string path;
  unsigned mode;
  std::string content;
  std::string link;  // a symbolic link to this target when set
};

std::string shell(const std::string& command) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = ::pclose(p);
  return rc == 0 ? std::string() : fmt::format("`{}` failed ({}): {}", command, rc, out);
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class SupplyContents : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(reg.error(), "") << "the test registry did not start";
    ASSERT_EQ(shell("command -v umoci"), "") << "umoci is not installed (scripts/install-deps.sh installs it)";
  }

  // An image of one tar per layer, made by umoci, pushed as kg/NAME:v1.
  // zstd: the layers compressed with zstd on the way to the registry (skopeo
  // compresses only uncompressed layers, so through dir: first).
  std::string build(const std::string& name, const std::vector<std::vector<FileSpec>>& layers, const std::string& user,
                    bool zstd = false) {
    std::string base = tree.dir("images/" + name);
    std::string layout = base + "/oci";
    std::string e = shell(fmt::format("umoci init --layout {} && umoci new --image {}:v1", layout, layout));
    if (!e.empty()) return e;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string root = tree.dir(fmt::format("images/{}/layer{}", name, i));
      for (const auto& f : layers[i]) {
        std::filesystem::path p = std::filesystem::path(root) / f.path;
        std::filesystem::create_directories(p.parent_path());
        if (!f.link.empty()) {
          std::filesystem::create_symlink(f.link, p);
          continue;
        }
        tree.write(fmt::format("images/{}/layer{}/{}", name, i, f.path), f.content);
        ::chmod(p.c_str(), f.mode);  // setuid and setgid bits included
      }
      std::string tar = fmt::format("{}/layer{}.tar", base, i);
      e =
          shell(fmt::format("tar -C {} --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf {} . && "
                            "umoci raw add-layer --image {}:v1 {}",
                            root, tar, layout, tar));
      if (!e.empty()) return e;
    }
    e = shell(fmt::format("umoci config --image {}:v1 --config.user '{}'", layout, user));
    if (!e.empty()) return e;
    if (!zstd) return reg.push_layout(layout, "v1", "kg/" + name + ":v1");
    e = shell(fmt::format("skopeo copy -q --dest-decompress oci:{}:v1 dir:{}/dir", layout, base));
    if (!e.empty()) return e;
    return reg.push_source(fmt::format("dir:{}/dir", base), "kg/" + name + ":v1", "--dest-compress-format zstd");
  }

  // A verifier that reads contents within `limits` (no imagePolicies: no signature required).
  std::unique_ptr<ImageVerifier> inspector(const ContentsLimits& limits = {}) {
    std::string config =
        fmt::format("registryAuth:\n  dockerConfig: {}\n  caFile: {}\n", reg.docker_config(), reg.ca_file());
    auto parsed = engine::load_config_file(tree.write("kubeguard.yaml", config), testing::catalog());
    EXPECT_TRUE(parsed.errors.empty()) << (parsed.errors.empty() ? "" : doc::format_error(parsed.errors[0]));
    VerifierOptions options;
    options.inspect = true;
    options.contents = limits;
    options.registry.attempts = 2;
    options.registry.backoff_ms = 50;
    auto v = ImageVerifier::create(parsed.config.image_policies, options);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? std::move(*v) : nullptr;
  }

  std::string image(std::string_view name) const { return fmt::format("{}/kg/{}:v1", reg.address(), name); }

  // The three kinds of image every test below reads.
  void build_all() {
    ASSERT_EQ(build("distroless",
                    {{{"etc/passwd", 0644, "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home:/\n"},
                      {"app/server", 0755}}},
                    "65532:65532"),
              "");
    ASSERT_EQ(build("busybox",
                    {{{"bin/busybox", 0755},
                      {"bin/sh", 0, "", "busybox"},
                      {"bin/su", 04755},
                      {"sbin/apk", 0755},
                      {"usr/bin/wall", 02755}}},
                    "root"),
              "");
    ASSERT_EQ(build("whiteout",
                    {{{"bin/sh", 0755}, {"bin/bash", 0755}, {"usr/bin/apt-get", 0755}, {"usr/bin/dpkg", 0755}},
                     {{"bin/.wh.sh", 0644, ""},
                      {"bin/.wh.bash", 0644, ""},
                      {"usr/bin/.wh..wh..opq", 0644, ""},
                      {"usr/bin/app", 0755}}},
                    "1000"),
              "");
  }

  TestRegistry reg;
  testing::TempTree tree;
};

TEST_F(SupplyContents, ShellsPackageManagersSetuidFilesAndUser) {
  build_all();
  auto v = inspector();
  ASSERT_NE(v, nullptr);

  auto d = v->contents(image("distroless"));
  ASSERT_EQ(d.status, ImageContentsStatus::Read) << d.reason;
  EXPECT_TRUE(d.shells.empty()) << ::testing::PrintToString(d.shells);
  EXPECT_TRUE(d.package_managers.empty());
  EXPECT_TRUE(d.setuid_files.empty());
  EXPECT_EQ(d.user, "65532:65532");
  EXPECT_FALSE(d.user_is_root);
  EXPECT_TRUE(d.digest.starts_with("sha256:"));

  auto b = v->contents(image("busybox"));
  ASSERT_EQ(b.status, ImageContentsStatus::Read) << b.reason;
  EXPECT_TRUE(has(b.shells, "/bin/busybox")) << ::testing::PrintToString(b.shells);
  EXPECT_TRUE(has(b.shells, "/bin/sh -> /bin/busybox")) << ::testing::PrintToString(b.shells);
  EXPECT_EQ(b.package_managers, std::vector<std::string>{"/sbin/apk"});
  EXPECT_EQ(b.setuid_files, (std::vector<std::string>{"/bin/su (setuid root)", "/usr/bin/wall (setgid root)"}));
  EXPECT_EQ(b.user, "root");
  EXPECT_TRUE(b.user_is_root);

  // The upper layer's whiteouts and opaque directory hide the lower layer's shells and package managers.
  auto w = v->contents(image("whiteout"));
  ASSERT_EQ(w.status, ImageContentsStatus::Read) << w.reason;
  EXPECT_TRUE(w.shells.empty()) << ::testing::PrintToString(w.shells);
  EXPECT_TRUE(w.package_managers.empty()) << ::testing::PrintToString(w.package_managers);
  EXPECT_FALSE(w.user_is_root);

  // Asked again (a scan of many workloads): from the cache, no request.
  size_t requests = v->stats().requests;
  EXPECT_EQ(v->contents(image("busybox")).shells, b.shells);
  EXPECT_EQ(v->stats().requests, requests);
}

TEST_F(SupplyContents, ZstdLayersAndLimits) {
  // A layer of its own (skopeo's blob cache would otherwise reuse a gzip copy
  // of the same tar pushed before) compressed with zstd.
  std::string unique = fmt::format("{}-{}\n", ::getpid(), std::chrono::steady_clock::now().time_since_epoch().count());
  ASSERT_EQ(build("zstd", {{{"bin/busybox", 0755, unique}, {"bin/sh", 0, "", "busybox"}, {"bin/su", 04755}}}, "", true),
            "");
  auto v = inspector();
  ASSERT_NE(v, nullptr);
  {
    // What the registry holds is really zstd.
    CredentialStore none;
    RegistryOptions ro;
    ro.ca_pem = testing::read_file(reg.ca_file());
    auto creds = CredentialStore{};
    ASSERT_TRUE(creds.add_docker_config(testing::read_file(reg.docker_config()), "config.json"));
    auto client = RegistryClient::create(reg.address(), &creds, ro);
    ASSERT_TRUE(client);
    auto m = client->manifest("kg/zstd", "v1");
    ASSERT_TRUE(m) << m.error().message;
    auto parsed = parse_manifest(m->body, m->media_type);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->layers.size(), 1u);
    EXPECT_TRUE(parsed->layers[0].media_type.ends_with("+zstd")) << parsed->layers[0].media_type;
  }
  auto z = v->contents(image("zstd"));
  ASSERT_EQ(z.status, ImageContentsStatus::Read) << z.reason;
  EXPECT_TRUE(has(z.shells, "/bin/sh -> /bin/busybox")) << ::testing::PrintToString(z.shells);
  EXPECT_EQ(z.setuid_files, std::vector<std::string>{"/bin/su (setuid root)"});
  EXPECT_TRUE(z.user_is_root);  // no USER at all

  // 3 MiB of zeros (a few KB compressed), 600 KB of random bytes, 300 files.
  std::string random;
  random.reserve(600'000);
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < 600'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    random += static_cast<char>(x & 0xff);
  }
  std::vector<FileSpec> many;
  for (int i = 0; i < 300; ++i) many.push_back({fmt::format("data/f{}", i), 0644, "x"});
  ASSERT_EQ(
      build("oversized", {{{"zeros", 0644, std::string(3 << 20, '\0')}}, {{"random", 0644, random}}, many}, "1000"),
      "");
  ContentsLimits small_unpacked;
  small_unpacked.max_unpacked_bytes = 1 << 20;
  auto unpacked = inspector(small_unpacked)->contents(image("oversized"));
  EXPECT_EQ(unpacked.status, ImageContentsStatus::Failed);
  EXPECT_NE(unpacked.reason.find("layer 1 of 3"), std::string::npos) << unpacked.reason;
  EXPECT_NE(unpacked.reason.find("(--inspect-max-unpacked)"), std::string::npos) << unpacked.reason;
  ContentsLimits small_download;
  small_download.max_compressed_bytes = 512 << 10;
  auto compressed = inspector(small_download)->contents(image("oversized"));
  EXPECT_EQ(compressed.status, ImageContentsStatus::Failed);
  EXPECT_NE(compressed.reason.find("(--inspect-max-download)"), std::string::npos) << compressed.reason;
  ContentsLimits few_entries;
  few_entries.max_entries = 100;
  auto entries = inspector(few_entries)->contents(image("oversized"));
  EXPECT_EQ(entries.status, ImageContentsStatus::Failed);
  EXPECT_NE(entries.reason.find("layer 3 of 3"), std::string::npos) << entries.reason;
  EXPECT_NE(entries.reason.find("(--inspect-max-entries)"), std::string::npos) << entries.reason;
  // Within the limits the same image reads.
  ContentsLimits enough;
  enough.max_unpacked_bytes = 8 << 20;
  EXPECT_EQ(inspector(enough)->contents(image("oversized")).status, ImageContentsStatus::Read);
  // A missing image is a failure, not a pass.
  auto missing = v->contents(image("nothing-here"));
  EXPECT_EQ(missing.status, ImageContentsStatus::Failed);
  EXPECT_FALSE(missing.reason.empty());
}

TEST_F(SupplyContents, VerifyAndScanCommands) {
  build_all();
  std::string config = tree.write(".kubeguard.yaml", fmt::format("registryAuth:\n  dockerConfig: {}\n  caFile: {}\n",
                                                                 reg.docker_config(), reg.ca_file()));
  std::string out;
  int rc = testing::run_kubeguard(
      fmt::format("verify --inspect-images --config {} {} {} 2>&1", config, image("busybox"), image("distroless")),
      &out);
  EXPECT_EQ(rc, 0) << out;  // no policy: trusted or not is not asked, contents are shown
  EXPECT_NE(out.find("user:       root (root)"), std::string::npos) << out;
  EXPECT_NE(out.find("shells:     /bin/busybox, /bin/sh -> /bin/busybox"), std::string::npos) << out;
  EXPECT_NE(out.find("user:       65532:65532 (not root)"), std::string::npos) << out;
  EXPECT_NE(out.find("shells:     none"), std::string::npos) << out;
  EXPECT_EQ(out.find(reg.password()), std::string::npos);
  rc = testing::run_kubeguard(fmt::format("verify -f json --inspect-images --config {} {}", config, image("busybox")),
                              &out);
  EXPECT_NE(out.find(R"("userIsRoot": true)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"x("/bin/su (setuid root)")x"), std::string::npos) << out;
  // The JSON, contents included, is what docs/schemas/verify.schema.json says.
  std::string python = testing::python_with_jsonschema();
  ASSERT_FALSE(python.empty()) << "needs python3 with jsonschema (scripts/install-deps.sh: python3-jsonschema)";
  EXPECT_EQ(testing::validate_json_schema(python, testing::source("docs/schemas/verify.schema.json"),
                                          tree.write("verify.json", out), false),
            "")
      << out;

  std::string manifest = tree.write(
      "pods.yaml", fmt::format("apiVersion: v1\nkind: Pod\nmetadata: {{name: tools, namespace: shop}}\nspec:\n"
                               "  containers:\n  - name: box\n    image: {}\n  - name: slim\n    image: {}\n"
                               "  - name: layered\n    image: {}\n  - name: gone\n    image: {}\n",
                               image("busybox"), image("distroless"), image("whiteout"), image("nothing-here")));
  rc = testing::run_kubeguard(fmt::format("scan -f json --config {} --inspect-images {}", config, manifest), &out);
  EXPECT_EQ(rc, 1) << out;
  for (std::string_view rule : {"KG-IMG-010", "KG-IMG-011", "KG-IMG-012", "KG-IMG-013"}) {
    EXPECT_NE(out.find(fmt::format(R"("rule": "{}")", rule)), std::string::npos) << rule << out;
  }
  EXPECT_NE(out.find("contains a shell: /bin/busybox"), std::string::npos) << out;
  EXPECT_EQ(out.find(fmt::format("image {} contains", image("distroless"))), std::string::npos) << out;
  EXPECT_EQ(out.find(fmt::format("image {} contains", image("whiteout"))), std::string::npos) << out;
  EXPECT_NE(out.find(fmt::format("image {}: contents not read: ", image("nothing-here"))), std::string::npos) << out;
  // KG-POD-003 says what the image's USER is instead of leaving it open.
  EXPECT_NE(out.find("container 'box'"), std::string::npos);
  EXPECT_NE(out.find("and the image runs as root (USER root)"), std::string::npos) << out;
  EXPECT_NE(out.find("the image's USER 65532:65532 decides today (not root)"), std::string::npos) << out;
  // Only the container whose image could not be read leaves it to the USER.
  size_t decides = out.find("so the image's USER decides");
  ASSERT_NE(decides, std::string::npos) << out;
  EXPECT_EQ(out.find("so the image's USER decides", decides + 1), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.rfind("container '", decides), 16), "container 'gone'") << out;
  // The limits are flags; an overrun is a finding that names the flag, a bad value an error.
  rc = testing::run_kubeguard(
      fmt::format("scan -f json --config {} --inspect-images --inspect-max-unpacked 4Ki {}", config, manifest), &out);
  EXPECT_NE(out.find("more than 4096 unpacked bytes (--inspect-max-unpacked)"), std::string::npos) << out;
  EXPECT_EQ(out.find(R"("rule": "KG-IMG-010")"), std::string::npos) << out;
  EXPECT_EQ(
      testing::run_kubeguard(
          fmt::format("scan --config {} --inspect-images --inspect-max-download 12XB {} 2>&1", config, manifest), &out),
      2);
  EXPECT_NE(out.find("--inspect-max-download '12XB' is not a byte count"), std::string::npos) << out;
  // Without --inspect-images nothing is read and KG-POD-003 says the USER decides.
  testing::run_kubeguard(fmt::format("scan -f json --config {} {}", config, manifest), &out);
  EXPECT_EQ(out.find(R"("rule": "KG-IMG-010")"), std::string::npos) << out;
  EXPECT_NE(out.find("so the image's USER decides"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::supply

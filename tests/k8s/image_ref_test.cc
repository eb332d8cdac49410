#include "k8s/image_ref.h"

#include <gtest/gtest.h>

namespace kg::k8s {
namespace {

TEST(ImageRef, ImplicitRegistryAndTag) {
  ImageRef r = parse_image("nginx");
  EXPECT_EQ(r.repository(), "docker.io/library/nginx");
  EXPECT_TRUE(r.implicit_registry);
  EXPECT_TRUE(r.implicit_tag);
  EXPECT_TRUE(r.latest());
}

TEST(ImageRef, RegistryWithPortIsNotATag) {
  ImageRef r = parse_image("localhost:5000/team/app");
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.path, "team/app");
  EXPECT_TRUE(r.tag.empty());
  EXPECT_TRUE(r.implicit_tag);
}

TEST(ImageRef, TagAndDigest) {
  ImageRef r = parse_image(
      "gcr.io/istio-release/proxyv2:1.22.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(r.repository(), "gcr.io/istio-release/proxyv2");
  EXPECT_EQ(r.tag, "1.22.0");
  EXPECT_EQ(r.digest, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(r.pinned());
  EXPECT_FALSE(r.latest());
}

TEST(ImageRef, DockerHubOrganisationPath) {
  ImageRef r = parse_image("istio/proxyv2:1.20");
  EXPECT_EQ(r.repository(), "docker.io/istio/proxyv2");
  EXPECT_FALSE(r.implicit_tag);
}

TEST(ImageRef, DigestOnlyIsPinnedNotLatest) {
  ImageRef r = parse_image("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(r.implicit_tag);
  EXPECT_FALSE(r.latest());
  EXPECT_EQ(r.repository(), "docker.io/library/busybox");
}

TEST(ImageRef, ExplicitDockerHubGetsLibraryPrefix) {
  EXPECT_EQ(parse_image("docker.io/nginx:1.25").repository(), "docker.io/library/nginx");
  ImageRef legacy = parse_image("index.docker.io/nginx");
  EXPECT_EQ(legacy.registry, "docker.io");
  EXPECT_EQ(legacy.path, "library/nginx");
  EXPECT_FALSE(legacy.implicit_registry);
}

TEST(ImageRef, LocalhostWithoutPortIsARegistry) {
  ImageRef r = parse_image("localhost/app:1.0");
  EXPECT_EQ(r.registry, "localhost");
  EXPECT_EQ(r.path, "app");
  EXPECT_EQ(r.tag, "1.0");
}

TEST(ImageRef, RegistryPortAndTagTogether) {
  ImageRef r = parse_image("registry.example.com:5000/team/app:v2");
  EXPECT_EQ(r.registry, "registry.example.com:5000");
  EXPECT_EQ(r.path, "team/app");
  EXPECT_EQ(r.tag, "v2");
  EXPECT_TRUE(r.valid);
}

TEST(ImageRef, UpperCaseFirstComponentIsARegistry) {
  // A repository path cannot hold upper case, so the grammar reads it as a host.
  ImageRef r = parse_image("MyRegistry/app:1");
  EXPECT_EQ(r.registry, "MyRegistry");
  EXPECT_EQ(r.path, "app");
  EXPECT_TRUE(r.valid);
}

TEST(ImageRef, LatestTagWithDigestIsPinned) {
  ImageRef r = parse_image("nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(r.latest());
  EXPECT_TRUE(r.pinned());
  EXPECT_FALSE(r.implicit_tag);
}

TEST(ImageRef, MalformedReferencesAreNotValid) {
  for (std::string_view text : {"", "nginx:", "nginx@", "nginx@sha256", "team//app", "/app", "app/", "Team/App:1",
                                "{{ .Values.image }}", "nginx :1.0"}) {
    EXPECT_FALSE(parse_image(text).valid) << text;
  }
  for (std::string_view text :
       {"nginx", "a/b/c:1", "gcr.io/x/y@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "localhost:5000/app"}) {
    EXPECT_TRUE(parse_image(text).valid) << text;
  }
}

TEST(ImageRef, DigestFollowsTheOciGrammar) {
  const std::string hex64(64, 'a');
  const std::string hex128(128, '0');
  EXPECT_TRUE(parse_image("app@sha256:" + hex64).pinned());
  EXPECT_TRUE(parse_image("app@sha512:" + hex128).pinned());
  // Too short, too long, upper case, not hex, unknown or upper-case algorithm,
  // the length of the other algorithm: none of them pins anything.
  for (const std::string& digest :
       {std::string("sha256:abc"), "sha256:" + std::string(63, 'a'), "sha256:" + std::string(65, 'a'),
        "sha256:" + std::string(64, 'A'), "sha256:" + std::string(63, 'a') + "g", "md5:" + std::string(32, 'a'),
        "SHA256:" + hex64, "sha512:" + hex64, "sha256:" + hex128, std::string("sha256:"), ":" + hex64}) {
    ImageRef r = parse_image("registry.example.com/app:1.0@" + digest);
    EXPECT_FALSE(r.pinned()) << digest;
    EXPECT_FALSE(r.digest_valid) << digest;
    EXPECT_FALSE(r.valid) << digest;
  }
}

}  // namespace
}  // namespace kg::k8s

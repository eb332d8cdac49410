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
  ImageRef r = parse_image("gcr.io/istio-release/proxyv2:1.22.0@sha256:abcd");
  EXPECT_EQ(r.repository(), "gcr.io/istio-release/proxyv2");
  EXPECT_EQ(r.tag, "1.22.0");
  EXPECT_EQ(r.digest, "sha256:abcd");
  EXPECT_TRUE(r.pinned());
  EXPECT_FALSE(r.latest());
}

TEST(ImageRef, DockerHubOrganisationPath) {
  ImageRef r = parse_image("istio/proxyv2:1.20");
  EXPECT_EQ(r.repository(), "docker.io/istio/proxyv2");
  EXPECT_FALSE(r.implicit_tag);
}

TEST(ImageRef, DigestOnlyIsPinnedNotLatest) {
  ImageRef r = parse_image("busybox@sha256:0123");
  EXPECT_FALSE(r.implicit_tag);
  EXPECT_FALSE(r.latest());
  EXPECT_EQ(r.repository(), "docker.io/library/busybox");
}

}  // namespace
}  // namespace kg::k8s

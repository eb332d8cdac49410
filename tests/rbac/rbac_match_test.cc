// Rule matching as the Kubernetes RBAC authorizer does it.
#include <gtest/gtest.h>

#include "rbac/match.h"

namespace kg::rbac {
namespace {

PolicyRule rule(std::vector<std::string> verbs, std::vector<std::string> groups, std::vector<std::string> resources,
                std::vector<std::string> names = {}) {
  PolicyRule r;
  r.verbs = std::move(verbs);
  r.api_groups = std::move(groups);
  r.resources = std::move(resources);
  r.resource_names = std::move(names);
  return r;
}

Attributes ask(std::string verb, std::string group, std::string_view resource, std::string name = "") {
  Attributes a;
  a.verb = std::move(verb);
  a.api_group = std::move(group);
  set_resource(a, resource);
  a.name = std::move(name);
  a.name_space = "ns";
  return a;
}

TEST(RbacMatch, ExactAndWildcardVerbsGroupsResources) {
  EXPECT_TRUE(rule_allows(rule({"get"}, {""}, {"pods"}), ask("get", "", "pods")));
  EXPECT_FALSE(rule_allows(rule({"get"}, {""}, {"pods"}), ask("list", "", "pods")));
  EXPECT_FALSE(rule_allows(rule({"get"}, {"apps"}, {"pods"}), ask("get", "", "pods")));
  EXPECT_TRUE(rule_allows(rule({"*"}, {"*"}, {"*"}), ask("escalate", "rbac.authorization.k8s.io", "clusterroles")));
  EXPECT_TRUE(rule_allows(rule({"*"}, {""}, {"*"}), ask("create", "", "pods/exec")));
}

TEST(RbacMatch, SubresourcesAreNotCoveredByTheirResource) {
  EXPECT_FALSE(rule_allows(rule({"create"}, {""}, {"pods"}), ask("create", "", "pods/exec")));
  EXPECT_TRUE(rule_allows(rule({"create"}, {""}, {"pods/exec"}), ask("create", "", "pods/exec")));
  EXPECT_FALSE(rule_allows(rule({"create"}, {""}, {"pods/exec"}), ask("create", "", "pods")));
  // "*/sub" is that subresource of any resource, and only that.
  EXPECT_TRUE(rule_allows(rule({"get"}, {""}, {"*/status"}), ask("get", "", "pods/status")));
  EXPECT_FALSE(rule_allows(rule({"get"}, {""}, {"*/status"}), ask("get", "", "pods")));
  EXPECT_FALSE(rule_allows(rule({"get"}, {""}, {"*/status"}), ask("get", "", "pods/xstatus")));
  EXPECT_FALSE(rule_allows(rule({"get"}, {""}, {"pods/*"}), ask("get", "", "pods/exec")));
}

TEST(RbacMatch, ResourceNamesNeverMatchRequestsWithoutAName) {
  PolicyRule r = rule({"get", "create", "list"}, {""}, {"configmaps"}, {"app-config"});
  EXPECT_TRUE(rule_allows(r, ask("get", "", "configmaps", "app-config")));
  EXPECT_FALSE(rule_allows(r, ask("get", "", "configmaps", "other")));
  EXPECT_FALSE(rule_allows(r, ask("create", "", "configmaps")));
  EXPECT_FALSE(rule_allows(r, ask("list", "", "configmaps")));
}

TEST(RbacMatch, NonResourceUrlsExactOrPrefix) {
  PolicyRule r;
  r.verbs = {"get"};
  r.non_resource_urls = {"/healthz", "/metrics/*"};
  Attributes a;
  a.resource_request = false;
  a.verb = "get";
  a.path = "/healthz";
  EXPECT_TRUE(rule_allows(r, a));
  a.path = "/healthz/ready";
  EXPECT_FALSE(rule_allows(r, a));
  a.path = "/metrics/cadvisor";
  EXPECT_TRUE(rule_allows(r, a));
  a.path = "/metrics/";
  EXPECT_TRUE(rule_allows(r, a));
  a.path = "/metric";
  EXPECT_FALSE(rule_allows(r, a));
  // A resource rule never allows a non-resource request.
  EXPECT_FALSE(rule_allows(rule({"get"}, {"*"}, {"*"}), a));
}

}  // namespace
}  // namespace kg::rbac

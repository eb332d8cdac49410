#include "cluster/json_decode.h"

#include <gtest/gtest.h>

#include "cluster/http_client.h"
#include "cluster/resources.h"
#include "k8s/object.h"

namespace kg::cluster {
namespace {

TEST(JsonDecode, ListItemsGetKindAndApiVersionAndLoseManagedFields) {
  JsonDecoder decoder;
  auto page = decoder.list(R"({"kind":"PodList","apiVersion":"v1",
      "metadata":{"resourceVersion":"4711","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"},
      "items":[
        {"metadata":{"name":"a","namespace":"ns","managedFields":[{"manager":"kubectl"}],
                     "labels":{"app":"x"}},
         "spec":{"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true},
                                "ports":[{"containerPort":80}]}],
                 "terminationGracePeriodSeconds":30,"x":1.5,"n":null}},
        {"metadata":{"name":"b","namespace":"ns"}}]})",
                           "v1", "Pod");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->resource_version, "4711");
  EXPECT_EQ(page->continue_token, "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
  ASSERT_EQ(page->items.size(), 2u);
  const doc::Node& a = page->items[0];
  EXPECT_EQ(k8s::string_at(&a, "kind"), "Pod");
  EXPECT_EQ(k8s::string_at(&a, "apiVersion"), "v1");
  EXPECT_EQ(a.find({"metadata", "managedFields"}), nullptr);
  EXPECT_EQ(k8s::string_at(a.find({"metadata", "labels"}), "app"), "x");
  const doc::Node* c = &a.find({"spec", "containers"})->items()[0];
  EXPECT_EQ(c->find({"securityContext", "privileged"})->as_bool(), true);
  EXPECT_EQ(c->get("ports")->items()[0].get("containerPort")->as_int(), 80);
  EXPECT_EQ(a.find({"spec", "x"})->scalar_type(), doc::ScalarType::Float);
  EXPECT_TRUE(a.find({"spec", "n"})->is_null());
  EXPECT_EQ(a.mark().line, 0u);  // no file position for API objects
  EXPECT_EQ(c->mark().line, 0u);
}

TEST(JsonDecode, ManagedFieldsOnlyDroppedFromMetadata) {
  JsonDecoder decoder;
  auto object = decoder.object(R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"m"},
                                   "data":{"managedFields":"kept"}})");
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(k8s::string_at(object->get("data"), "managedFields"), "kept");
}

TEST(JsonDecode, EmptyAndMalformedLists) {
  JsonDecoder decoder;
  auto empty = decoder.list(R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]})", "v1", "Pod");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_TRUE(empty->continue_token.empty());
  auto null_items = decoder.list(R"({"kind":"PodList","items":null})", "v1", "Pod");
  ASSERT_TRUE(null_items) << null_items.error().message;
  auto truncated = decoder.list(R"({"kind":"PodList","items":[{"metadata":)", "v1", "Pod");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().kind, ErrorKind::Decode);
  EXPECT_FALSE(decoder.list(R"({"kind":"Status"})", "v1", "Pod"));
}

TEST(JsonDecode, WatchEventsAndStatusMessages) {
  JsonDecoder decoder;
  auto added = decoder.watch_event(
      R"({"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","resourceVersion":"9"}}})");
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->type, "ADDED");
  EXPECT_EQ(k8s::string_at(added->object.get("metadata"), "name"), "p");
  auto gone = decoder.watch_event(
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","code":410,"reason":"Expired"}})");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->object.get("code")->as_int(), 410);
  EXPECT_FALSE(decoder.watch_event(R"({"object":{}})"));

  EXPECT_EQ(status_message(R"({"kind":"Status","message":"pods is forbidden: User \"x\" cannot list"})"),
            "pods is forbidden: User \"x\" cannot list");
  EXPECT_EQ(status_message("<html>"), "");
  EXPECT_EQ(status_message(R"({"kind":"Pod","message":"m"})"), "");
}

TEST(Resources, PathsAndEscaping) {
  const Resource* pods = find_resource("pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(collection_path(*pods, ""), "/api/v1/pods");
  EXPECT_EQ(collection_path(*pods, "team-a"), "/api/v1/namespaces/team-a/pods");
  const Resource* deployments = find_resource("Deployment");
  ASSERT_NE(deployments, nullptr);
  EXPECT_EQ(collection_path(*deployments, "x"), "/apis/apps/v1/namespaces/x/deployments");
  const Resource* webhooks = find_resource("mutatingwebhookconfigurations");
  ASSERT_NE(webhooks, nullptr);
  EXPECT_EQ(collection_path(*webhooks, "x"), "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations");
  EXPECT_EQ(find_resource("secrets"), nullptr);  // never read
  EXPECT_EQ(scan_resources().size(), 19u);

  EXPECT_EQ(url_escape("eyJ2Ijo+/=="), "eyJ2Ijo%2B%2F%3D%3D");
  EXPECT_EQ(url_escape("a-b_c.d~"), "a-b_c.d~");
}

TEST(HttpError, StatusesMapToKindsWithTheServersMessage) {
  HttpResponse forbidden{403, R"({"kind":"Status","message":"roles.rbac.authorization.k8s.io is forbidden"})"};
  Error e = http_error("list /apis/rbac.authorization.k8s.io/v1/roles", forbidden);
  EXPECT_EQ(e.kind, ErrorKind::Forbidden);
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.message,
            "list /apis/rbac.authorization.k8s.io/v1/roles: HTTP 403 Forbidden: roles.rbac.authorization.k8s.io is "
            "forbidden");
  EXPECT_EQ(http_error("x", HttpResponse{410, ""}).kind, ErrorKind::Gone);
  EXPECT_EQ(http_error("x", HttpResponse{401, ""}).kind, ErrorKind::Unauthorized);
  EXPECT_EQ(http_error("x", HttpResponse{500, "oops"}).message, "x: HTTP 500");
}

}  // namespace
}  // namespace kg::cluster

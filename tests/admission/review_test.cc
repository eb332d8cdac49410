// Parsing AdmissionReview bodies: versions, uid, objects, and the errors that
// become HTTP 400.
#include "admission/review.h"

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review_support.h"

namespace kg::admission {
namespace {

constexpr std::string_view kPod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
    "  - {name: web, image: nginx:1.27}\n";

TEST(AdmissionReview, ParsesV1Request) {
  testing::ReviewSpec spec;
  spec.object_yaml = std::string(kPod);
  ParsedReview parsed = parse_review(testing::review_json(spec));
  ASSERT_TRUE(parsed) << parsed.error.message;
  const AdmissionRequest& r = *parsed.request;
  EXPECT_EQ(r.api_version, kApiV1);
  EXPECT_EQ(r.uid, spec.uid);
  EXPECT_EQ(r.kind.kind, "Pod");
  EXPECT_EQ(r.resource, "pods");
  EXPECT_EQ(r.operation, "CREATE");
  EXPECT_EQ(r.name_space, "shop");
  EXPECT_EQ(r.username, "system:serviceaccount:shop:ci");
  ASSERT_EQ(r.groups.size(), 1u);
  ASSERT_TRUE(r.object.has_value());
  EXPECT_FALSE(r.old_object.has_value());
  EXPECT_EQ(k8s::string_at(&r.object->root, "kind"), "Pod");
}

TEST(AdmissionReview, V1beta1IsAnsweredInV1beta1WithTheSameUid) {
  testing::ReviewSpec spec;
  spec.api_version = "admission.k8s.io/v1beta1";
  spec.uid = "a-uid-of-its-own";
  spec.object_yaml = std::string(kPod);
  ParsedReview parsed = parse_review(testing::review_json(spec));
  ASSERT_TRUE(parsed) << parsed.error.message;
  EXPECT_EQ(parsed.request->api_version, kApiV1beta1);
  std::string answer = write_response(parsed.request->api_version, parsed.request->uid, Decision{});
  EXPECT_EQ(answer, R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview",)"
                    R"("response":{"uid":"a-uid-of-its-own","allowed":true}})");
}

struct BadBody {
  std::string body;
  std::string says;
};

TEST(AdmissionReview, BadBodiesAreRefusedWithAReason) {
  std::vector<BadBody> cases = {
      {"", "empty body"},
      {" \n", "empty body"},
      {"{\"apiVersion\": ", "malformed JSON"},
      {"[1,2]", "expected a JSON object"},
      {"{} {}", "exactly one JSON object"},
      {R"({"apiVersion":"v1","kind":"Pod"})", "kind is 'Pod', expected AdmissionReview"},
      {R"({"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{}})", "apiVersion is"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})", "has no request"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}})",
       "request.uid is missing"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"","operation":"CREATE"}})",
       "request.uid is missing"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE"}})",
       "request.kind.kind is missing"},
      {R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"}}})",
       "request.operation is missing"},
      {std::string(300, '[') + std::string(300, ']'), "malformed JSON"},
  };
  for (const auto& c : cases) {
    ParsedReview parsed = parse_review(c.body);
    EXPECT_FALSE(parsed) << c.body.substr(0, 80);
    EXPECT_NE(parsed.error.message.find(c.says), std::string::npos)
        << c.body.substr(0, 80) << " -> " << parsed.error.message;
  }
}

TEST(AdmissionReview, ObjectThatIsNotAMappingIsLeftOut) {
  std::string body =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},)"
      R"("operation":"CREATE","object":"not an object"}})";
  ParsedReview parsed = parse_review(body);
  ASSERT_TRUE(parsed) << parsed.error.message;
  EXPECT_FALSE(parsed.request->object.has_value());
}

}  // namespace
}  // namespace kg::admission

// AdmissionReview requests as the API server sends them to a validating
// webhook (admission.k8s.io/v1, and v1beta1 which older servers still send),
// parsed into plain values. Nothing here decides anything.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"

namespace kg::admission {

inline constexpr std::string_view kApiV1 = "admission.k8s.io/v1";
inline constexpr std::string_view kApiV1beta1 = "admission.k8s.io/v1beta1";

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
};

struct AdmissionRequest {
  std::string api_version;  // of the review: the response is written in the same version
  std::string uid;
  GroupVersionKind kind;
  std::string resource;      // "pods", "deployments", ...
  std::string sub_resource;  // "", "ephemeralcontainers", "status", ...
  std::string operation;     // CREATE, UPDATE, DELETE, CONNECT
  std::string name_space;
  std::string name;
  std::string username;
  std::vector<std::string> groups;
  bool dry_run = false;
  // The objects, each as its own document so the engine can point into it;
  // absent when the API server sent none (DELETE has no object, CREATE no oldObject).
  std::optional<doc::Document> object;
  std::optional<doc::Document> old_object;
};

// Why a body is not an AdmissionReview we can answer; it becomes HTTP 400.
struct ReviewError {
  std::string message;
};

struct ParsedReview {
  std::optional<AdmissionRequest> request;
  ReviewError error;  // meaningful when request is empty

  explicit operator bool() const { return request.has_value(); }
};

// Parses a request body. Bounds on depth and node count come from the JSON
// loader; the body size is bounded by the caller (the HTTP front).
ParsedReview parse_review(std::string_view body);

}  // namespace kg::admission

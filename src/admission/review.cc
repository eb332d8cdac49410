#include "admission/review.h"

#include <fmt/format.h>

#include "doc/json_loader.h"
#include "k8s/object.h"

namespace kg::admission {
namespace {

ParsedReview fail(std::string message) { return ParsedReview{std::nullopt, ReviewError{std::move(message)}}; }

// Moves a field's value out of the parsed review into a document of its own,
// so that findings on it carry paths relative to the object.
std::optional<doc::Document> take_object(doc::Node& request, std::string_view key, std::string_view name) {
  for (auto& e : request.mutable_entries()) {
    if (e.key != key) continue;
    if (!e.value.is_mapping()) return std::nullopt;
    doc::Document d;
    d.file = std::string(name);
    d.root = std::move(e.value);
    return d;
  }
  return std::nullopt;
}

std::string text_at(const doc::Node* node, std::string_view key) { return std::string(k8s::string_at(node, key)); }

}  // namespace

ParsedReview parse_review(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return fail("empty body, expected an AdmissionReview");
  std::optional<doc::Document> review;
  std::string syntax;
  int documents = 0;
  doc::parse_json_stream(
      body, "request",
      [&](doc::Document&& d) {
        if (documents++ == 0) review = std::move(d);
      },
      [&](doc::LoadError&& e) {
        if (syntax.empty()) syntax = doc::format_error(e);
      });
  if (!syntax.empty()) return fail(fmt::format("malformed JSON: {}", syntax));
  if (documents != 1 || !review) return fail("expected exactly one JSON object, an AdmissionReview");
  doc::Node& root = review->root;
  if (!root.is_mapping()) return fail("expected a JSON object, an AdmissionReview");
  std::string kind = text_at(&root, "kind");
  std::string api_version = text_at(&root, "apiVersion");
  if (kind != "AdmissionReview") {
    return fail(fmt::format("kind is '{}', expected AdmissionReview", kind));
  }
  if (api_version != kApiV1 && api_version != kApiV1beta1) {
    return fail(fmt::format("apiVersion is '{}', expected {} or {}", api_version, kApiV1, kApiV1beta1));
  }
  doc::Node* request = nullptr;
  for (auto& e : root.mutable_entries()) {
    if (e.key == "request") request = &e.value;
  }
  if (request == nullptr || !request->is_mapping()) return fail("the AdmissionReview has no request");

  AdmissionRequest r;
  r.api_version = api_version;
  r.uid = text_at(request, "uid");
  if (r.uid.empty()) return fail("request.uid is missing or empty");
  const doc::Node* gvk = request->get("kind");
  r.kind = GroupVersionKind{text_at(gvk, "group"), text_at(gvk, "version"), text_at(gvk, "kind")};
  if (r.kind.kind.empty()) return fail("request.kind.kind is missing");
  r.resource = text_at(request->get("resource"), "resource");
  r.sub_resource = text_at(request, "subResource");
  r.operation = text_at(request, "operation");
  if (r.operation.empty()) return fail("request.operation is missing");
  r.name_space = text_at(request, "namespace");
  r.name = text_at(request, "name");
  const doc::Node* user = request->get("userInfo");
  r.username = text_at(user, "username");
  if (const doc::Node* groups = user != nullptr ? user->get("groups") : nullptr;
      groups != nullptr && groups->is_sequence()) {
    for (const auto& g : groups->items()) r.groups.emplace_back(g.str());
  }
  if (const doc::Node* dry = request->get("dryRun")) r.dry_run = dry->as_bool().value_or(false);
  r.object = take_object(*request, "object", "object");
  r.old_object = take_object(*request, "oldObject", "oldObject");
  return ParsedReview{std::move(r), {}};
}

}  // namespace kg::admission

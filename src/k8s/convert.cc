#include "k8s/convert.h"

#include <optional>
#include <utility>
#include <vector>

#include "doc/kubectl_json.h"
#include "doc/kubectl_yaml.h"
#include "doc/source.h"
#include "k8s/object.h"

namespace kg::k8s {
namespace {

// kubectl sets each object's namespace from what it read (SetNamespace):
// a namespace that is null, empty or not a string is then no longer there
// (the API server reads those as no namespace too). Copies the object only
// when it has such a field.
std::optional<doc::Node> without_empty_namespace(const doc::Node& root) {
  const doc::Node* metadata = root.get("metadata");
  const doc::Node* ns = metadata != nullptr ? metadata->get("namespace") : nullptr;
  if (ns == nullptr || (ns->is_scalar() && ns->scalar_type() == doc::ScalarType::String && !ns->str().empty())) {
    return std::nullopt;
  }
  doc::Node copy = root;
  for (auto& entry : copy.mutable_entries()) {
    if (entry.key != "metadata" || !entry.value.is_mapping()) continue;
    std::erase_if(entry.value.mutable_entries(), [](const doc::Entry& e) { return e.key == "namespace"; });
  }
  return copy;
}

void convert_document(const doc::Document& document, const ConvertSinks& sinks) {
  Extraction extraction;
  extract_objects(document, extraction);
  if (!extraction.errors.empty()) {
    // kubectl refuses the whole list before it sends any item.
    for (auto& e : extraction.errors) sinks.error(std::move(e), false);
    return;
  }
  size_t count = std::min(extraction.objects.size(), extraction.objects_before_skip);
  for (size_t i = 0; i < count; ++i) {
    const Object& object = extraction.objects[i];
    std::vector<std::pair<std::string_view, std::string_view>> overrides;
    if (strict_string_at(object.root, "kind").empty()) {
      // A list item that took its kind and apiVersion from the list.
      overrides = {{"apiVersion", object.ref.api_version}, {"kind", object.ref.kind}};
    }
    std::string text;
    std::optional<doc::Node> trimmed = without_empty_namespace(*object.root);
    // A null list item is sent as an empty object with the list's kind.
    if (object.root->is_null()) trimmed = doc::Node::mapping(object.root->mark());
    const doc::Node* items = object.root->get("items");
    if (items != nullptr && items->is_null()) {
      // A list item with `items: null` is sent as one object, which kubectl
      // decodes as an empty list and prints with `"items": []`.
      if (!trimmed) trimmed = *object.root;
      for (auto& entry : trimmed->mutable_entries()) {
        if (entry.key == "items") entry.value = doc::Node::sequence(entry.value.mark());
      }
    }
    const doc::Node& root = trimmed ? *trimmed : *object.root;
    if (sinks.yaml) doc::write_kubectl_yaml(root, text, overrides);
    else doc::write_kubectl_json(root, text, overrides);
    sinks.object(std::move(text));
  }
  if (!extraction.skipped.empty()) sinks.error(std::move(extraction.skipped.front()), false);
}

}  // namespace

void convert_input(const std::string& path, const ConvertSinks& sinks, const doc::LoadLimits& limits) {
  doc::load_input(
      path, [&](doc::Document&& document) { convert_document(document, sinks); },
      [&](doc::LoadError&& error) { sinks.error(std::move(error), true); }, limits);
}

void convert_text(std::string_view text, std::string_view name, const ConvertSinks& sinks,
                  const doc::LoadLimits& limits) {
  doc::load_text(
      text, name, [&](doc::Document&& document) { convert_document(document, sinks); },
      [&](doc::LoadError&& error) { sinks.error(std::move(error), true); }, limits);
}

}  // namespace kg::k8s

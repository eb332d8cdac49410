#include "k8s/object.h"

#include <fmt/format.h>

namespace kg::k8s {

std::string ObjectRef::display() const {
  if (name_space.empty()) return fmt::format("{} {}", kind, name);
  return fmt::format("{} {}/{}", kind, name_space, name);
}

std::string ObjectRef::group() const {
  auto slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

std::string_view Object::annotation(std::string_view key) const { return string_at(annotations(), key); }

std::string_view string_at(const doc::Node* node, std::string_view key) {
  if (node == nullptr) return {};
  const doc::Node* value = node->get(key);
  if (value == nullptr || !value->is_scalar() || value->is_null()) return {};
  return value->str();
}

namespace {

bool is_list_kind(std::string_view kind) {
  return kind == "List" || (kind.size() > 4 && kind.substr(kind.size() - 4) == "List");
}

void add_object(const doc::Document& document, const doc::Node& node, std::string path_prefix,
                std::string_view default_api_version, std::string_view default_kind, Extraction& out) {
  if (!node.is_mapping()) {
    ++out.skipped_documents;
    return;
  }
  std::string_view api_version = string_at(&node, "apiVersion");
  std::string_view kind = string_at(&node, "kind");
  if (api_version.empty()) api_version = default_api_version;
  if (kind.empty()) kind = default_kind;
  if (api_version.empty() || kind.empty()) {
    ++out.skipped_documents;
    return;
  }
  const doc::Node* items = node.get("items");
  if (is_list_kind(kind) && (items == nullptr || items->is_sequence() || items->is_null())) {
    // A typed list (PodList) may leave kind and apiVersion off its items.
    std::string_view item_kind = kind == "List" ? std::string_view() : kind.substr(0, kind.size() - 4);
    std::string_view item_api = kind == "List" ? std::string_view() : api_version;
    if (items == nullptr) return;
    size_t i = 0;
    for (const auto& item : items->items()) {
      add_object(document, item, fmt::format("{}items[{}].", path_prefix, i++), item_api, item_kind, out);
    }
    return;
  }
  Object object;
  object.ref.api_version = api_version;
  object.ref.kind = kind;
  const doc::Node* metadata = node.get("metadata");
  object.ref.name_space = string_at(metadata, "namespace");
  object.ref.name = string_at(metadata, "name");
  if (object.ref.name.empty()) object.ref.name = string_at(metadata, "generateName");
  object.root = &node;
  object.file = document.file;
  object.document_index = document.index;
  object.path_prefix = std::move(path_prefix);
  out.objects.push_back(std::move(object));
}

}  // namespace

void extract_objects(const doc::Document& document, Extraction& out) {
  add_object(document, document.root, "", "", "", out);
}

}  // namespace kg::k8s

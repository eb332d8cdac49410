#include "k8s/object.h"

#include <algorithm>

#include <fmt/format.h>

#include "doc/kubectl_meta.h"

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

std::string_view strict_string_at(const doc::Node* node, std::string_view key) {
  if (node == nullptr) return {};
  const doc::Node* value = node->get(key);
  if (value == nullptr || !value->is_scalar() || value->scalar_type() != doc::ScalarType::String) return {};
  return value->str();
}

namespace {

// schema.ParseGroupVersion: "" or "version" or "group/version".
bool valid_api_version(std::string_view v, bool need_version) {
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return !need_version || !v.empty();
  if (v.find('/', slash + 1) != std::string_view::npos) return false;
  return !need_version || slash + 1 < v.size();
}

struct Walk {
  const doc::Document& document;
  Extraction& out;

  doc::LoadError problem(const doc::Node& at, std::string message) const {
    return doc::LoadError{doc::ErrorCode::YamlSyntax, document.file, at.mark(), std::move(message)};
  }

  void skip(const doc::Node& at, std::string message) {
    ++out.skipped_documents;
    out.objects_before_skip = std::min(out.objects_before_skip, out.objects.size());
    out.skipped.push_back(problem(at, std::move(message)));
  }

  void emit(const doc::Node& node, std::string_view api_version, std::string_view kind, std::string path_prefix) {
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

  // The kind an item without kind and apiVersion takes from its list.
  static std::string_view list_item_kind(std::string_view list_kind) {
    if (list_kind.size() >= 4 && list_kind.substr(list_kind.size() - 4) == "List") list_kind.remove_suffix(4);
    return list_kind;
  }

  // A list item kubectl does not send ("unable to get type info"); it
  // sends the items before and after it.
  void refuse_item(const doc::Node& at, std::string message) {
    ++out.skipped_documents;
    out.skipped.push_back(problem(at, std::move(message)));
  }

  // An item of a list: it needs a kind and an apiVersion.
  void item(const doc::Node& node, std::string_view default_api, std::string_view default_kind,
            const std::string& path_prefix) {
    std::string_view api_version = strict_string_at(&node, "apiVersion");
    std::string_view kind = strict_string_at(&node, "kind");
    if (kind.empty() && api_version.empty()) {
      kind = default_kind;
      api_version = default_api;
    }
    const doc::Node* items = node.get("items");
    if (items != nullptr && items->is_sequence()) {
      // kubectl v1.33 cannot flatten a list inside a list: "*unstructured.
      // Unstructured is not a list", and nothing of the outer list is sent.
      out.errors.push_back(problem(node, "a list inside a list (kubectl refuses it)"));
      return;
    }
    if (items != nullptr && !items->is_null()) {
      // kubectl decodes an item with `items` as a list and refuses this one
      // ("cannot unmarshal ... into ... items").
      return refuse_item(*items, "items of a list item must be a list or null");
    }
    if (kind.empty()) return refuse_item(node, "list item has no kind");
    if (!valid_api_version(api_version, true)) return refuse_item(node, "list item has no valid apiVersion");
    emit(node, api_version, kind, path_prefix);
  }

  // kubectl decodes the document's apiVersion, kind and metadata into their
  // Go types before it sends anything of it (list items are not checked).
  bool meta_types_ok() {
    std::optional<doc::MetaTypeError> wrong = doc::check_meta_types(document.root);
    if (!wrong) return true;
    out.errors.push_back(
        doc::LoadError{doc::ErrorCode::YamlSyntax, document.file, wrong->mark, std::move(wrong->message)});
    return false;
  }

  // An item of a large list the loader handed on by itself.
  void streamed_item(const doc::ListItem& where) {
    const doc::Node& node = document.root;
    std::string prefix = fmt::format("items[{}].", where.index);
    // A null item is an empty object to kubectl: it takes the list's kind.
    if (node.is_null()) return item(node, where.list_api_version, list_item_kind(where.list_kind), prefix);
    if (!node.is_mapping()) {
      out.errors.push_back(problem(node, "list item is not an object"));
      return;
    }
    item(node, where.list_api_version, list_item_kind(where.list_kind), prefix);
  }

  void document_root() {
    if (document.list_item) return streamed_item(*document.list_item);
    const doc::Node& root = document.root;
    if (!root.is_mapping()) return skip(root, "document is not an object");
    const doc::Node* api = root.get("apiVersion");
    std::string_view api_version = strict_string_at(&root, "apiVersion");
    std::string_view kind = strict_string_at(&root, "kind");
    if (api != nullptr && !valid_api_version(api_version, false)) return skip(root, "apiVersion is not valid");
    const doc::Node* items = root.get("items");
    if (items == nullptr) {
      // kubectl needs only a kind here (it finds the version on the server).
      if (kind.empty()) return skip(root, "Object 'Kind' is missing");
      if (!meta_types_ok()) return;
      emit(root, api_version, kind, "");
      return;
    }
    // Any document with an `items` key is a list to kubectl, whatever its
    // kind: the items are what it sends, the rest of the document is not.
    if (!items->is_sequence() && !items->is_null()) {
      out.errors.push_back(problem(*items, "items of a list must be a list"));
      return;
    }
    for (const auto& child : items->items()) {
      if (!child.is_mapping() && !child.is_null()) {
        out.errors.push_back(problem(child, "list item is not an object"));
        return;
      }
    }
    if (kind.empty()) return skip(root, "Object 'Kind' is missing");
    if (!meta_types_ok()) return;
    std::string_view item_kind = list_item_kind(kind);
    size_t i = 0;
    for (const auto& child : items->items()) {
      // A null item is an empty object to kubectl: it takes the list's kind.
      item(child, api_version, item_kind, fmt::format("items[{}].", i++));
    }
  }
};

}  // namespace

void extract_objects(const doc::Document& document, Extraction& out) { Walk{document, out}.document_root(); }

}  // namespace kg::k8s

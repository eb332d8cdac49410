// Kubernetes objects found in documents: the document itself, or the items
// of a List / *List.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"

namespace kg::k8s {

struct ObjectRef {
  std::string api_version;
  std::string kind;
  std::string name_space;  // empty when the manifest does not say
  std::string name;

  // "Kind ns/name" or "Kind name" for cluster-scoped / unnamespaced objects.
  std::string display() const;
  std::string group() const;  // "" for the core group
};

struct Object {
  ObjectRef ref;
  const doc::Node* root = nullptr;  // the object's mapping (owned by the Document)
  std::string_view file;            // "" when the object did not come from a file
  uint32_t document_index = 0;
  std::string path_prefix;  // "items[3]." for an item of a List, else ""

  const doc::Node* metadata() const { return root->get("metadata"); }
  const doc::Node* annotations() const { return root->find({"metadata", "annotations"}); }
  std::string_view annotation(std::string_view key) const;
};

struct Extraction {
  std::vector<Object> objects;
  uint32_t skipped_documents = 0;  // documents (or list items) that are not Kubernetes objects
  // Why each skipped document (or list item) is not an object: kubectl
  // refuses these too ("Object 'Kind' is missing"), but a directory of
  // manifests holds other YAML as well, so the scanner only counts them.
  std::vector<doc::LoadError> skipped;
  // Lists kubectl refuses (items that are not a list, an item that is not
  // an object): errors wherever the document is read.
  std::vector<doc::LoadError> errors;
  // How many objects came before the first skipped list item (kubectl
  // sends those and stops at the item); SIZE_MAX when nothing was skipped.
  size_t objects_before_skip = SIZE_MAX;
};

// Objects of one document, as kubectl finds them (docs/YAML.md): a document
// with an `items` key is a list whatever its kind, its items (and the items
// of items that are lists) are the objects, and an item without kind and
// apiVersion takes the list's kind less "List" and the list's apiVersion.
// Any other document is one object and needs a kind. The returned objects
// point into `document`.
void extract_objects(const doc::Document& document, Extraction& out);

// Reads a scalar field as text; "" when missing, null or not a scalar.
std::string_view string_at(const doc::Node* node, std::string_view key);

// Reads a string field; "" when missing or not a string (as the API
// machinery reads kind and apiVersion).
std::string_view strict_string_at(const doc::Node* node, std::string_view key);

}  // namespace kg::k8s

// Kubernetes objects found in documents: the document itself, or the items
// of a List / *List.
#pragma once

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
  uint32_t skipped_documents = 0;  // documents (or list items) without apiVersion and kind
};

// Objects of one document. The returned objects point into `document`.
void extract_objects(const doc::Document& document, Extraction& out);

// Reads a string field; "" when missing or not a string.
std::string_view string_at(const doc::Node* node, std::string_view key);

}  // namespace kg::k8s

// What a loader hands to the engine: whole documents with their origin, and
// errors as values that name file, line and column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "doc/node.h"

namespace kg::doc {

// An item of a large list, handed on before the list's document ends so a
// list of any length never sits in memory whole (docs/YAML.md).
struct ListItem {
  std::string list_kind;         // the list's kind, for items without one
  std::string list_api_version;  // the list's apiVersion
  uint32_t index = 0;            // position in `items`
};

struct Document {
  Document() = default;
  Document(std::string file_name, uint32_t index_in_file, Node root_node)
      : file(std::move(file_name)), index(index_in_file), root(std::move(root_node)) {}

  std::string file;    // path as given, or "-" for standard input
  uint32_t index = 0;  // 0-based position of the document in its file
  Node root;
  // Set on an item of a large list handed on by itself (root is the item).
  std::optional<ListItem> list_item;
  // Set on a list whose items were handed on one by one: its `items` are empty.
  bool items_streamed = false;
};

enum class ErrorCode : uint8_t {
  Io,            // the file could not be opened or read
  YamlSyntax,    // libyaml refused the document
  JsonSyntax,    // the JSON parser refused the document
  TooDeep,       // nesting beyond the bound we accept
  TooLarge,      // a document (or its alias expansion) beyond the bound we accept
  UnknownAlias,  // *name with no &name before it
  Config,        // a configuration file is invalid
};

std::string_view error_code_name(ErrorCode code);

struct LoadError {
  ErrorCode code = ErrorCode::Io;
  std::string file;
  Mark mark;
  std::string message;
};

// "file:line:column: message" (line and column left out when unknown).
std::string format_error(const LoadError& error);

using DocumentSink = std::function<void(Document&&)>;
using ErrorSink = std::function<void(LoadError&&)>;

// Bounds that keep hostile input from exhausting the stack or memory.
struct LoadLimits {
  uint32_t max_depth = 256;
  uint64_t max_nodes_per_document = 4'000'000;
  // Bytes that aliases add to one document (each alias counts the size of
  // the value it copies). The API server takes no request above 3 MiB, so
  // nothing legitimate comes close.
  uint64_t max_alias_bytes = uint64_t{64} << 20;
  // A list whose items pass this size is handed on item by item.
  uint64_t stream_list_items_after_bytes = uint64_t{4} << 20;
};

}  // namespace kg::doc

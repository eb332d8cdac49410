#include "doc/yaml_loader.h"

#include <yaml.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace kg::doc {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

uint64_t count_nodes(const Node& n) {
  uint64_t total = 1;
  for (const auto& item : n.items()) total += count_nodes(item);
  for (const auto& e : n.entries()) total += count_nodes(e.value);
  return total;
}

ScalarType scalar_type_of(const yaml_event_t& event, std::string_view value) {
  const auto* tag = event.data.scalar.tag;
  if (tag != nullptr) {
    std::string_view t(reinterpret_cast<const char*>(tag));
    if (t.substr(0, kTagPrefix.size()) == kTagPrefix) {
      t.remove_prefix(kTagPrefix.size());
      if (t == "str" || t == "binary" || t == "timestamp") return ScalarType::String;
      if (t == "int") return ScalarType::Int;
      if (t == "float") return ScalarType::Float;
      if (t == "bool") return ScalarType::Bool;
      if (t == "null") return ScalarType::Null;
    }
    if (t == "!") return ScalarType::String;  // non-specific tag forces a string
  }
  if (event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return ScalarType::String;
  return resolve_plain_scalar(value);
}

// Merge keys (<<) as go-yaml applies them: explicit keys win over merged ones,
// and among merged mappings the earlier one wins.
void apply_merge_keys(Node& mapping) {
  auto& entries = mapping.mutable_entries();
  bool has_merge = false;
  for (const auto& e : entries) has_merge = has_merge || e.key == "<<";
  if (!has_merge) return;
  std::vector<Entry> merged;
  std::vector<Entry> explicit_entries;
  for (auto& e : entries) {
    if (e.key != "<<") {
      explicit_entries.push_back(std::move(e));
      continue;
    }
    std::vector<const Node*> sources;
    if (e.value.is_mapping()) sources.push_back(&e.value);
    for (const auto& item : e.value.items()) {
      if (item.is_mapping()) sources.push_back(&item);
    }
    // get() takes the last duplicate, so the earliest source goes last.
    for (size_t i = sources.size(); i-- > 0;) {
      for (const auto& me : sources[i]->entries()) merged.push_back(me);
    }
  }
  merged.insert(merged.end(), std::make_move_iterator(explicit_entries.begin()),
                std::make_move_iterator(explicit_entries.end()));
  entries = std::move(merged);
}

struct Anchored {
  Node node;
  uint64_t count = 0;
};

// Turns libyaml events into Node trees, one document at a time.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view file, uint32_t first_line, const LoadLimits& limits)
      : file_(file), first_line_(first_line), limits_(limits) {}

  Mark mark_of(const yaml_mark_t& m) const {
    return Mark{static_cast<uint32_t>(m.line) + first_line_, static_cast<uint32_t>(m.column) + 1};
  }

  void start_document() {
    stack_.clear();
    entry_scratch_.clear();
    item_scratch_.clear();
    anchors_.clear();
    root_.reset();
    nodes_ = 0;
  }

  std::optional<Node> take_root() { return std::move(root_); }

  // Returns an error message, or empty on success.
  std::optional<LoadError> on_event(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        std::string value(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        ScalarType type = scalar_type_of(event, value);
        Node n = Node::scalar(std::move(value), type, mark_of(event.start_mark));
        return complete(std::move(n), anchor_of(event.data.scalar.anchor), event);
      }
      case YAML_SEQUENCE_START_EVENT:
        return open(Node::sequence(mark_of(event.start_mark)), anchor_of(event.data.sequence_start.anchor), event);
      case YAML_MAPPING_START_EVENT:
        return open(Node::mapping(mark_of(event.start_mark)), anchor_of(event.data.mapping_start.anchor), event);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        // The children waited in the scratch vectors; they move into a
        // vector of exactly their number, allocated once.
        if (frame.node.is_mapping()) {
          auto first = entry_scratch_.begin() + static_cast<std::ptrdiff_t>(frame.scratch_base);
          frame.node.mutable_entries().assign(std::make_move_iterator(first),
                                              std::make_move_iterator(entry_scratch_.end()));
          entry_scratch_.erase(first, entry_scratch_.end());
          apply_merge_keys(frame.node);
        } else {
          auto first = item_scratch_.begin() + static_cast<std::ptrdiff_t>(frame.scratch_base);
          frame.node.mutable_items().assign(std::make_move_iterator(first),
                                            std::make_move_iterator(item_scratch_.end()));
          item_scratch_.erase(first, item_scratch_.end());
        }
        return complete(std::move(frame.node), frame.anchor, event);
      }
      case YAML_ALIAS_EVENT: {
        std::string name(reinterpret_cast<const char*>(event.data.alias.anchor));
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          return LoadError{ErrorCode::UnknownAlias, std::string(file_), mark_of(event.start_mark),
                           fmt::format("alias *{} refers to no anchor", name)};
        }
        nodes_ += it->second.count;
        if (nodes_ > limits_.max_nodes_per_document) return too_large(event);
        return complete(Node(it->second.node), {}, event);
      }
      default: return std::nullopt;
    }
  }

 private:
  struct Frame {
    Node node;
    std::string anchor;
    std::string pending_key;
    Mark key_mark;
    bool has_key = false;
    size_t scratch_base = 0;  // where this node's children start in the scratch vector
  };

  static std::string anchor_of(const yaml_char_t* anchor) {
    return anchor == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(anchor));
  }

  LoadError too_large(const yaml_event_t& event) const {
    return LoadError{
        ErrorCode::TooLarge, std::string(file_), mark_of(event.start_mark),
        fmt::format("document has more than {} nodes (alias expansion included)", limits_.max_nodes_per_document)};
  }

  std::optional<LoadError> open(Node n, std::string anchor, const yaml_event_t& event) {
    if (stack_.size() >= limits_.max_depth) {
      return LoadError{ErrorCode::TooDeep, std::string(file_), mark_of(event.start_mark),
                       fmt::format("nesting deeper than {} levels", limits_.max_depth)};
    }
    size_t base = n.is_mapping() ? entry_scratch_.size() : item_scratch_.size();
    stack_.push_back(Frame{std::move(n), std::move(anchor), {}, {}, false, base});
    return std::nullopt;
  }

  std::optional<LoadError> complete(Node n, const std::string& anchor, const yaml_event_t& event) {
    if (++nodes_ > limits_.max_nodes_per_document) return too_large(event);
    if (!anchor.empty()) anchors_[anchor] = Anchored{n, count_nodes(n)};
    if (stack_.empty()) {
      root_ = std::move(n);
      return std::nullopt;
    }
    Frame& top = stack_.back();
    if (top.node.is_sequence()) {
      item_scratch_.push_back(std::move(n));
    } else if (!top.has_key) {
      // Kubernetes objects only have scalar keys; a complex key keeps its position but no name.
      top.pending_key = n.is_scalar() ? std::string(n.str()) : std::string();
      top.key_mark = n.mark();
      top.has_key = true;
    } else {
      entry_scratch_.push_back(Entry{std::move(top.pending_key), top.key_mark, std::move(n)});
      top.pending_key.clear();
      top.has_key = false;
    }
    return std::nullopt;
  }

  std::string_view file_;
  uint32_t first_line_;
  const LoadLimits& limits_;
  std::vector<Frame> stack_;
  // Children of the open mappings and sequences, innermost last; their
  // capacity carries over from document to document.
  std::vector<Entry> entry_scratch_;
  std::vector<Node> item_scratch_;
  std::unordered_map<std::string, Anchored> anchors_;
  std::optional<Node> root_;
  uint64_t nodes_ = 0;
};

struct ParserDeleter {
  void operator()(yaml_parser_t* p) const {
    yaml_parser_delete(p);
    delete p;
  }
};

LoadError syntax_error(const yaml_parser_t& parser, std::string_view file, uint32_t first_line) {
  const yaml_mark_t& m = parser.problem != nullptr ? parser.problem_mark : parser.context_mark;
  std::string message = parser.problem != nullptr ? parser.problem : "invalid YAML";
  if (parser.context != nullptr) message = fmt::format("{} {}", parser.context, message);
  return LoadError{ErrorCode::YamlSyntax, std::string(file),
                   Mark{static_cast<uint32_t>(m.line) + first_line, static_cast<uint32_t>(m.column) + 1},
                   std::move(message)};
}

}  // namespace

bool is_document_separator(std::string_view line) {
  if (line.substr(0, 3) != "---") return false;
  for (size_t i = 3; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '#';
  }
  return true;
}

void parse_yaml_chunk(std::string_view text, std::string_view file, uint32_t first_line, uint32_t& next_index,
                      const DocumentSink& on_document, const ErrorSink& on_error, const LoadLimits& limits) {
  std::unique_ptr<yaml_parser_t, ParserDeleter> parser(new yaml_parser_t);
  if (yaml_parser_initialize(parser.get()) == 0) {
    delete parser.release();
    on_error(LoadError{ErrorCode::Io, std::string(file), {}, "cannot initialise the YAML parser"});
    return;
  }
  yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  TreeBuilder builder(file, first_line, limits);
  while (true) {
    yaml_event_t event;
    if (yaml_parser_parse(parser.get(), &event) == 0) {
      on_error(syntax_error(*parser, file, first_line));
      return;
    }
    yaml_event_type_t type = event.type;
    if (type == YAML_DOCUMENT_START_EVENT) builder.start_document();
    std::optional<LoadError> error = builder.on_event(event);
    yaml_event_delete(&event);
    if (error) {
      on_error(std::move(*error));
      return;
    }
    if (type == YAML_DOCUMENT_END_EVENT) {
      std::optional<Node> root = builder.take_root();
      uint32_t index = next_index++;
      if (root && !root->is_null()) on_document(Document{std::string(file), index, std::move(*root)});
    }
    if (type == YAML_STREAM_END_EVENT) return;
  }
}

void load_yaml_stream(std::FILE* in, std::string_view file, const DocumentSink& on_document, const ErrorSink& on_error,
                      const LoadLimits& limits) {
  // Reads in large blocks and cuts documents at separator lines in place:
  // a chunk is parsed straight from the buffer, and only the unfinished tail
  // moves to the front before the next read. Memory holds one document (at
  // least one block), however long the stream.
  constexpr size_t kBlock = size_t{1} << 16;
  std::string buffer;
  size_t filled = 0;       // bytes of buffer holding data
  size_t chunk_start = 0;  // first byte of the current chunk
  size_t scan = 0;         // first byte of the next line to examine
  uint32_t chunk_first_line = 1;
  uint32_t line_number = 0;
  uint32_t next_index = 0;
  bool eof = false;
  bool read_failed = false;
  auto flush = [&](size_t end) {
    if (end > chunk_start) {
      std::string_view chunk(buffer.data() + chunk_start, end - chunk_start);
      parse_yaml_chunk(chunk, file, chunk_first_line, next_index, on_document, on_error, limits);
    }
  };
  while (true) {
    const char* data = buffer.data();
    const void* newline = scan < filled ? std::memchr(data + scan, '\n', filled - scan) : nullptr;
    if (newline == nullptr && !eof) {
      // Keep the unfinished chunk, drop what was parsed, read another block.
      if (chunk_start > 0) {
        std::memmove(buffer.data(), data + chunk_start, filled - chunk_start);
        filled -= chunk_start;
        scan -= chunk_start;
        chunk_start = 0;
      }
      if (buffer.size() < filled + kBlock) buffer.resize(std::max(buffer.size() * 2, filled + kBlock));
      size_t n = std::fread(buffer.data() + filled, 1, buffer.size() - filled, in);
      filled += n;
      if (n == 0) {
        eof = true;
        read_failed = std::ferror(in) != 0;
      }
      continue;
    }
    size_t line_end = newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - data) + 1 : filled;
    if (line_end == scan) break;  // end of input
    ++line_number;
    if (is_document_separator(std::string_view(data + scan, line_end - scan))) {
      flush(scan);
      chunk_start = line_end;
      chunk_first_line = line_number + 1;
    }
    scan = line_end;
  }
  flush(filled);
  if (read_failed) {
    on_error(LoadError{ErrorCode::Io, std::string(file), Mark{line_number, 0}, "read error"});
  }
}

}  // namespace kg::doc

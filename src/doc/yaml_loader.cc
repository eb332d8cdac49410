#include "doc/yaml_loader.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "doc/goyaml_scanner.h"
#include "doc/kubectl_meta.h"
#include "doc/yaml_scalar.h"

namespace kg::doc {
namespace {

constexpr std::string_view kMergeTag = "tag:yaml.org,2002:merge";
constexpr uint32_t kNoSlot = UINT32_MAX;

// go-yaml v2's limit on alias expansion (allowedAliasRatio in decode.go):
// beyond 1,000 decoded nodes, of which more than 100 came from aliases, the
// share of aliased nodes may not exceed 99% up to 400,000 nodes, falling
// linearly to 10% at 4,000,000.
bool excessive_aliasing(uint64_t alias_count, uint64_t decode_count) {
  if (alias_count <= 100 || decode_count <= 1000) return false;
  double allowed = 0.99;
  if (decode_count >= 4'000'000) {
    allowed = 0.10;
  } else if (decode_count > 400'000) {
    allowed = 0.99 - 0.89 * (static_cast<double>(decode_count - 400'000) / 3'600'000.0);
  }
  return static_cast<double>(alias_count) / static_cast<double>(decode_count) > allowed;
}

// A scalar as the value the API server receives (docs/YAML.md).
Node value_node(const GoScalar& v, std::string&& text, Mark mark, bool& invalid) {
  switch (v.kind) {
    case GoScalar::Kind::Null: return Node::scalar(std::string(), ScalarType::Null, mark);
    case GoScalar::Kind::Bool: return Node::scalar(v.boolean ? "true" : "false", ScalarType::Bool, mark);
    case GoScalar::Kind::Int: return Node::scalar(std::to_string(v.integer), ScalarType::Int, mark);
    case GoScalar::Kind::Uint:
      // JSON carries it as written; the client reads it back as a float64.
      return Node::scalar(go_json_float(static_cast<double>(v.unsigned_integer)), ScalarType::Float, mark);
    case GoScalar::Kind::Float: {
      if (!std::isfinite(v.real)) {
        invalid = true;
        return Node::scalar(std::move(text), ScalarType::Invalid, mark);
      }
      std::string json = go_json_float(v.real);
      if (json_number_is_int(json)) {
        int64_t i = 0;
        std::from_chars(json.data(), json.data() + json.size(), i);
        return Node::scalar(std::to_string(i), ScalarType::Int, mark);
      }
      return Node::scalar(std::move(json), ScalarType::Float, mark);
    }
    case GoScalar::Kind::String:
      return Node::scalar(v.replaced ? std::string(v.text) : std::move(text), ScalarType::String, mark);
  }
  return Node::null(mark);
}

// A scalar as a map key: sigs.k8s.io/yaml turns go-yaml's key into a string;
// null and integers beyond int64 have no string form there.
std::optional<std::string> key_text(const GoScalar& v, std::string_view text) {
  switch (v.kind) {
    case GoScalar::Kind::Null:
    case GoScalar::Kind::Uint: return std::nullopt;
    case GoScalar::Kind::Bool: return std::string(v.boolean ? "true" : "false");
    case GoScalar::Kind::Int: return std::to_string(v.integer);
    case GoScalar::Kind::Float: return go_float_key(v.real);
    case GoScalar::Kind::String: return v.replaced ? v.text : std::string(text);
  }
  return std::nullopt;
}

// The first Invalid value or key left in a finished document, if any.
const Node* find_invalid(const Node& n) {
  if (n.scalar_type() == ScalarType::Invalid) return &n;
  for (const auto& item : n.items()) {
    if (const Node* found = find_invalid(item)) return found;
  }
  for (const auto& e : n.entries()) {
    if (const Node* found = find_invalid(e.value)) return found;
  }
  return nullptr;
}

// Turns libyaml events into a Node tree with go-yaml v2's semantics, in one
// pass: anchors are registered where their node starts (so a name defined
// again inside its own node refers to the inner node afterwards), aliases
// copy the finished node, merge keys write into the mapping in document
// order (a later key, explicit or merged, replaces an earlier one; in a
// list of merged maps the earlier map wins), duplicate keys keep the last
// value, and every scalar is resolved as kubectl resolves it.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, std::string_view file, uint32_t first_line, const LoadLimits& limits)
      : text_(text), file_(file), first_line_(first_line), limits_(limits) {}

  Mark mark_of(const yaml_mark_t& m) const {
    return Mark{static_cast<uint32_t>(m.line) + first_line_, static_cast<uint32_t>(m.column) + 1};
  }

  // Where the items of a large list go, one at a time, once the list's
  // items pass the streaming threshold.
  using ItemSink = std::function<void(Node&&, const ListItem&)>;
  void set_item_sink(ItemSink sink) { item_sink_ = std::move(sink); }
  void set_input(GoYamlInput* input) { input_ = input; }
  bool items_streamed() const { return streaming_; }

  void start_document() {
    lost_key_ = LostKey::None;
    ended_early_ = false;
    stack_.clear();
    entry_scratch_.clear();
    item_scratch_.clear();
    anchors_.clear();
    slots_.clear();
    root_.reset();
    nodes_ = 0;
    bytes_ = 0;
    alias_bytes_ = 0;
    decode_count_ = 1;  // the document node
    alias_count_ = 0;
    invalid_ = false;
    streaming_ = false;
    stream_checked_ = false;
    streamed_ = 0;
  }

  // The finished document, or an error for a value JSON cannot carry.
  std::optional<LoadError> finish(std::optional<Node>& root) {
    root = std::move(root_);
    if (root && invalid_) {
      if (const Node* bad = find_invalid(*root)) {
        std::string message = bad->is_mapping()
                                  ? "a map key is null or an integer beyond int64, which JSON cannot carry"
                                  : fmt::format("{} is not a number JSON can carry", bad->str());
        return LoadError{ErrorCode::YamlSyntax, std::string(file_), bad->mark(), std::move(message)};
      }
    }
    return std::nullopt;
  }

  // The document ended before its end in the text (see lost_key_root).
  bool ended_early() const { return ended_early_; }

  std::optional<LoadError> on_event(const yaml_event_t& event) {
    if (lost_key_ != LostKey::None) {
      // The key was empty: the document is that collection alone.
      bool empty = (lost_key_ == LostKey::Sequence && event.type == YAML_SEQUENCE_END_EVENT) ||
                   (lost_key_ == LostKey::Mapping && event.type == YAML_MAPPING_END_EVENT);
      lost_key_ = LostKey::None;
      if (!empty) {
        return LoadError{ErrorCode::YamlSyntax, std::string(file_), lost_key_mark_,
                         "invalid map key: a mapping or a sequence"};
      }
      stack_.clear();
      entry_scratch_.clear();
      item_scratch_.clear();
      root_ = event.type == YAML_SEQUENCE_END_EVENT ? Node::sequence(lost_key_mark_) : Node::mapping(lost_key_mark_);
      ended_early_ = true;
      return std::nullopt;
    }
    if (lost_key_root(event)) {
      lost_key_ = event.type == YAML_SEQUENCE_START_EVENT ? LostKey::Sequence : LostKey::Mapping;
      lost_key_mark_ = mark_of(event.start_mark);
      return std::nullopt;
    }
    switch (event.type) {
      case YAML_SCALAR_EVENT: return on_scalar(event);
      case YAML_SEQUENCE_START_EVENT:
        return open(Node::sequence(mark_of(event.start_mark)), event.data.sequence_start.anchor, event);
      case YAML_MAPPING_START_EVENT:
        return open(Node::mapping(mark_of(event.start_mark)), event.data.mapping_start.anchor, event);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: return close();
      case YAML_ALIAS_EVENT: return on_alias(event);
      default: return std::nullopt;
    }
  }

 private:
  // go-yaml v2.4 loses the simple key of an empty flow collection (its
  // decrease_flow_level deletes the key's entry from simple_keys_by_tok,
  // which the inner level shares): at the start of a document, `[]: 1` or
  // `{}x: 1` is then the empty collection alone, and nothing after it is
  // parsed. Elsewhere, with an anchor or a tag, or after `?`, the key stays
  // and the document fails as a mapping or sequence key (as here).
  bool lost_key_root(const yaml_event_t& event) const {
    bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
    if (!sequence && event.type != YAML_MAPPING_START_EVENT) return false;
    bool flow = sequence ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                         : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    const yaml_char_t* anchor = sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
    const yaml_char_t* tag = sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag;
    if (!flow || anchor != nullptr || tag != nullptr || stack_.size() != 1) return false;
    const Frame& top = stack_.back();
    if (!top.node.is_mapping() || top.key_state != KeyState::None || top.scratch_base != entry_scratch_.size()) {
      return false;
    }
    Mark at = mark_of(event.start_mark);
    return top.node.mark().line == at.line && top.node.mark().column == at.column;
  }

  enum class LostKey : uint8_t { None, Sequence, Mapping };
  LostKey lost_key_ = LostKey::None;
  Mark lost_key_mark_;
  bool ended_early_ = false;

  // Where the next node goes.
  enum class Position : uint8_t { Root, Item, Key, Value, MergeValue, MergeItem };
  // What a mapping waits for: a key, or the value of a key of some sort.
  enum class KeyState : uint8_t { None, Normal, Merge, Invalid };
  enum class EntryKind : uint8_t { Normal, Merge, Invalid };

  struct Frame {
    Node node;
    uint32_t slot = kNoSlot;
    bool merge_sequence = false;  // the value of a merge key: a list of maps
    bool root_items = false;      // the `items` of the document's mapping
    KeyState key_state = KeyState::None;
    std::string key;
    Mark key_mark;
    size_t scratch_base = 0;  // where this node's children start in the scratch vector
    uint64_t decode_base = 0;
    uint64_t nodes_base = 0;
    uint64_t bytes_base = 0;
    uint32_t height = 1;
  };

  struct ScratchEntry {
    std::string key;
    Mark key_mark;
    Node value;
    EntryKind kind = EntryKind::Normal;
  };

  // An anchored node: registered when it starts, filled when it ends.
  struct Slot {
    bool complete = false;
    Node node;
    std::optional<GoScalar> scalar;  // how a scalar reads as a map key
    uint64_t decode_cost = 0;        // go-yaml decode steps to expand it once
    uint64_t nodes = 0;
    uint64_t bytes = 0;
    uint32_t height = 1;
  };

  Position position() const {
    if (stack_.empty()) return Position::Root;
    const Frame& top = stack_.back();
    if (top.node.is_sequence()) return top.merge_sequence ? Position::MergeItem : Position::Item;
    switch (top.key_state) {
      case KeyState::None: return Position::Key;
      case KeyState::Merge: return Position::MergeValue;
      default: return Position::Value;
    }
  }

  LoadError error(ErrorCode code, const yaml_event_t& event, std::string message) const {
    return LoadError{code, std::string(file_), mark_of(event.start_mark), std::move(message)};
  }

  LoadError merge_error(const yaml_event_t& event) const {
    return error(ErrorCode::YamlSyntax, event, "map merge requires map or sequence of maps as the value");
  }

  // One go-yaml decode step (decode.go counts every node it unmarshals).
  std::optional<LoadError> count(const yaml_event_t& event) {
    ++decode_count_;
    if (++nodes_ > limits_.max_nodes_per_document) return too_large(event);
    if (excessive_aliasing(alias_count_, decode_count_)) {
      return error(ErrorCode::TooLarge, event, "document contains excessive aliasing");
    }
    return std::nullopt;
  }

  LoadError too_large(const yaml_event_t& event) const {
    return error(
        ErrorCode::TooLarge, event,
        fmt::format("document has more than {} nodes (alias expansion included)", limits_.max_nodes_per_document));
  }

  uint32_t add_slot(const yaml_char_t* anchor) {
    if (anchor == nullptr) return kNoSlot;
    auto index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    anchors_[std::string(reinterpret_cast<const char*>(anchor))] = index;
    return index;
  }

  // Byte offset of a mark in the chunk. A mark's index counts characters
  // from after a leading byte-order mark (its line would miss the line
  // breaks that are not '\n': NEL, LS, PS, a lone CR). Marks mostly come in
  // order, so characters are counted once.
  size_t offset_of(const yaml_mark_t& m) {
    size_t first = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    if (m.index < cursor_index_ || cursor_byte_ < first) {
      cursor_index_ = 0;
      cursor_byte_ = first;
    }
    while (cursor_index_ < m.index && cursor_byte_ < text_.size()) {
      ++cursor_byte_;
      while (cursor_byte_ < text_.size() && (static_cast<unsigned char>(text_[cursor_byte_]) & 0xC0) == 0x80) {
        ++cursor_byte_;
      }
      ++cursor_index_;
    }
    return cursor_byte_;
  }

  // go-yaml v2 knows the escapes of YAML 1.1; libyaml also takes YAML 1.2's
  // "\/", which kubectl refuses ("found unknown escape character").
  bool has_slash_escape(const yaml_event_t& event) {
    size_t from = offset_of(event.start_mark);
    size_t to = std::min(offset_of(event.end_mark), text_.size());
    for (size_t i = from; i + 1 < to; ++i) {
      if (text_[i] != '\\') continue;
      if (text_[i + 1] == '/') return true;
      ++i;
    }
    return false;
  }

  std::optional<LoadError> on_scalar(const yaml_event_t& event) {
    const auto& sc = event.data.scalar;
    std::string text(reinterpret_cast<const char*>(sc.value), sc.length);
    if (input_ != nullptr) input_->restore(text, event);
    if (sc.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && text.find('/') != std::string::npos && has_slash_escape(event)) {
      return error(ErrorCode::YamlSyntax, event, "found unknown escape character \"\\/\" in a quoted scalar");
    }
    std::string_view tag = sc.tag == nullptr ? std::string_view() : reinterpret_cast<const char*>(sc.tag);
    Mark mark = mark_of(event.start_mark);
    Position pos = position();
    bool merge_key = pos == Position::Key && text == "<<" && (sc.plain_implicit != 0 || tag == kMergeTag);
    if (!merge_key) {
      if (auto e = count(event)) return e;
    }
    if (pos == Position::MergeValue || pos == Position::MergeItem) return merge_error(event);
    GoScalar value;
    if (!merge_key) {
      if (auto message = resolve_go_scalar(tag, text, sc.plain_implicit != 0, value)) {
        return error(ErrorCode::YamlSyntax, event, std::move(*message));
      }
    } else {
      value.kind = GoScalar::Kind::String;
    }
    bytes_ += sizeof(Node) + text.size();
    uint32_t slot = add_slot(sc.anchor);
    if (pos == Position::Key) {
      if (auto e = check_root_key(text, merge_key, event)) return e;
      Frame& top = stack_.back();
      top.key_mark = mark;
      if (merge_key) {
        top.key_state = KeyState::Merge;
      } else if (auto key = key_text(value, text)) {
        top.key = std::move(*key);
        top.key_state = KeyState::Normal;
      } else {
        top.key_state = KeyState::Invalid;
      }
      if (slot != kNoSlot) fill_scalar_slot(slot, value, std::move(text), mark);
      return std::nullopt;
    }
    bool invalid = false;
    Node n = value_node(value, std::move(text), mark, invalid);
    invalid_ = invalid_ || invalid;
    if (slot != kNoSlot) {
      Slot& s = slots_[slot];
      s.node = n;
      s.scalar = std::move(value);
      s.complete = true;
      s.decode_cost = 1;
      s.nodes = 1;
      s.bytes = sizeof(Node) + n.str().size();
    }
    place(std::move(n), 1);
    return std::nullopt;
  }

  void fill_scalar_slot(uint32_t slot, const GoScalar& value, std::string&& text, Mark mark) {
    bool invalid = false;
    Slot& s = slots_[slot];
    s.node = value_node(value, std::move(text), mark, invalid);
    invalid_ = invalid_ || invalid;
    s.scalar = value;
    s.complete = true;
    s.decode_cost = 1;
    s.nodes = 1;
    s.bytes = sizeof(Node) + s.node.str().size();
  }

  bool n_is_root_items(const Node& n) const {
    return n.is_sequence() && stack_.size() == 1 && stack_[0].node.is_mapping() &&
           stack_[0].key_state == KeyState::Normal && stack_[0].key == "items";
  }

  // Once a large list streams its items, a later kind, apiVersion, items or
  // merge key at the top would change what the items were: refused.
  std::optional<LoadError> check_root_key(std::string_view key, bool merge, const yaml_event_t& event) const {
    if (!streaming_ || stack_.size() != 1) return std::nullopt;
    if (merge || key == "kind" || key == "apiVersion" || key == "items") {
      return error(ErrorCode::YamlSyntax, event,
                   fmt::format("key '{}' after the items of a large list (kubeguard reads such lists item by item)",
                               merge ? "<<" : key));
    }
    return std::nullopt;
  }

  std::optional<LoadError> open(Node n, const yaml_char_t* anchor, const yaml_event_t& event) {
    Position pos = position();
    if (pos == Position::Key) return error(ErrorCode::YamlSyntax, event, "invalid map key: a mapping or a sequence");
    bool merge_sequence = pos == Position::MergeValue && n.is_sequence();
    if (pos == Position::MergeItem && !n.is_mapping()) return merge_error(event);
    uint64_t decode_base = decode_count_;
    uint64_t nodes_base = nodes_;
    uint64_t bytes_base = bytes_;
    // The list of a merge key is not decoded as a node of its own.
    if (!merge_sequence) {
      if (auto e = count(event)) return e;
    }
    if (stack_.size() >= limits_.max_depth) {
      return error(ErrorCode::TooDeep, event, fmt::format("nesting deeper than {} levels", limits_.max_depth));
    }
    bytes_ += sizeof(Node);
    Frame frame;
    frame.node = std::move(n);
    frame.slot = add_slot(anchor);
    frame.merge_sequence = merge_sequence;
    frame.root_items = n_is_root_items(frame.node);
    frame.scratch_base = frame.node.is_mapping() ? entry_scratch_.size() : item_scratch_.size();
    frame.decode_base = decode_base;
    frame.nodes_base = nodes_base;
    frame.bytes_base = bytes_base;
    stack_.push_back(std::move(frame));
    return std::nullopt;
  }

  std::optional<LoadError> close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    // The children waited in the scratch vectors; they move into a vector
    // of exactly their number, allocated once.
    if (frame.node.is_mapping()) {
      finish_mapping(frame.node, frame.scratch_base);
    } else {
      auto first = item_scratch_.begin() + static_cast<std::ptrdiff_t>(frame.scratch_base);
      frame.node.mutable_items().assign(std::make_move_iterator(first), std::make_move_iterator(item_scratch_.end()));
      item_scratch_.erase(first, item_scratch_.end());
    }
    if (frame.slot != kNoSlot) {
      Slot& s = slots_[frame.slot];
      s.node = frame.node;
      s.complete = true;
      s.decode_cost = decode_count_ - frame.decode_base;
      s.nodes = nodes_ - frame.nodes_base;
      s.bytes = bytes_ - frame.bytes_base;
      s.height = frame.height;
    }
    place(std::move(frame.node), frame.height);
    return std::nullopt;
  }

  std::optional<LoadError> on_alias(const yaml_event_t& event) {
    std::string name(reinterpret_cast<const char*>(event.data.alias.anchor));
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      return error(ErrorCode::UnknownAlias, event, fmt::format("alias *{} refers to no anchor", name));
    }
    const Slot& slot = slots_[it->second];
    if (!slot.complete) {
      return error(ErrorCode::YamlSyntax, event, fmt::format("anchor '{}' value contains itself", name));
    }
    // The alias node, then every node of the anchored value again.
    ++decode_count_;
    decode_count_ += slot.decode_cost;
    alias_count_ += slot.decode_cost;
    nodes_ += slot.nodes;
    if (nodes_ > limits_.max_nodes_per_document) return too_large(event);
    if (excessive_aliasing(alias_count_, decode_count_)) {
      return error(ErrorCode::TooLarge, event, "document contains excessive aliasing");
    }
    alias_bytes_ += slot.bytes;
    bytes_ += slot.bytes;
    if (alias_bytes_ > limits_.max_alias_bytes) {
      return error(ErrorCode::TooLarge, event,
                   fmt::format("aliases expand to more than {} MiB", limits_.max_alias_bytes >> 20));
    }
    Position pos = position();
    if (pos == Position::Key) {
      if (!slot.scalar) return error(ErrorCode::YamlSyntax, event, "invalid map key: a mapping or a sequence");
      if (auto e = check_root_key(slot.node.str(), false, event)) return e;
      Frame& top = stack_.back();
      top.key_mark = mark_of(event.start_mark);
      if (auto key = key_text(*slot.scalar, slot.node.str())) {
        top.key = std::move(*key);
        top.key_state = KeyState::Normal;
      } else {
        top.key_state = KeyState::Invalid;
      }
      return std::nullopt;
    }
    if ((pos == Position::MergeValue || pos == Position::MergeItem) && !slot.node.is_mapping()) {
      return merge_error(event);
    }
    if (stack_.size() + slot.height > limits_.max_depth) {
      return error(ErrorCode::TooDeep, event,
                   fmt::format("alias *{} nests deeper than {} levels", name, limits_.max_depth));
    }
    place(Node(slot.node), slot.height);
    return std::nullopt;
  }

  void place(Node n, uint32_t height) {
    if (stack_.empty()) {
      root_ = std::move(n);
      return;
    }
    Frame& top = stack_.back();
    top.height = std::max(top.height, height + 1);
    if (top.node.is_sequence()) {
      if (top.root_items && streaming_) {
        hand_on(std::move(n));
        return;
      }
      item_scratch_.push_back(std::move(n));
      if (top.root_items && !stream_checked_ && item_sink_ &&
          bytes_ - top.bytes_base > limits_.stream_list_items_after_bytes) {
        start_streaming(top);
      }
      return;
    }
    EntryKind kind = top.key_state == KeyState::Merge     ? EntryKind::Merge
                     : top.key_state == KeyState::Invalid ? EntryKind::Invalid
                                                          : EntryKind::Normal;
    bytes_ += sizeof(Entry) - sizeof(Node) + top.key.size();
    entry_scratch_.push_back(ScratchEntry{std::move(top.key), top.key_mark, std::move(n), kind});
    top.key.clear();
    top.key_state = KeyState::None;
  }

  // A large list: from now on its items go out one by one. Only when the
  // list's kind is already known (kubectl fills it into items without one)
  // and no merge key could change it.
  void start_streaming(Frame& items) {
    stream_checked_ = true;
    const Frame& root = stack_[0];
    std::optional<std::string> kind;
    std::string api;
    for (size_t i = root.scratch_base; i < entry_scratch_.size(); ++i) {
      const ScratchEntry& e = entry_scratch_[i];
      if (e.kind != EntryKind::Normal) return;
      bool is_string = e.value.is_scalar() && e.value.scalar_type() == ScalarType::String;
      if (e.key == "kind") kind = is_string ? std::string(e.value.str()) : std::string();
      if (e.key == "apiVersion") api = is_string ? std::string(e.value.str()) : std::string();
    }
    if (!kind || kind->empty()) return;
    streaming_ = true;
    stream_item_.list_kind = std::move(*kind);
    stream_item_.list_api_version = std::move(api);
    auto first = item_scratch_.begin() + static_cast<std::ptrdiff_t>(items.scratch_base);
    for (auto it = first; it != item_scratch_.end(); ++it) hand_on(std::move(*it));
    item_scratch_.erase(first, item_scratch_.end());
  }

  void hand_on(Node&& item) {
    stream_item_.index = streamed_++;
    item_sink_(std::move(item), stream_item_);
  }

  // Writes the mapping's pairs in document order, as go-yaml writes them
  // into a Go map: a key written again replaces the value (where the key
  // first appeared keeps its place), and a merge writes every pair of the
  // merged maps (the last map of a merge list first, so the first wins).
  void finish_mapping(Node& mapping, size_t base) {
    auto first = entry_scratch_.begin() + static_cast<std::ptrdiff_t>(base);
    auto last = entry_scratch_.end();
    auto& out = mapping.mutable_entries();
    out.reserve(static_cast<size_t>(last - first));
    index_.clear();
    bool indexed = false;
    auto set = [&](std::string&& key, Mark key_mark, Node&& value) {
      if (!indexed && out.size() >= 16) {
        for (size_t i = 0; i < out.size(); ++i) index_.emplace(out[i].key, i);
        indexed = true;
      }
      if (indexed) {
        auto [it, inserted] = index_.emplace(key, out.size());
        if (!inserted) {
          out[it->second].key_mark = key_mark;
          out[it->second].value = std::move(value);
          return;
        }
      } else {
        for (auto& e : out) {
          if (e.key == key) {
            e.key_mark = key_mark;
            e.value = std::move(value);
            return;
          }
        }
      }
      out.push_back(Entry{std::move(key), key_mark, std::move(value)});
    };
    auto merge_map = [&](Node& source) {
      if (source.has_invalid_key()) mapping.mark_invalid_key();
      for (auto& e : source.mutable_entries()) set(std::move(e.key), e.key_mark, std::move(e.value));
    };
    for (auto it = first; it != last; ++it) {
      switch (it->kind) {
        case EntryKind::Normal: set(std::move(it->key), it->key_mark, std::move(it->value)); break;
        case EntryKind::Invalid:
          mapping.mark_invalid_key();
          invalid_ = true;
          break;
        case EntryKind::Merge:
          if (it->value.is_mapping()) {
            merge_map(it->value);
          } else {
            auto& items = it->value.mutable_items();
            for (size_t i = items.size(); i-- > 0;) merge_map(items[i]);
          }
          break;
      }
    }
    entry_scratch_.erase(first, last);
  }

  std::string_view text_;
  size_t cursor_index_ = 0;  // offset_of's place: a character index and its byte
  size_t cursor_byte_ = 0;
  std::string_view file_;
  uint32_t first_line_;
  const LoadLimits& limits_;
  std::vector<Frame> stack_;
  // Children of the open mappings and sequences, innermost last; their
  // capacity carries over from document to document.
  std::vector<ScratchEntry> entry_scratch_;
  std::vector<Node> item_scratch_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, uint32_t> anchors_;
  std::vector<Slot> slots_;
  std::optional<Node> root_;
  uint64_t nodes_ = 0;
  uint64_t bytes_ = 0;
  uint64_t alias_bytes_ = 0;
  uint64_t decode_count_ = 0;
  uint64_t alias_count_ = 0;
  bool invalid_ = false;
  ItemSink item_sink_;
  GoYamlInput* input_ = nullptr;
  bool streaming_ = false;
  bool stream_checked_ = false;
  uint32_t streamed_ = 0;
  ListItem stream_item_;
};

struct ParserDeleter {
  void operator()(yaml_parser_t* p) const {
    yaml_parser_delete(p);
    delete p;
  }
};

// Where a libyaml error is. Reader errors (invalid UTF-8, control
// characters such as NUL) carry a byte offset instead of a mark.
Mark error_mark(const yaml_parser_t& parser, std::string_view text, uint32_t first_line) {
  if (parser.error == YAML_READER_ERROR) {
    size_t offset = std::min(parser.problem_offset, text.size());
    uint32_t line = first_line;
    size_t line_start = 0;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    uint32_t column = 1;
    for (size_t i = line_start; i < offset; ++i) {
      // Columns count characters, as libyaml's marks do.
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
    }
    return Mark{line, column};
  }
  const yaml_mark_t& m = parser.problem != nullptr ? parser.problem_mark : parser.context_mark;
  return Mark{static_cast<uint32_t>(m.line) + first_line, static_cast<uint32_t>(m.column) + 1};
}

LoadError syntax_error(const yaml_parser_t& parser, std::string_view text, std::string_view file, uint32_t first_line) {
  std::string message = parser.problem != nullptr ? parser.problem : "invalid YAML";
  if (parser.error == YAML_READER_ERROR && parser.problem_value >= 0) {
    message = fmt::format("{} (byte 0x{:02x})", message, parser.problem_value);
  }
  if (parser.context != nullptr) message = fmt::format("{} {}", parser.context, message);
  return LoadError{ErrorCode::YamlSyntax, std::string(file), error_mark(parser, text, first_line), std::move(message)};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

}  // namespace

SeparatorKind separator_kind(std::string_view line) {
  if (line.substr(0, 3) != "---") return SeparatorKind::None;
  for (size_t i = 3; i < line.size(); ++i) {
    if (is_space(line[i])) continue;
    return line[i] == '#' ? SeparatorKind::Separator : SeparatorKind::Invalid;
  }
  return SeparatorKind::Separator;
}

bool is_document_separator(std::string_view line) { return separator_kind(line) != SeparatorKind::None; }

void end_chunk(std::string_view chunk, std::string_view separator, std::string_view file, uint32_t first_line,
               uint32_t separator_line, uint32_t& next_index, const DocumentSink& on_document,
               const ErrorSink& on_error, const LoadLimits& limits) {
  if (separator_kind(separator) != SeparatorKind::Invalid) {
    parse_yaml_chunk(chunk, file, first_line, next_index, on_document, on_error, limits);
    return;
  }
  // kubectl fails the document before such a line and reads no further in
  // the file; the rest is still read here, so nothing after it goes unseen.
  std::string_view rest = separator.substr(3);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
  on_error(LoadError{
      ErrorCode::YamlSyntax, std::string(file), Mark{separator_line, 4},
      fmt::format("invalid document separator: only a comment may follow \"---\" (found \"{}\")", rest.substr(0, 40))});
}

namespace {

// One parse of a chunk's first document. Items of a large list go to
// `on_item` (when set) as they complete; the document, less those items,
// comes back.
struct ChunkResult {
  std::optional<LoadError> error;
  std::optional<Node> root;
  bool ended = false;  // the document ended (it counts in the file's numbering)
  bool items_streamed = false;
};

ChunkResult parse_chunk(std::string_view text, std::string_view file, uint32_t first_line, const LoadLimits& limits,
                        const std::function<void(Node&&, const ListItem&)>& on_item) {
  ChunkResult result;
  std::unique_ptr<yaml_parser_t, ParserDeleter> parser(new yaml_parser_t);
  if (yaml_parser_initialize(parser.get()) == 0) {
    delete parser.release();
    result.error = LoadError{ErrorCode::Io, std::string(file), {}, "cannot initialise the YAML parser"};
    return result;
  }
  // What libyaml reads: the chunk, adjusted where go-yaml's scanner reads
  // it otherwise.
  GoYamlInput input(text, file, first_line);
  if (input.error()) {
    result.error = input.error();
    return result;
  }
  input.attach(*parser);
  TreeBuilder builder(text, file, first_line, limits);
  builder.set_input(&input);
  if (on_item) builder.set_item_sink(on_item);
  while (true) {
    yaml_event_t event;
    if (yaml_parser_parse(parser.get(), &event) == 0) {
      result.error = input.take_refusal();
      if (!result.error) result.error = syntax_error(*parser, text, file, first_line);
      return result;
    }
    yaml_event_type_t type = event.type;
    if (type == YAML_DOCUMENT_START_EVENT) builder.start_document();
    std::optional<LoadError> error = builder.on_event(event);
    yaml_event_delete(&event);
    if (error) {
      result.error = std::move(error);
      return result;
    }
    if (builder.ended_early()) {
      result.ended = true;
      result.error = builder.finish(result.root);
      return result;
    }
    if (type == YAML_DOCUMENT_END_EVENT) {
      // kubectl decodes the first document of a chunk and ignores whatever
      // follows it (only "..." can end a document inside a chunk).
      result.ended = true;
      result.error = input.lookahead_error(*parser);
      if (result.error) return result;
      result.error = builder.finish(result.root);
      result.items_streamed = builder.items_streamed();
      return result;
    }
    if (type == YAML_STREAM_END_EVENT) return result;
  }
}

// What kubectl refuses a whole list for in one of its items (k8s/object.cc
// says the same of lists read whole): an item that is no object, an item that
// is a list itself.
std::optional<LoadError> refused_item(const Node& item, const ListItem& where, std::string_view file) {
  if (!item.is_mapping() && !item.is_null()) {
    return LoadError{ErrorCode::YamlSyntax, std::string(file), item.mark(),
                     fmt::format("list item {} is not an object: kubectl refuses the whole list", where.index)};
  }
  const Node* inner = item.get("items");
  if (inner != nullptr && inner->is_sequence()) {
    return LoadError{ErrorCode::YamlSyntax, std::string(file), item.mark(),
                     fmt::format("list item {} is a list inside a list: kubectl refuses the whole list", where.index)};
  }
  return std::nullopt;
}

}  // namespace

void parse_yaml_chunk(std::string_view text, std::string_view file, uint32_t first_line, uint32_t& next_index,
                      const DocumentSink& on_document, const ErrorSink& on_error, const LoadLimits& limits) {
  // kubectl's YAMLReader ends every line it reads with a line break, the
  // last one of a file too: a literal block at the very end keeps its
  // final line break (`|` clips to one, and there is one).
  if (!text.empty() && text.back() != '\n') {
    std::string ended(text);
    ended += '\n';
    return parse_yaml_chunk(ended, file, first_line, next_index, on_document, on_error, limits);
  }
  auto hand_on_item = [&](Node&& item, const ListItem& where) {
    Document d{std::string(file), next_index, std::move(item)};
    d.list_item = where;
    on_document(std::move(d));
  };
  auto finish = [&](ChunkResult&& r) {
    if (r.ended) ++next_index;
    if (r.error) {
      on_error(std::move(*r.error));
    } else if (r.root && !r.root->is_null()) {
      Document d{std::string(file), next_index - 1, std::move(*r.root)};
      d.items_streamed = r.items_streamed;
      on_document(std::move(d));
    }
  };
  if (text.size() <= limits.stream_list_items_after_bytes) {
    return finish(parse_chunk(text, file, first_line, limits, hand_on_item));
  }
  // A chunk large enough for its list to be handed on item by item: kubectl
  // sends nothing of a list whose document fails anywhere, even after its
  // millionth item, so a first pass reads the whole document, keeping no
  // item, and the items go out only from a second pass over a document
  // known to be whole. Nothing is parsed twice below the threshold.
  std::optional<LoadError> refused;
  ChunkResult check = parse_chunk(text, file, first_line, limits, [&](Node&& item, const ListItem& where) {
    if (!refused) refused = refused_item(item, where, file);
  });
  if (!check.items_streamed) return finish(std::move(check));  // read whole: nothing went out
  if (!check.error && refused) check.error = std::move(refused);
  if (check.error || (check.root && check_meta_types(*check.root))) {
    // The list alone: the error, or the list whose own fields kubectl
    // refuses (the scan reports that at the field), without its items.
    return finish(std::move(check));
  }
  finish(parse_chunk(text, file, first_line, limits, hand_on_item));
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
    std::string_view line(data + scan, line_end - scan);
    if (is_document_separator(line)) {
      if (scan > chunk_start || separator_kind(line) == SeparatorKind::Invalid) {
        end_chunk(std::string_view(buffer.data() + chunk_start, scan - chunk_start), line, file, chunk_first_line,
                  line_number, next_index, on_document, on_error, limits);
      }
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

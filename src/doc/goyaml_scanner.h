// Where go-yaml v2's scanner (the one kubectl reads with, through
// sigs.k8s.io/yaml) and libyaml's (the one kubeguard parses with) read the
// same text differently, the text libyaml reads is adjusted, or the document
// refused, so that kubeguard sees what kubectl sees (docs/YAML.md, "Scanner
// differences"):
//  - a U+FEFF after a piece's first character is an ordinary character to
//    go-yaml, which tests for a byte-order mark at the start of its buffer
//    instead of at the current position; libyaml skips one at the start of
//    any line. libyaml reads a stand-in character in its place, turned back
//    into U+FEFF in every scalar. When go-yaml's buffer does start with one
//    (after one of its 512-byte refills), go-yaml drops the first character
//    of the lines that follow until the next refill: that is not copied, the
//    document is refused;
//  - a shorthand tag takes ',', '[' and ']' in go-yaml, not in libyaml
//    (`[!a, b]` is one item to kubectl, two to libyaml); a verbatim tag
//    followed by ',' is an error in go-yaml only;
//  - in a flow collection, a ':' followed by ',', '[', ']', '{' or '}'
//    inside a plain scalar is text to go-yaml and an error to libyaml, and
//    a '?' inside one ends it in go-yaml (which then fails the document)
//    and is text to libyaml;
//  - go-yaml refuses the escape "\/"; the tree builder checks the scalars of
//    the document, and this the ones the scanner read past its end while it
//    looked for a key (kubectl fails the document on them).
#pragma once

#include <yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/document.h"

namespace kg::doc {

class GoYamlInput {
 public:
  // `chunk`: one document piece as kubectl cuts it (kept alive by the
  // caller); `file` and `first_line` place errors.
  GoYamlInput(std::string_view chunk, std::string_view file, uint32_t first_line);
  GoYamlInput(const GoYamlInput&) = delete;
  GoYamlInput& operator=(const GoYamlInput&) = delete;

  // An error found before parsing (too many tags to adjust).
  const std::optional<LoadError>& error() const { return error_; }

  // Gives `parser` the text to read; `parser` must outlive the reading.
  void attach(yaml_parser_t& parser);

  // After libyaml failed: the refusal that stopped it, if it was one.
  std::optional<LoadError> take_refusal() { return std::exchange(refusal_, std::nullopt); }

  // Puts back, in the text of a scalar event, what libyaml read in place
  // of U+FEFF and of a ':' in a flow collection.
  void restore(std::string& scalar, const yaml_event_t& event);

  // A character of the text changed for libyaml, and why.
  enum class ChangeKind : uint8_t { Tag, Colon, Question };
  struct Change {
    size_t at;
    char was;
    ChangeKind kind;
  };

  // At the end of the document: "\/" in a double-quoted scalar the scanner
  // has read beyond it (go-yaml fails there; libyaml takes the escape).
  std::optional<LoadError> lookahead_error(const yaml_parser_t& parser);

 private:
  static int read(void* data, unsigned char* buffer, size_t size, size_t* size_read);
  void check_buffer_start(const yaml_parser_t& parser);
  size_t byte_of(const yaml_mark_t& mark);
  LoadError error_at(const yaml_mark_t& mark, std::string message) const;
  void adjust();
  void restore_plain(std::string& scalar, size_t from, size_t to) const;

  std::string_view chunk_;
  std::string_view file_;
  uint32_t first_line_;
  std::string adjusted_;   // the text libyaml reads, when it differs from the chunk
  std::string_view text_;  // chunk_ or adjusted_
  std::string stand_in_;   // the UTF-8 of the character standing for U+FEFF, if any
  size_t bom_len_ = 0;     // 3 when the piece starts with a byte-order mark (both readers skip it)
  const yaml_parser_t* parser_ = nullptr;
  size_t read_ = 0;  // bytes handed to libyaml
  std::optional<LoadError> error_;
  std::optional<LoadError> refusal_;
  std::vector<Change> changes_;  // the ':' changed, in text order (after adjust)
  // byte_of's cursor: marks come in order, so characters are counted once.
  size_t cursor_index_ = 0;
  size_t cursor_byte_ = 0;
};

}  // namespace kg::doc

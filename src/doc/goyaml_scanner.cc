#include "doc/goyaml_scanner.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <vector>

#include <fmt/format.h>

namespace kg::doc {
namespace {

using Change = GoYamlInput::Change;
using ChangeKind = GoYamlInput::ChangeKind;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// go-yaml's reader takes its input 512 bytes at a time (input_raw_buffer_size).
constexpr size_t kGoReadSize = 512;
// Scans of a piece that go-yaml and libyaml tokenize differently (two in
// practice; real manifests have no such tag or scalar).
constexpr int kMaxAdjustScans = 16;
// What a ',', '[' or ']' inside a shorthand tag becomes for libyaml: a
// character both take in a tag, so the tag ends where go-yaml ends it. The
// tag's name changes, but a name with ',', '[' or ']' is never one of YAML's
// own, so it leaves a string either way.
constexpr char kTagStandIn = '~';
// What a ':' inside a plain scalar of a flow collection becomes when a flow
// indicator follows it: any character that is text there to libyaml.
constexpr char kColonStandIn = '_';

bool is_alpha(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
}

// The characters go-yaml v2 takes in a tag (yaml_parser_scan_tag_uri).
bool goyaml_tag_char(char c) { return is_alpha(c) || (c != '\0' && std::strchr(";/?:@&=+$,.!~*'()[]%", c) != nullptr); }

// Those libyaml 0.2.5 leaves out of a shorthand tag.
bool tag_only_in_goyaml(char c) { return c == ',' || c == '[' || c == ']'; }

bool contains_hex_ci(std::string_view text, std::string_view hex) {
  for (size_t i = 0; i + hex.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < hex.size() && (text[i + k] | 0x20) == hex[k]) ++k;
    if (k == hex.size()) return true;
  }
  return false;
}

// A private-use character that appears in the chunk neither as itself nor
// as the hex digits of an escape, so every one libyaml reads stood for a
// U+FEFF.
std::string pick_stand_in(std::string_view chunk) {
  for (uint32_t cp = 0xE000; cp < 0xF900; ++cp) {
    std::string utf8{static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                     static_cast<char>(0x80 | (cp & 0x3F))};
    if (chunk.find(utf8) != std::string_view::npos) continue;
    if (contains_hex_ci(chunk, fmt::format("{:04x}", cp))) continue;
    return utf8;
  }
  return {};  // unreachable for any chunk below some 25 MB of such characters
}

// Whether some '!' in the text could start a tag the two scanners end at
// different places. A cheap test on the raw text; the scan decides.
bool may_differ_at_tags(std::string_view text);

// Whether libyaml's scan may differ from go-yaml's at a tag, a ':' or a '?'
// (see adjust). A cheap test on the raw text; the scan decides.
bool may_differ_in_flow(std::string_view text) {
  if (may_differ_at_tags(text)) return true;
  for (size_t i = text.find(':'); i != std::string_view::npos; i = text.find(':', i + 1)) {
    if (i > 0 && i + 1 < text.size() && std::strchr(",[]{}", text[i + 1]) != nullptr && text[i + 1] != '\0' &&
        std::strchr(" \t\r\n\"'[]{},", text[i - 1]) == nullptr) {
      return true;
    }
  }
  size_t q = text.find('?');
  return q != std::string_view::npos && text.find_first_of("[{") < q;
}

bool may_differ_at_tags(std::string_view text) {
  size_t i = text.find('!');
  while (i != std::string_view::npos) {
    size_t j = i + 1;
    if (j < text.size() && text[j] == '<') {
      size_t k = j + 1;
      while (k < text.size() && goyaml_tag_char(text[k])) ++k;
      if (k + 1 < text.size() && text[k] == '>' && text[k + 1] == ',') return true;
      i = text.find('!', j);
      continue;
    }
    while (j < text.size() && goyaml_tag_char(text[j]) && !tag_only_in_goyaml(text[j])) ++j;
    if (j < text.size() && tag_only_in_goyaml(text[j])) return true;
    i = text.find('!', j);
  }
  return false;
}

bool is_line_start(std::string_view text, size_t at, size_t first) {
  if (at == first) return true;
  if (at == 0 || at > text.size()) return false;
  char before = text[at - 1];
  if (before == '\n') return true;
  if (before == '\r') return at >= text.size() || text[at] != '\n';
  // NEL, LS and PS end a line for go-yaml too.
  if (at >= 2 && static_cast<unsigned char>(text[at - 2]) == 0xC2 && static_cast<unsigned char>(before) == 0x85) {
    return true;
  }
  return at >= 3 && text.substr(at - 3, 2) == "\xE2\x80" &&
         (static_cast<unsigned char>(before) == 0xA8 || static_cast<unsigned char>(before) == 0xA9);
}

}  // namespace

GoYamlInput::GoYamlInput(std::string_view chunk, std::string_view file, uint32_t first_line)
    : chunk_(chunk), file_(file), first_line_(first_line), text_(chunk) {
  if (chunk.substr(0, 3) == kBom) bom_len_ = kBom.size();
  if (chunk.find(kBom, bom_len_) != std::string_view::npos) {
    stand_in_ = pick_stand_in(chunk);
    adjusted_.assign(chunk);
    for (size_t at = adjusted_.find(kBom, bom_len_); at != std::string::npos; at = adjusted_.find(kBom, at + 3)) {
      adjusted_.replace(at, 3, stand_in_);
    }
  }
  if (may_differ_in_flow(chunk)) {
    if (adjusted_.empty()) adjusted_.assign(chunk);
    adjust();
  }
  if (!adjusted_.empty()) text_ = adjusted_;
}

void GoYamlInput::attach(yaml_parser_t& parser) {
  if (stand_in_.empty()) {
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
    return;
  }
  // Read as go-yaml reads, so libyaml's buffer starts where go-yaml's does.
  parser_ = &parser;
  read_ = 0;
  yaml_parser_set_input(&parser, &GoYamlInput::read, this);
}

int GoYamlInput::read(void* data, unsigned char* buffer, size_t size, size_t* size_read) {
  auto* self = static_cast<GoYamlInput*>(data);
  self->check_buffer_start(*self->parser_);
  if (self->refusal_) return 0;
  size_t n = std::min({size, self->text_.size() - self->read_, kGoReadSize});
  std::memcpy(buffer, self->text_.data() + self->read_, n);
  self->read_ += n;
  *size_read = n;
  return 1;
}

// Called as libyaml refills its buffer, which (given the same input
// sizes and the same look-ahead, libyaml being go-yaml's origin) is when
// go-yaml refills its own: the character that will come first in it.
void GoYamlInput::check_buffer_start(const yaml_parser_t& parser) {
  if (refusal_) return;
  size_t leftover = static_cast<size_t>(parser.raw_buffer.last - parser.raw_buffer.pointer);
  size_t kept = static_cast<size_t>(parser.buffer.last - parser.buffer.start);
  size_t first = 0;
  if (read_ == 0) {
    first = bom_len_;  // both readers skip a byte-order mark that starts the input
  } else {
    first = read_ - leftover - kept;
  }
  if (text_.substr(first, stand_in_.size()) != stand_in_) return;
  // go-yaml now skips one character at the start of every line it scans
  // for a token, until its next refill. A space skipped is a space read;
  // any other character is lost (and a line break with it changes the
  // lines), which libyaml cannot be made to do.
  size_t until = std::min(text_.size(), read_ + kGoReadSize);
  for (size_t at = first; at < until; ++at) {
    if (!is_line_start(text_, at, bom_len_) || text_[at] == ' ') continue;
    uint32_t line = first_line_;
    size_t line_start = 0;
    for (size_t i = 0; i < first; ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    uint32_t column = 1;
    for (size_t i = std::max(line_start, bom_len_); i < first; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    refusal_ = LoadError{ErrorCode::YamlSyntax, std::string(file_), Mark{line, column},
                         "a byte-order mark (U+FEFF) here comes first in the 512-byte read buffer of kubectl's YAML "
                         "reader, which then drops the first character of the lines that follow: not read"};
    return;
  }
}

void GoYamlInput::restore(std::string& scalar, const yaml_event_t& event) {
  if (!changes_.empty() && event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    size_t from = byte_of(event.start_mark);
    restore_plain(scalar, from, byte_of(event.end_mark));
  }
  if (stand_in_.empty()) return;
  for (size_t at = scalar.find(stand_in_); at != std::string::npos; at = scalar.find(stand_in_, at + 3)) {
    scalar.replace(at, 3, kBom);
  }
}

size_t GoYamlInput::byte_of(const yaml_mark_t& mark) {
  if (mark.index < cursor_index_ || cursor_byte_ < bom_len_) {
    cursor_index_ = 0;
    cursor_byte_ = bom_len_;
  }
  while (cursor_index_ < mark.index && cursor_byte_ < text_.size()) {
    ++cursor_byte_;
    while (cursor_byte_ < text_.size() && (static_cast<unsigned char>(text_[cursor_byte_]) & 0xC0) == 0x80) {
      ++cursor_byte_;
    }
    ++cursor_index_;
  }
  return cursor_byte_;
}

LoadError GoYamlInput::error_at(const yaml_mark_t& mark, std::string message) const {
  return LoadError{ErrorCode::YamlSyntax, std::string(file_),
                   Mark{static_cast<uint32_t>(mark.line) + first_line_, static_cast<uint32_t>(mark.column) + 1},
                   std::move(message)};
}

std::optional<LoadError> GoYamlInput::lookahead_error(const yaml_parser_t& parser) {
  for (const yaml_token_t* t = parser.tokens.head; t != parser.tokens.tail; ++t) {
    if (t->type != YAML_SCALAR_TOKEN || t->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE) continue;
    size_t from = byte_of(t->start_mark);
    size_t to = std::min(byte_of(t->end_mark), chunk_.size());
    for (size_t i = from; i + 1 < to; ++i) {
      if (chunk_[i] != '\\') continue;
      if (chunk_[i + 1] == '/') {
        return error_at(t->start_mark,
                        "found unknown escape character \"\\/\" in a quoted scalar (read past the document's end, "
                        "where kubectl's scanner looks for a key)");
      }
      ++i;
    }
  }
  return std::nullopt;
}

namespace {

// Where go-yaml ends the tag that starts at `at` (a '!'), and whether
// libyaml ends it before that: the characters to change for libyaml.
void tag_changes(std::string_view text, size_t at, std::vector<Change>& out) {
  size_t j = at + 1;
  if (j < text.size() && text[j] == '<') {
    size_t k = j + 1;
    while (k < text.size() && goyaml_tag_char(text[k])) ++k;
    if (k + 1 < text.size() && text[k] == '>' && text[k + 1] == ',') {
      out.push_back(Change{k + 1, text[k + 1], ChangeKind::Tag});
    }
    return;
  }
  for (; j < text.size() && goyaml_tag_char(text[j]); ++j) {
    if (tag_only_in_goyaml(text[j])) out.push_back(Change{j, text[j], ChangeKind::Tag});
  }
}

char changed_to(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Tag: return kTagStandIn;
    case ChangeKind::Colon: return kColonStandIn;
    case ChangeKind::Question: return '[';
  }
  return kTagStandIn;
}

bool is_flow_end(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

}  // namespace

// libyaml's scan of the piece, repeated until it agrees with go-yaml's:
//  - the ',', '[' and ']' of a shorthand tag, up to its end as go-yaml
//    finds it, become kTagStandIn; so does a ',' after a verbatim tag, which
//    libyaml then refuses there as go-yaml refuses the ',';
//  - a ':' inside a plain scalar of a flow collection, followed by ',', '[',
//    ']', '{' or '}', is text to go-yaml and an error to libyaml: it becomes
//    kColonStandIn, turned back into ':' in the scalar (restore_plain);
//  - a '?' inside a plain scalar of a flow collection ends the scalar in
//    go-yaml, and the key indicator that follows a node without a ',' fails
//    the document; libyaml reads it as text. It becomes '[', which libyaml
//    refuses there in the same way. Nothing after it matters then.
// Tags and colons are first guessed wherever they may be, so that a piece
// with thousands of them takes two scans, not one each. A guess, or any
// change past the first difference (where libyaml's tokens may not be
// go-yaml's: a tag it sees may be text in a quoted scalar to go-yaml), is
// checked by the next scan: a change the scan does not find where its kind
// belongs is undone, and so are the changes past a syntax error, which one
// of them may have caused.
void GoYamlInput::adjust() {
  std::vector<Change> guesses;
  for (size_t i = adjusted_.find('!'); i != std::string::npos; i = adjusted_.find('!', i + 1)) {
    char before = i == bom_len_ ? '\n' : (i > 0 ? adjusted_[i - 1] : '\n');
    if (std::strchr(" \t\r\n[{,", before) == nullptr) continue;
    tag_changes(adjusted_, i, guesses);
  }
  for (const auto& c : guesses) adjusted_[c.at] = changed_to(c.kind);
  std::vector<Change> colons;
  for (size_t i = adjusted_.find(':'); i != std::string::npos; i = adjusted_.find(':', i + 1)) {
    if (i <= bom_len_ || i + 1 >= adjusted_.size() || !is_flow_end(adjusted_[i + 1])) continue;
    if (std::strchr(" \t\r\n\"'[]{},", adjusted_[i - 1]) != nullptr) continue;
    colons.push_back(Change{i, ':', ChangeKind::Colon});
    adjusted_[i] = kColonStandIn;
  }
  changes_.clear();
  std::merge(guesses.begin(), guesses.end(), colons.begin(), colons.end(), std::back_inserter(changes_),
             [](const Change& a, const Change& b) { return a.at < b.at; });

  for (int pass = 0; pass <= kMaxAdjustScans; ++pass) {
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) return;
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(adjusted_.data()), adjusted_.size());
    text_ = adjusted_;
    cursor_index_ = 0;
    cursor_byte_ = bom_len_;
    std::optional<yaml_mark_t> where;
    // Where each kind of change belongs, as this scan finds it: [start, end).
    std::vector<std::pair<size_t, size_t>> tags;
    std::vector<std::pair<size_t, size_t>> flow_plains;
    std::vector<size_t> questions_seen;  // '[' tokens right after a plain scalar of a flow collection
    size_t scanned = adjusted_.size();   // up to where the scan is trusted
    std::vector<Change> added;
    int flow = 0;
    size_t last_flow_plain_end = std::string::npos;
    while (true) {
      yaml_token_t token;
      if (yaml_parser_scan(&parser, &token) == 0) {
        size_t start = parser.context != nullptr ? byte_of(parser.context_mark) : adjusted_.size();
        size_t at = byte_of(parser.problem_mark);
        scanned = std::min(start, at);
        std::string_view context = parser.context != nullptr ? parser.context : "";
        std::string_view problem = parser.problem != nullptr ? parser.problem : "";
        bool ok = parser.error == YAML_SCANNER_ERROR && at < adjusted_.size();
        if (ok && context == "while scanning a tag" && problem == "did not find expected whitespace or line break") {
          // The scan was inside a tag up to the error: the changes there
          // hold (the tag starts where go-yaml's does, and they are within
          // go-yaml's end of it).
          bool verbatim = start + 1 < adjusted_.size() && adjusted_[start + 1] == '<';
          tags.emplace_back(start, at);
          scanned = at;
          if (!verbatim && tag_only_in_goyaml(adjusted_[at])) {
            tag_changes(adjusted_, start, added);
            where = parser.context_mark;
          } else if (verbatim && adjusted_[at] == kTagStandIn) {
            scanned = at + 1;  // the error go-yaml reports there, made by a change
          }
        } else if (ok && context == "while scanning a plain scalar" && problem == "found unexpected ':'") {
          flow_plains.emplace_back(start, at + 1);
          scanned = at;
          added.push_back(Change{at, ':', ChangeKind::Colon});
          where = parser.problem_mark;
        }
        break;
      }
      yaml_token_type_t type = token.type;
      size_t start = byte_of(token.start_mark);
      size_t end = byte_of(token.end_mark);
      bool stop = false;
      if (type == YAML_TAG_TOKEN) {
        tags.emplace_back(start, end);
        bool verbatim = start + 1 < adjusted_.size() && adjusted_[start + 1] == '<';
        if (end < adjusted_.size() && (verbatim ? adjusted_[end] == ',' : tag_only_in_goyaml(adjusted_[end]))) {
          tag_changes(adjusted_, start, added);
          if (!where) where = token.start_mark;
        }
      } else if (type == YAML_SCALAR_TOKEN && token.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && flow > 0) {
        flow_plains.emplace_back(start, end);
        last_flow_plain_end = end;
        size_t q = std::string_view(adjusted_).substr(start, end - start).find('?');
        if (q != std::string_view::npos) {
          q += start;
          added.push_back(Change{q, '?', ChangeKind::Question});
          scanned = q;
          stop = true;
        }
      } else if (type == YAML_FLOW_SEQUENCE_START_TOKEN && last_flow_plain_end != std::string::npos &&
                 adjusted_.find_first_not_of(" \t\r\n", last_flow_plain_end) == start &&
                 std::binary_search(changes_.begin(), changes_.end(), Change{start, '?', ChangeKind::Question},
                                    [](const Change& a, const Change& b) { return a.at < b.at; })) {
        // A '?' made '[': the document ends here for go-yaml's parser.
        questions_seen.push_back(start);
        scanned = start + 1;
        stop = true;
      }
      if (type == YAML_FLOW_SEQUENCE_START_TOKEN || type == YAML_FLOW_MAPPING_START_TOKEN) ++flow;
      if ((type == YAML_FLOW_SEQUENCE_END_TOKEN || type == YAML_FLOW_MAPPING_END_TOKEN) && flow > 0) --flow;
      if (type != YAML_SCALAR_TOKEN) last_flow_plain_end = std::string::npos;
      yaml_token_delete(&token);
      if (type == YAML_STREAM_END_TOKEN || stop) break;
    }
    yaml_parser_delete(&parser);
    bool changed = false;
    // Keep the changes found where their kind belongs; undo the others.
    auto inside = [](const std::vector<std::pair<size_t, size_t>>& ranges, size_t at) {
      auto it = std::upper_bound(ranges.begin(), ranges.end(), at,
                                 [](size_t a, const std::pair<size_t, size_t>& r) { return a < r.first; });
      return it != ranges.begin() && at < std::prev(it)->second;
    };
    std::vector<Change> kept;
    for (const auto& c : changes_) {
      bool holds = false;
      if (c.at < scanned) {
        switch (c.kind) {
          case ChangeKind::Tag:
            // A verbatim tag's ',' is just past its token, where libyaml stops.
            holds = inside(tags, c.at) || inside(tags, c.at - 1);
            break;
          case ChangeKind::Colon: holds = inside(flow_plains, c.at); break;
          case ChangeKind::Question:
            holds = std::binary_search(questions_seen.begin(), questions_seen.end(), c.at);
            break;
        }
      }
      if (holds) {
        kept.push_back(c);
      } else {
        adjusted_[c.at] = c.was;
        changed = true;
      }
    }
    std::sort(added.begin(), added.end(), [](const Change& a, const Change& b) { return a.at < b.at; });
    std::vector<Change> fresh;
    for (const auto& c : added) {
      if (adjusted_[c.at] != c.was) continue;  // changed already
      adjusted_[c.at] = changed_to(c.kind);
      fresh.push_back(c);
    }
    changed = changed || !fresh.empty();
    changes_.clear();
    std::merge(kept.begin(), kept.end(), fresh.begin(), fresh.end(), std::back_inserter(changes_),
               [](const Change& a, const Change& b) { return a.at < b.at; });
    if (!changed) break;
    if (pass == kMaxAdjustScans && where) {
      error_ = error_at(*where, fmt::format("tags or flow scalars that go-yaml (kubectl) reads otherwise than "
                                            "libyaml still differ after {} scans: not read",
                                            kMaxAdjustScans));
    }
  }
  // Only colons need putting back, in the scalars that hold them.
  std::erase_if(changes_, [](const Change& c) { return c.kind != ChangeKind::Colon; });
}

// The k-th character of a plain scalar's value that is not white space is
// the k-th of its text in the document that is not (folding changes only
// white space and line breaks).
void GoYamlInput::restore_plain(std::string& scalar, size_t from, size_t to) const {
  auto first =
      std::lower_bound(changes_.begin(), changes_.end(), from, [](const Change& c, size_t at) { return c.at < at; });
  if (first == changes_.end() || first->at >= to) return;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t v = 0;
  size_t src = from;
  for (auto it = first; it != changes_.end() && it->at < to; ++it) {
    for (; src < it->at; ++src) {
      if (blank(text_[src])) continue;
      while (v < scalar.size() && blank(scalar[v])) ++v;
      ++v;
    }
    while (v < scalar.size() && blank(scalar[v])) ++v;
    if (v < scalar.size() && scalar[v] == kColonStandIn) scalar[v] = ':';
  }
}

}  // namespace kg::doc

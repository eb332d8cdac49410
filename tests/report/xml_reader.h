// A strict reader for the XML subset the JUnit report writes (declaration,
// elements, attributes, text, character and predefined entity references),
// so tests can read the report back without a third-party parser. It rejects
// what XML 1.0 rejects within that subset: mismatched tags, raw '<' or '&',
// characters outside the XML Char production, bytes that are not UTF-8. It
// applies attribute-value normalisation (raw TAB, LF, CR become spaces) so a
// writer that forgets character references is caught.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kg::testing::xml {

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<Element> children;
  std::string text;  // concatenated character data directly inside this element

  const std::string* attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string attr(std::string_view key) const {
    const std::string* v = attribute(key);
    return v == nullptr ? std::string() : *v;
  }
  std::vector<const Element*> all(std::string_view child_name) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
      if (c.name == child_name) out.push_back(&c);
    }
    return out;
  }
  const Element* first(std::string_view child_name) const {
    for (const auto& c : children) {
      if (c.name == child_name) return &c;
    }
    return nullptr;
  }
};

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  // The root element, or nullopt with error() saying why.
  std::optional<Element> parse() {
    if (!check_characters()) return std::nullopt;
    if (s_.substr(0, 5) == "<?xml") {
      size_t end = s_.find("?>");
      if (end == std::string_view::npos) return fail("unterminated XML declaration");
      pos_ = end + 2;
    }
    skip_space();
    Element root;
    if (!element(root)) return std::nullopt;
    skip_space();
    if (pos_ != s_.size()) return fail("content after the root element");
    return root;
  }

  const std::string& error() const { return error_; }

 private:
  std::nullopt_t fail(std::string why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(pos_);
    return std::nullopt;
  }

  // XML 1.0 Char: TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF, as UTF-8.
  bool check_characters() {
    for (size_t i = 0; i < s_.size();) {
      auto c = static_cast<unsigned char>(s_[i]);
      if (c < 0x80) {
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return bad_char(i);
        ++i;
        continue;
      }
      size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      if (len == 0 || i + len > s_.size()) return bad_char(i);
      uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
      for (size_t k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s_[i + k]);
        if ((b & 0xC0) != 0x80) return bad_char(i);
        cp = (cp << 6) | (b & 0x3F);
      }
      uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
        return bad_char(i);
      }
      i += len;
    }
    return true;
  }
  bool oops(std::string why) {
    fail(std::move(why));
    return false;
  }
  bool bad_char(size_t i) {
    pos_ = i;
    fail("character not allowed in XML 1.0");
    return false;
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':';
  }

  std::string name() {
    size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // At '&': decodes one reference into out.
  bool reference(std::string& out) {
    size_t end = s_.find(';', pos_);
    if (end == std::string_view::npos) return oops("unterminated reference");
    std::string_view ref = s_.substr(pos_ + 1, end - pos_ - 1);
    if (ref == "amp") {
      out += '&';
    } else if (ref == "lt") {
      out += '<';
    } else if (ref == "gt") {
      out += '>';
    } else if (ref == "quot") {
      out += '"';
    } else if (ref == "apos") {
      out += '\'';
    } else if (ref.size() > 1 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string digits(ref.substr(hex ? 2 : 1));
      if (digits.empty()) return oops("empty character reference");
      uint32_t cp = static_cast<uint32_t>(std::stoul(digits, nullptr, hex ? 16 : 10));
      bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                     (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!allowed) return oops("character reference to a character XML 1.0 forbids");
      append_utf8(out, cp);
    } else {
      return oops("unknown entity &" + std::string(ref) + ";");
    }
    pos_ = end + 1;
    return true;
  }

  bool attribute_value(std::string& out) {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
      return oops("attribute value not quoted");
    }
    char quote = s_[pos_++];
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_];
      if (c == '<') return oops("raw '<' in an attribute value");
      if (c == '&') {
        if (!reference(out)) return false;
        continue;
      }
      out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
      ++pos_;
    }
    if (pos_ >= s_.size()) return oops("unterminated attribute value");
    ++pos_;
    return true;
  }

  bool element(Element& e) {
    if (pos_ >= s_.size() || s_[pos_] != '<') return oops("expected '<'");
    ++pos_;
    e.name = name();
    if (e.name.empty()) return oops("element without a name");
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) return oops("unterminated start tag");
      if (s_.substr(pos_, 2) == "/>") {
        pos_ += 2;
        return true;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      std::string key = name();
      if (key.empty()) return oops("bad attribute name");
      if (e.attribute(key) != nullptr) return oops("duplicate attribute " + key);
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=') return oops("expected '='");
      ++pos_;
      skip_space();
      std::string value;
      if (!attribute_value(value)) return false;
      e.attributes.emplace_back(std::move(key), std::move(value));
    }
    for (;;) {
      if (pos_ >= s_.size()) return oops("unterminated element " + e.name);
      char c = s_[pos_];
      if (s_.substr(pos_, 2) == "</") {
        pos_ += 2;
        std::string closing = name();
        if (closing != e.name) return oops("</" + closing + "> closes <" + e.name + ">");
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != '>') return oops("bad end tag");
        ++pos_;
        return true;
      }
      if (c == '<') {
        Element child;
        if (!element(child)) return false;
        e.children.push_back(std::move(child));
        continue;
      }
      if (c == '&') {
        if (!reference(e.text)) return false;
        continue;
      }
      if (c == '>' && pos_ >= 2 && s_.substr(pos_ - 2, 2) == "]]") {
        return oops("']]>' in character data");
      }
      // XML line-end handling: CR LF and lone CR read as LF.
      if (c == '\r') {
        e.text += '\n';
        pos_ += (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ? 2 : 1;
        continue;
      }
      e.text += c;
      ++pos_;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace kg::testing::xml

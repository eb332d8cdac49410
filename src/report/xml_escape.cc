#include "report/xml_escape.h"

#include <sstream>

namespace kg::report {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void write_byte_escape(std::ostream& out, unsigned char c) { out << "\\x" << kHex[c >> 4] << kHex[c & 0xF]; }

// Length of the well-formed UTF-8 sequence at s[i] and its code point, or 0
// when the bytes there are not one (overlong forms and surrogates included).
size_t utf8_sequence(std::string_view s, size_t i, char32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = 0;
  char32_t min = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void escape(std::ostream& out, std::string_view s, bool attribute) {
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    size_t len = utf8_sequence(s, i, cp);
    if (len == 0) {
      write_byte_escape(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    switch (cp) {
      case '&': out << "&amp;"; break;
      case '<': out << "&lt;"; break;
      case '>': out << "&gt;"; break;
      case '"': out << (attribute ? "&quot;" : "\""); break;
      case '\'': out << (attribute ? "&apos;" : "'"); break;
      case '\t': out << (attribute ? "&#9;" : "\t"); break;
      case '\n': out << (attribute ? "&#10;" : "\n"); break;
      case '\r': out << "&#13;"; break;
      case 0xFFFE: out << "\\uFFFE"; break;
      case 0xFFFF: out << "\\uFFFF"; break;
      default:
        if (cp < 0x20) {
          write_byte_escape(out, static_cast<unsigned char>(cp));
        } else {
          out.write(s.data() + i, static_cast<std::streamsize>(len));
        }
    }
    i += len;
  }
}

}  // namespace

void xml_escape_text(std::ostream& out, std::string_view s) { escape(out, s, false); }
void xml_escape_attribute(std::ostream& out, std::string_view s) { escape(out, s, true); }

std::string xml_text(std::string_view s) {
  std::ostringstream out;
  xml_escape_text(out, s);
  return out.str();
}

std::string xml_attribute(std::string_view s) {
  std::ostringstream out;
  xml_escape_attribute(out, s);
  return out.str();
}

}  // namespace kg::report

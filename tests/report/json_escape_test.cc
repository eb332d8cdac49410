// The JSON escaping fast path skips eight bytes at a time; it must give the
// same text as escaping byte by byte, wherever the special byte falls.
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "util/json_writer.h"

namespace kg::report {
namespace {

std::string escaped_byte_by_byte(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += ch;
    }
  }
  return out;
}

TEST(JsonEscape, EverySpecialByteAtEveryPositionOfLongAndShortText) {
  const std::string specials = std::string("\"\\\n\r\t\x01\x1f", 7) + std::string(1, '\0');
  for (size_t length = 1; length <= 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (char special : specials) {
        std::string text(length, 'a');
        text[at] = special;
        ASSERT_EQ(util::json_escaped(text), escaped_byte_by_byte(text)) << "length " << length << " at " << at;
      }
    }
  }
}

TEST(JsonEscape, BytesAboveAsciiAndJustAboveControlPassThrough) {
  // UTF-8 bytes (>= 0x80), space (0x20), DEL (0x7f) and the byte after '"'
  // and '\\' must not be taken for characters that need escaping.
  std::string text = "h\xc3\xa9llo w\xf0\x9f\x98\x80rld \x7f #]^ 0123456789 \xff\xfe";
  EXPECT_EQ(util::json_escaped(text), text);
  EXPECT_EQ(util::json_escaped(std::string(64, ' ')), std::string(64, ' '));
  std::string mixed = std::string(17, '\x80') + "\"" + std::string(9, '\x9f') + "\x1f";
  EXPECT_EQ(util::json_escaped(mixed), escaped_byte_by_byte(mixed));
}

}  // namespace
}  // namespace kg::report

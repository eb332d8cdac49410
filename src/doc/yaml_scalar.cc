#include "doc/yaml_scalar.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace kg::doc {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

enum class Tag : uint8_t { None, Str, Bool, Int, Float, Null, Timestamp, Binary, Other };

Tag classify_tag(std::string_view tag) {
  if (tag.empty()) return Tag::None;
  if (tag.substr(0, kTagPrefix.size()) != kTagPrefix) return Tag::Other;
  std::string_view t = tag.substr(kTagPrefix.size());
  if (t == "str") return Tag::Str;
  if (t == "bool") return Tag::Bool;
  if (t == "int") return Tag::Int;
  if (t == "float") return Tag::Float;
  if (t == "null") return Tag::Null;
  if (t == "timestamp") return Tag::Timestamp;
  if (t == "binary") return Tag::Binary;
  return Tag::Other;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool any_of(std::string_view s, std::initializer_list<std::string_view> list) {
  for (auto item : list) {
    if (s == item) return true;
  }
  return false;
}

// go-yaml's resolve map: the exact spellings it knows.
enum class Known : uint8_t { None, True, False, Null, NaN, PosInf, NegInf };

Known lookup(std::string_view s) {
  if (any_of(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) return Known::True;
  if (any_of(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) return Known::False;
  if (any_of(s, {"", "~", "null", "Null", "NULL"})) return Known::Null;
  if (any_of(s, {".nan", ".NaN", ".NAN"})) return Known::NaN;
  if (any_of(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) return Known::PosInf;
  if (any_of(s, {"-.inf", "-.Inf", "-.INF"})) return Known::NegInf;
  return Known::None;
}

// The first character decides what a plain scalar may be (go-yaml's hint).
char hint_of(std::string_view s) {
  if (s.empty()) return 'N';
  char c = s[0];
  if (c == '+' || c == '-') return 'S';
  if (is_digit(c)) return 'D';
  if (std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos) return 'M';
  if (c == '.') return '.';
  return 0;
}

// strconv.ParseUint(s, 0, 64) without underscores (go-yaml removed them).
// Returns false on a syntax error; `overflow` on a range error.
bool parse_uint_base0(std::string_view s, uint64_t& out, bool& overflow) {
  overflow = false;
  if (s.empty()) return false;
  int base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && lower(s[1]) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  for (char c : s) {
    int d = 0;
    if (is_digit(c)) {
      d = c - '0';
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = lower(c) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (overflow) continue;  // Go keeps checking the syntax after a range error
    if (n > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      overflow = true;
      continue;
    }
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  out = n;
  return true;
}

// strconv.ParseInt(s, 0, 64).
bool parse_int_base0(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+') {
    s.remove_prefix(1);
  } else if (s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  uint64_t u = 0;
  bool overflow = false;
  if (!parse_uint_base0(s, u, overflow) || overflow) return false;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (!negative && u >= kCutoff) return false;
  if (negative && u > kCutoff) return false;
  out = negative ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

bool parse_uint_strict(std::string_view s, uint64_t& out) {
  bool overflow = false;
  return parse_uint_base0(s, out, overflow) && !overflow;
}

// strconv.ParseUint(s, base, 64) for an explicit base: digits only.
bool parse_uint_base(std::string_view s, int base, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t n = 0;
  for (char c : s) {
    int d = 0;
    if (is_digit(c)) {
      d = c - '0';
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = lower(c) - 'a' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
      return false;
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  out = n;
  return true;
}

// strconv.ParseInt(s, base, 64) for an explicit base.
bool parse_int_base(std::string_view s, int base, int64_t& out) {
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t u = 0;
  if (!parse_uint_base(s, base, u)) return false;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (!negative && u >= kCutoff) return false;
  if (negative && u > kCutoff) return false;
  out = negative ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  auto digits = [&] {
    size_t from = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - from;
  };
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// strconv's underscoreOK: underscores only between digits.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c) || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseFloat(s, 64) for the decimal forms go-yaml can hand it:
// [+-] digits [. digits] [e [+-] digits], or .digits..., with Go's
// underscore rule. False on a syntax error or on overflow (Go's ErrRange).
bool parse_go_float(std::string_view s, double& out) {
  std::string clean;
  clean.reserve(s.size());
  bool underscores = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
  bool mantissa_digits = false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (is_digit(c)) {
      mantissa_digits = true;
      clean += c;
    } else if (c == '.' && !dot) {
      dot = true;
      clean += c;
    } else {
      break;
    }
  }
  if (!mantissa_digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += 'e';
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    bool exp_digits = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '_') {
        underscores = true;
        continue;
      }
      if (!is_digit(c)) break;
      exp_digits = true;
      clean += c;
    }
    if (!exp_digits) return false;
  }
  if (i != s.size()) return false;
  if (underscores && !underscore_ok(s)) return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return false;
  if (std::isinf(v)) return false;  // overflow: Go reports ErrRange, go-yaml moves on
  out = v;
  return true;
}

int parse_fixed_digits(std::string_view s, size_t& i, size_t min_digits, size_t max_digits, bool& ok) {
  size_t from = i;
  int v = 0;
  while (i < s.size() && i - from < max_digits && is_digit(s[i])) v = v * 10 + (s[i++] - '0');
  ok = i - from >= min_digits;
  return v;
}

int days_in(int month, int year) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[static_cast<size_t>(month - 1)];
}

// go-yaml's parseTimestamp: the layouts 2006-1-2T15:4:5.999999999Z07:00 (T
// or t), 2006-1-2 15:4:5.999999999 and 2006-1-2, as time.Parse reads them.
bool parse_timestamp(std::string_view s) {
  size_t i = 0;
  bool ok = false;
  int year = parse_fixed_digits(s, i, 4, 4, ok);
  if (!ok || i >= s.size() || s[i] != '-') return false;
  ++i;
  int month = parse_fixed_digits(s, i, 1, 2, ok);
  if (!ok || month < 1 || month > 12 || i >= s.size() || s[i] != '-') return false;
  ++i;
  int day = parse_fixed_digits(s, i, 1, 2, ok);
  if (!ok || day < 1 || day > days_in(month, year)) return false;
  if (i == s.size()) return true;
  char sep = s[i];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  ++i;
  int hour = parse_fixed_digits(s, i, 1, 2, ok);
  if (!ok || hour > 23 || i >= s.size() || s[i] != ':') return false;
  ++i;
  int minute = parse_fixed_digits(s, i, 1, 2, ok);
  if (!ok || minute > 59 || i >= s.size() || s[i] != ':') return false;
  ++i;
  int second = parse_fixed_digits(s, i, 1, 2, ok);
  if (!ok || second > 59) return false;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  if (s.size() - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  for (size_t k : {i + 1, i + 2, i + 4, i + 5}) {
    if (!is_digit(s[k])) return false;
  }
  int zone_hour = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
  int zone_minute = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
  return zone_hour <= 24 && zone_minute <= 60;
}

// Go's base64.StdEncoding.DecodeString: padding required, CR and LF skipped.
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\r' && c != '\n') clean += c;
  }
  if (clean.size() % 4 != 0) return false;
  out.clear();
  for (size_t i = 0; i < clean.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = clean[i + static_cast<size_t>(k)];
      if (c == '=') {
        // Padding only at the end of the input, in the last two places.
        if (i + 4 != clean.size() || k < 2) return false;
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;
      v[k] = value(c);
      if (v[k] < 0) return false;
    }
    uint32_t bits = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                    (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out += static_cast<char>((bits >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((bits >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(bits & 0xFF);
  }
  return true;
}

void set_int(GoScalar& out, int64_t v) {
  out.kind = GoScalar::Kind::Int;
  out.integer = v;
}

void set_float(GoScalar& out, double v) {
  out.kind = GoScalar::Kind::Float;
  out.real = v;
}

// go-yaml's resolve(): the tag it settles on and the value. `resolved_tag`
// is one of Str, Bool, Int, Float, Null, Timestamp.
Tag resolve(Tag tag, std::string_view in, GoScalar& out) {
  out.kind = GoScalar::Kind::String;
  char hint = hint_of(in);
  if (hint == 0 || tag == Tag::Str || tag == Tag::Binary) return Tag::Str;
  switch (lookup(in)) {
    case Known::True:
      out.kind = GoScalar::Kind::Bool;
      out.boolean = true;
      return Tag::Bool;
    case Known::False:
      out.kind = GoScalar::Kind::Bool;
      out.boolean = false;
      return Tag::Bool;
    case Known::Null: out.kind = GoScalar::Kind::Null; return Tag::Null;
    case Known::NaN: set_float(out, std::numeric_limits<double>::quiet_NaN()); return Tag::Float;
    case Known::PosInf: set_float(out, std::numeric_limits<double>::infinity()); return Tag::Float;
    case Known::NegInf: set_float(out, -std::numeric_limits<double>::infinity()); return Tag::Float;
    case Known::None: break;
  }
  if (hint == '.') {
    double v = 0;
    if (parse_go_float(in, v)) {
      set_float(out, v);
      return Tag::Float;
    }
    return Tag::Str;
  }
  if (hint != 'D' && hint != 'S') return Tag::Str;
  if ((tag == Tag::None || tag == Tag::Timestamp) && parse_timestamp(in)) return Tag::Timestamp;
  std::string plain;
  plain.reserve(in.size());
  for (char c : in) {
    if (c != '_') plain += c;
  }
  int64_t i = 0;
  if (parse_int_base0(plain, i)) {
    set_int(out, i);
    return Tag::Int;
  }
  uint64_t u = 0;
  if (parse_uint_strict(plain, u)) {
    out.kind = GoScalar::Kind::Uint;
    out.unsigned_integer = u;
    return Tag::Int;
  }
  if (yaml_style_float(plain)) {
    double v = 0;
    if (parse_go_float(plain, v)) {
      set_float(out, v);
      return Tag::Float;
    }
  }
  // go-yaml's own binary branch: strconv.ParseInt(digits, 2, 64) on what
  // follows "0b" (a sign is allowed there), then ParseUint; for "-0b" only
  // ParseInt("-" + digits).
  std::string_view p = plain;
  if (p.substr(0, 2) == "0b") {
    if (parse_int_base(p.substr(2), 2, i)) {
      set_int(out, i);
      return Tag::Int;
    }
    if (parse_uint_base(p.substr(2), 2, u)) {
      out.kind = GoScalar::Kind::Uint;
      out.unsigned_integer = u;
      return Tag::Int;
    }
  } else if (p.substr(0, 3) == "-0b") {
    std::string negative(1, '-');
    negative.append(p.substr(3));
    if (parse_int_base(negative, 2, i)) {
      set_int(out, i);
      return Tag::Int;
    }
  }
  out.kind = GoScalar::Kind::String;
  return Tag::Str;
}

std::string_view tag_name(Tag t) {
  switch (t) {
    case Tag::Str: return "str";
    case Tag::Bool: return "bool";
    case Tag::Int: return "int";
    case Tag::Float: return "float";
    case Tag::Null: return "null";
    case Tag::Timestamp: return "timestamp";
    default: return "str";
  }
}

// Shortest round-trip digits of a finite, non-zero value and the position
// of the decimal point: value = 0.DIGITS x 10^point.
template <typename F>
void shortest_digits(F value, std::string& digits, int& point) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  digits.clear();
  for (char c : mantissa) {
    if (is_digit(c)) digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  point = exponent + 1;
}

// strconv's %e with the shortest digits: d.ddde±XX.
std::string format_e(bool negative, const std::string& digits, int point) {
  std::string s = negative ? "-" : "";
  s += digits[0];
  if (digits.size() > 1) {
    s += '.';
    s.append(digits, 1);
  }
  int exp = point - 1;
  s += 'e';
  s += exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  if (exp < 10) s += '0';
  s += std::to_string(exp);
  return s;
}

// strconv's %f with the shortest digits.
std::string format_f(bool negative, const std::string& digits, int point) {
  std::string s = negative ? "-" : "";
  int nd = static_cast<int>(digits.size());
  if (point > 0) {
    for (int i = 0; i < point; ++i) s += i < nd ? digits[static_cast<size_t>(i)] : '0';
  } else {
    s += '0';
  }
  int precision = std::max(nd - point, 0);
  if (precision > 0) {
    s += '.';
    for (int i = 0; i < precision; ++i) {
      int j = point + i;
      s += (j >= 0 && j < nd) ? digits[static_cast<size_t>(j)] : '0';
    }
  }
  return s;
}

}  // namespace

std::optional<std::string> resolve_go_scalar(std::string_view tag_text, std::string_view value, bool plain_implicit,
                                             GoScalar& out) {
  out = GoScalar{};
  Tag tag = classify_tag(tag_text);
  if (tag_text.empty() && !plain_implicit) {
    // A quoted or block scalar without a tag is a string.
    out.kind = GoScalar::Kind::String;
    return std::nullopt;
  }
  if (tag == Tag::Other) {
    // Tags go-yaml does not resolve ("!", "!custom", !!binary, !!merge,
    // !!seq on a scalar) keep the text as it is.
    out.kind = GoScalar::Kind::String;
    return std::nullopt;
  }
  Tag resolved = resolve(tag, value, out);
  if (tag == Tag::Binary) {
    std::string bytes;
    if (!decode_base64(value, bytes)) return std::string("!!binary value contains invalid base64 data");
    out.kind = GoScalar::Kind::String;
    out.replaced = true;
    out.text = std::move(bytes);
    return std::nullopt;
  }
  if (tag == Tag::None || tag == resolved || tag == Tag::Str) return std::nullopt;
  if (tag == Tag::Float && resolved == Tag::Int && out.kind == GoScalar::Kind::Int) {
    set_float(out, static_cast<double>(out.integer));
    return std::nullopt;
  }
  return fmt::format("cannot decode !!{} `{}` as a !!{}", tag_name(resolved), value, tag_name(tag));
}

bool plain_scalar_is_string(std::string_view text) {
  GoScalar s;
  return !resolve_go_scalar("", text, true, s) && s.kind == GoScalar::Kind::String;
}

std::string go_float_key(double value) {
  if (std::isnan(value)) return ".nan";
  auto f = static_cast<float>(value);
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  std::string digits;
  int point = 0;
  shortest_digits(std::fabs(f), digits, point);
  bool negative = f < 0;
  int exp = point - 1;
  if (exp < -4 || exp >= 6) return format_e(negative, digits, point);
  return format_f(negative, digits, point);
}

std::string go_json_float(double value) {
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  std::string digits;
  int point = 0;
  double a = std::fabs(value);
  shortest_digits(a, digits, point);
  if (a < 1e-6 || a >= 1e21) {
    std::string s = format_e(value < 0, digits, point);
    // encoding/json writes e-7, not e-07.
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    return s;
  }
  return format_f(value < 0, digits, point);
}

bool json_number_is_int(std::string_view text) {
  if (text.find('.') != std::string_view::npos) return false;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace kg::doc

#include "doc/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "doc/json_loader.h"
#include "doc/yaml_loader.h"
#include "util/file.h"

namespace kg::doc {
namespace fs = std::filesystem;

namespace {

// Extensions are compared without case: editors on other systems write .YAML.
bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != suffix[i]) return false;
  }
  return true;
}

// Directories no manifest tree wants read: version control and package caches.
bool skipped_directory(const fs::path& dir) {
  const auto name = dir.filename().native();
  return name == ".git" || name == "node_modules";
}

// One UTF-8 sequence as Go's utf8.DecodeRune reads it: the code point and
// its length, or valid == false (Go's RuneError, length 1).
struct Rune {
  char32_t code = 0;
  size_t size = 1;
  bool valid = false;
};

Rune decode_rune(std::string_view s) {
  if (s.empty()) return {0, 0, false};
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1, true};
  size_t size = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
  if (size == 0 || s.size() < size) return {};
  // The second byte's range excludes overlong forms, surrogates and code points beyond U+10FFFF.
  unsigned char lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
  if (byte(1) < lo || byte(1) > hi) return {};
  char32_t code = b0 & (size == 2 ? 0x1F : size == 3 ? 0x0F : 0x07);
  for (size_t i = 1; i < size; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(i) & 0x3F);
  }
  return {code, size, true};
}

// Go's unicode.IsSpace.
bool is_go_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// How far kubectl's decoder looks into a stream to choose JSON or YAML.
constexpr size_t kSniffBytes = 4096;

// k8s.io/apimachinery's GuessJSONStream: within the first 4096 bytes, the
// first character after Unicode white space is '{'. The file's name plays
// no part (a .json file that starts with '[' is read as YAML).
bool kubectl_sniffs_json(std::string_view text) {
  text = text.substr(0, std::min(text.size(), kSniffBytes));
  while (!text.empty()) {
    Rune r = decode_rune(text);
    if (!r.valid || !is_go_space(r.code)) break;
    text.remove_prefix(r.size);
  }
  return !text.empty() && text.front() == '{';
}

// The YAML documents of `text`, whose first line is `first_line`, split like
// the streaming reader splits them so errors stay per document.
void load_yaml_text(std::string_view text, std::string_view name, uint32_t first_line, uint32_t next_index,
                    const DocumentSink& on_document, const ErrorSink& on_error, const LoadLimits& limits) {
  uint32_t line_number = first_line - 1;
  uint32_t chunk_first_line = first_line;
  size_t chunk_start = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    std::string_view line = text.substr(pos, next - pos);
    if (is_document_separator(line)) {
      end_chunk(text.substr(chunk_start, pos - chunk_start), line, name, chunk_first_line, line_number, next_index,
                on_document, on_error, limits);
      chunk_start = next;
      chunk_first_line = line_number + 1;
    }
    pos = next;
  }
  parse_yaml_chunk(text.substr(chunk_start), name, chunk_first_line, next_index, on_document, on_error, limits);
}

// kubectl's YAMLOrJSONDecoder (k8s.io/apimachinery v0.33) on a stream it
// sniffed as JSON: JSON values one after another; at the first value it
// cannot read, a stream of two values or more is refused there, while with
// none or one read it goes on as YAML from the end of the last value (after
// white space up to and including one line break). Its white-space scan
// reads four bytes at a time: fewer than four left, an invalid UTF-8
// sequence or U+FFFD there, and the JSON error stands. When the first YAML
// document fails too, the JSON error is the one reported.
void load_json_or_yaml(std::string_view text, std::string_view name, const DocumentSink& on_document,
                       const ErrorSink& on_error, const LoadLimits& limits) {
  JsonStreamEnd json = parse_json_values(text, name, 0, on_document, limits);
  if (!json.failed) return;
  if (json.values > 1) return on_error(std::move(json.error));
  size_t pos = json.end;
  while (true) {
    if (text.size() - pos < 4) return on_error(std::move(json.error));
    Rune r = decode_rune(text.substr(pos, 4));
    if (!r.valid || r.code == 0xFFFD) return on_error(std::move(json.error));
    if (!is_go_space(r.code)) break;
    pos += r.size;
    if (r.code == '\n') break;
  }
  auto first_line =
      static_cast<uint32_t>(1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(pos), '\n'));
  bool first = true;
  load_yaml_text(
      text.substr(pos), name, first_line, json.values,
      [&](Document&& d) {
        first = false;
        on_document(std::move(d));
      },
      [&](LoadError&& e) {
        on_error(first ? std::move(json.error) : std::move(e));
        first = false;
      },
      limits);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

enum class ReadStatus : uint8_t { Ok, Error, TooLarge };

// Reads to the end, but never more than `max_bytes` (standard input may be endless: `< /dev/zero`).
ReadStatus read_all(std::FILE* in, std::string& out, uint64_t max_bytes) {
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    if (out.size() + n > max_bytes) return ReadStatus::TooLarge;
    out.append(buffer, n);
  }
  return std::ferror(in) == 0 ? ReadStatus::Ok : ReadStatus::Error;
}

}  // namespace

bool has_manifest_extension(std::string_view path) {
  return ends_with_nocase(path, ".yaml") || ends_with_nocase(path, ".yml") || ends_with_nocase(path, ".json");
}

InputSet expand_inputs(std::span<const std::string> paths) {
  InputSet set;
  for (const auto& path : paths) {
    if (path == "-") {
      set.files.push_back(path);
      continue;
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      set.errors.push_back(LoadError{ErrorCode::Io, path, {}, "no such file or directory"});
      continue;
    }
    if (!fs::is_directory(status)) {
      set.files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      set.errors.push_back(LoadError{ErrorCode::Io, path, {}, fmt::format("cannot list: {}", ec.message())});
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        set.errors.push_back(LoadError{ErrorCode::Io, path, {}, fmt::format("cannot list: {}", ec.message())});
        break;
      }
      std::error_code file_ec;
      if (it->is_directory(file_ec) && skipped_directory(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(file_ec) && has_manifest_extension(it->path().native())) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    set.files.insert(set.files.end(), found.begin(), found.end());
  }
  return set;
}

void load_text(std::string_view text, std::string_view name, const DocumentSink& on_document, const ErrorSink& on_error,
               const LoadLimits& limits) {
  if (kubectl_sniffs_json(text)) return load_json_or_yaml(text, name, on_document, on_error, limits);
  load_yaml_text(text, name, 1, 0, on_document, on_error, limits);
}

void load_input(const std::string& path, const DocumentSink& on_document, const ErrorSink& on_error,
                const LoadLimits& limits) {
  if (path == "-") {
    std::string text;
    switch (read_all(stdin, text, kMaxInputBytes)) {
      case ReadStatus::Ok: break;
      case ReadStatus::Error: on_error(LoadError{ErrorCode::Io, "-", {}, "read error on standard input"}); break;
      case ReadStatus::TooLarge:
        on_error(LoadError{ErrorCode::TooLarge, "-", {}, "standard input " + util::too_large_message(kMaxInputBytes)});
        return;
    }
    load_text(text, "-", on_document, on_error, limits);
    return;
  }
  util::OpenedFile opened = util::open_regular_file(path, kMaxInputBytes);
  if (opened.fd < 0) {
    on_error(LoadError{opened.too_large ? ErrorCode::TooLarge : ErrorCode::Io, path, {}, std::move(opened.error)});
    return;
  }
  std::unique_ptr<std::FILE, FileCloser> file(::fdopen(opened.fd, "rb"));
  if (!file) {
    on_error(LoadError{ErrorCode::Io, path, {}, fmt::format("cannot open: {}", std::strerror(errno))});
    ::close(opened.fd);
    return;
  }
  // kubectl chooses JSON or YAML by the first bytes, whatever the file's name.
  char head[kSniffBytes];
  size_t head_size = std::fread(head, 1, sizeof head, file.get());
  if (kubectl_sniffs_json(std::string_view(head, head_size))) {
    std::string text(head, head_size);
    // The size was checked at open; a file that grows meanwhile is still bounded.
    if (ReadStatus status = read_all(file.get(), text, kMaxInputBytes); status != ReadStatus::Ok) {
      on_error(LoadError{status == ReadStatus::TooLarge ? ErrorCode::TooLarge : ErrorCode::Io,
                         path,
                         {},
                         status == ReadStatus::TooLarge ? util::too_large_message(kMaxInputBytes) : "read error"});
      return;
    }
    load_json_or_yaml(text, path, on_document, on_error, limits);
    return;
  }
  if (std::fseek(file.get(), 0, SEEK_SET) != 0) {
    on_error(LoadError{ErrorCode::Io, path, {}, fmt::format("cannot read: {}", std::strerror(errno))});
    return;
  }
  load_yaml_stream(file.get(), path, on_document, on_error, limits);
}

}  // namespace kg::doc

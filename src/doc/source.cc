#include "doc/source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "doc/json_loader.h"
#include "doc/yaml_loader.h"

namespace kg::doc {
namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool looks_like_json(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

bool read_all(std::FILE* in, std::string& out) {
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) out.append(buffer, n);
  return std::ferror(in) == 0;
}

}  // namespace

bool has_manifest_extension(std::string_view path) {
  return ends_with(path, ".yaml") || ends_with(path, ".yml") || ends_with(path, ".json");
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
  if (looks_like_json(text)) {
    parse_json_stream(text, name, on_document, on_error, limits);
    return;
  }
  // Split like the streaming reader does, so errors stay per document.
  uint32_t next_index = 0;
  uint32_t line_number = 0;
  uint32_t chunk_first_line = 1;
  size_t chunk_start = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    if (is_document_separator(text.substr(pos, next - pos))) {
      parse_yaml_chunk(text.substr(chunk_start, pos - chunk_start), name, chunk_first_line, next_index, on_document,
                       on_error, limits);
      chunk_start = next;
      chunk_first_line = line_number + 1;
    }
    pos = next;
  }
  parse_yaml_chunk(text.substr(chunk_start), name, chunk_first_line, next_index, on_document, on_error, limits);
}

void load_input(const std::string& path, const DocumentSink& on_document, const ErrorSink& on_error,
                const LoadLimits& limits) {
  if (path == "-") {
    std::string text;
    if (!read_all(stdin, text)) on_error(LoadError{ErrorCode::Io, "-", {}, "read error on standard input"});
    load_text(text, "-", on_document, on_error, limits);
    return;
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    on_error(LoadError{ErrorCode::Io, path, {}, fmt::format("cannot open: {}", std::strerror(errno))});
    return;
  }
  if (ends_with(path, ".json")) {
    std::string text;
    if (!read_all(file.get(), text)) {
      on_error(LoadError{ErrorCode::Io, path, {}, "read error"});
      return;
    }
    load_text(text, path, on_document, on_error, limits);
    return;
  }
  load_yaml_stream(file.get(), path, on_document, on_error, limits);
}

}  // namespace kg::doc

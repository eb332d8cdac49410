// yaml_floor: the bare libyaml event pass over YAML files, with no tree built.
//
// This is the floor a YAML-driven manifest scanner is measured against: no
// scanner that reads its input through libyaml can be faster than this loop.
//
//   yaml_floor [--quiet] PATH...
//
// Each PATH is a file (read whatever its name) or a directory (searched
// recursively for *.yaml and *.yml). Files are streamed through libyaml's
// file reader, so memory stays small whatever the input size. Prints bytes,
// documents (all, and those whose root is not an empty/null node), events,
// seconds and MB/s (MB = 10^6 bytes). Exit status: 0 on success, 1 if any file
// failed to parse (the others are still counted), 2 on a usage error.

#include <yaml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Totals {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t documents = 0;
  std::uint64_t non_empty_documents = 0;
  std::uint64_t events = 0;
  std::uint64_t errors = 0;
};

bool is_yaml_name(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Expands the command line into a sorted file list. Returns false if a path
// does not exist.
bool collect(const std::vector<std::string>& args, std::vector<fs::path>& out) {
  bool ok = true;
  for (const auto& a : args) {
    std::error_code ec;
    const fs::path p(a);
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && is_yaml_name(it->path())) {
          found.push_back(it->path());
        }
      }
      if (ec) {
        std::fprintf(stderr, "yaml_floor: %s: %s\n", a.c_str(), ec.message().c_str());
        ok = false;
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
    } else {
      std::fprintf(stderr, "yaml_floor: %s: no such file or directory\n", a.c_str());
      ok = false;
    }
  }
  return ok;
}

// One libyaml event pass over one file.
void parse_file(const fs::path& path, Totals& t, std::vector<char>& iobuf) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "yaml_floor: %s: %s\n", path.c_str(), std::strerror(errno));
    ++t.errors;
    return;
  }
  std::setvbuf(f, iobuf.data(), _IOFBF, iobuf.size());

  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) {
    std::fprintf(stderr, "yaml_floor: cannot initialise libyaml\n");
    std::fclose(f);
    ++t.errors;
    return;
  }
  yaml_parser_set_input_file(&parser, f);

  bool after_doc_start = false;
  for (;;) {
    yaml_event_t ev;
    if (yaml_parser_parse(&parser, &ev) == 0) {
      std::fprintf(stderr, "yaml_floor: %s:%zu:%zu: %s %s\n", path.c_str(), parser.problem_mark.line + 1,
                   parser.problem_mark.column + 1, parser.problem != nullptr ? parser.problem : "parse error",
                   parser.context != nullptr ? parser.context : "");
      ++t.errors;
      break;
    }
    ++t.events;
    const yaml_event_type_t type = ev.type;
    if (after_doc_start) {
      const bool empty = type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
                         ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && ev.data.scalar.tag == nullptr;
      if (!empty) ++t.non_empty_documents;
      after_doc_start = false;
    }
    if (type == YAML_DOCUMENT_START_EVENT) {
      ++t.documents;
      after_doc_start = true;
    }
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT) break;
  }
  // parser.offset counts characters; the file size counts bytes (the input
  // manifests are ASCII/UTF-8, reported in bytes like every other tool).
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec) t.bytes += size;
  ++t.files;
  yaml_parser_delete(&parser);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  bool quiet = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: yaml_floor [--quiet] PATH...\n"
          "Bare libyaml event pass (no tree) over files and directories "
          "(*.yaml, *.yml).\n");
      return 0;
    } else {
      args.emplace_back(a);
    }
  }
  if (args.empty()) {
    std::fprintf(stderr, "usage: yaml_floor [--quiet] PATH...\n");
    return 2;
  }

  std::vector<fs::path> files;
  const bool listed = collect(args, files);

  Totals t;
  std::vector<char> iobuf(1 << 16);
  const auto start = std::chrono::steady_clock::now();
  for (const auto& f : files) parse_file(f, t, iobuf);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  const double secs = elapsed.count();
  const double mbps = secs > 0 ? static_cast<double>(t.bytes) / 1e6 / secs : 0.0;
  if (quiet) {
    std::printf(
        "files=%llu bytes=%llu documents=%llu non_empty_documents=%llu events=%llu "
        "errors=%llu seconds=%.3f mb_per_s=%.1f\n",
        static_cast<unsigned long long>(t.files), static_cast<unsigned long long>(t.bytes),
        static_cast<unsigned long long>(t.documents), static_cast<unsigned long long>(t.non_empty_documents),
        static_cast<unsigned long long>(t.events), static_cast<unsigned long long>(t.errors), secs, mbps);
  } else {
    std::printf("files      %llu\n", static_cast<unsigned long long>(t.files));
    std::printf("bytes      %llu (%.1f MB)\n", static_cast<unsigned long long>(t.bytes),
                static_cast<double>(t.bytes) / 1e6);
    std::printf("documents  %llu (%llu non-empty)\n", static_cast<unsigned long long>(t.documents),
                static_cast<unsigned long long>(t.non_empty_documents));
    std::printf("events     %llu\n", static_cast<unsigned long long>(t.events));
    if (t.errors != 0) {
      std::printf("errors     %llu\n", static_cast<unsigned long long>(t.errors));
    }
    std::printf("seconds    %.3f\n", secs);
    std::printf("MB/s       %.1f\n", mbps);
  }
  return (t.errors != 0 || !listed) ? 1 : 0;
}

#include "supply/layer_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <fmt/format.h>

namespace kg::supply {
namespace {

constexpr int64_t kMaxKeptContent = 256 * 1024;

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

EntryType type_of(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return EntryType::Hardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG: return EntryType::File;
    case AE_IFDIR: return EntryType::Directory;
    case AE_IFLNK: return EntryType::Symlink;
    default: return EntryType::Other;
  }
}

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  std::string text = m != nullptr ? m : "unreadable archive";
  if (text.size() > 200) text.resize(200);
  return text;
}

}  // namespace

LayerResult read_layer(std::string_view blob, LayerBudget& budget,
                       const std::function<bool(std::string_view)>& keep_content) {
  LayerResult out;
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  if (!a) {
    out.error = "archive_read_new failed";
    return out;
  }
  // A layer is a tar, bare or compressed with gzip or zstd (OCI image spec,
  // layer media types); nothing else is bid for.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_memory(a.get(), blob.data(), blob.size()) != ARCHIVE_OK) {
    out.error = fmt::format("not a tar (gzip, zstd or bare): {}", archive_message(a.get()));
    return out;
  }
  const size_t unpacked_before = budget.unpacked_bytes;
  const bool timed = budget.deadline != std::chrono::steady_clock::time_point{};
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) {
      out.error = fmt::format("after {} entries: {}", out.entries.size(), archive_message(a.get()));
      return out;
    }
    // ARCHIVE_WARN (e.g. an unknown pax keyword) still gives a usable header.
    if (timed && std::chrono::steady_clock::now() > budget.deadline) {
      out.error = "the time limit ran out";
      out.limit = "--inspect-timeout";
      return out;
    }
    if (++budget.entries > budget.max_entries) {
      out.error = fmt::format("more than {} entries", budget.max_entries);
      out.limit = "--inspect-max-entries";
      return out;
    }
    int64_t size = archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0;
    if (size < 0) size = 0;
    if (static_cast<uint64_t>(size) > budget.max_unpacked_bytes - budget.unpacked_bytes) {
      out.error = fmt::format("more than {} unpacked bytes", budget.max_unpacked_bytes);
      out.limit = "--inspect-max-unpacked";
      return out;
    }
    budget.unpacked_bytes += static_cast<size_t>(size);
    const char* raw_path = archive_entry_pathname(e);
    auto path = raw_path != nullptr ? normalize_entry_path(raw_path) : std::nullopt;
    if (!path) {
      archive_read_data_skip(a.get());
      continue;  // the root itself, or a path that climbs out of it: nothing to apply
    }
    LayerEntry entry;
    entry.path = std::move(*path);
    entry.type = type_of(e);
    entry.mode = static_cast<uint32_t>(archive_entry_perm(e)) & 07777u;
    entry.uid = archive_entry_uid(e);
    entry.gid = archive_entry_gid(e);
    entry.size = size;
    if (entry.type == EntryType::Symlink) {
      const char* target = archive_entry_symlink(e);
      entry.link = target != nullptr ? target : "";
    } else if (entry.type == EntryType::Hardlink) {
      entry.link = normalize_entry_path(archive_entry_hardlink(e)).value_or("");
    }
    if (entry.type == EntryType::File && keep_content && size <= kMaxKeptContent && keep_content(entry.path)) {
      std::string data(static_cast<size_t>(size), '\0');
      la_ssize_t n = size > 0 ? archive_read_data(a.get(), data.data(), data.size()) : 0;
      if (n < 0) {
        out.error = fmt::format("{}: {}", entry.path, archive_message(a.get()));
        return out;
      }
      data.resize(static_cast<size_t>(n));
      entry.content = std::move(data);
    } else if (archive_read_data_skip(a.get()) == ARCHIVE_FATAL) {
      out.error = fmt::format("{}: {}", entry.path, archive_message(a.get()));
      return out;
    }
    out.entries.push_back(std::move(entry));
  }
  // What the decompressor produced, headers and padding included: a bound the
  // declared sizes alone would miss (e.g. many empty entries in long headers).
  int64_t produced = archive_filter_bytes(a.get(), 0);
  if (produced > 0 && budget.unpacked_bytes - unpacked_before < static_cast<size_t>(produced)) {
    budget.unpacked_bytes = unpacked_before + static_cast<size_t>(produced);
    if (budget.unpacked_bytes > budget.max_unpacked_bytes) {
      out.error = fmt::format("more than {} unpacked bytes", budget.max_unpacked_bytes);
      out.limit = "--inspect-max-unpacked";
    }
  }
  return out;
}

}  // namespace kg::supply

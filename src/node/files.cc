#include "node/files.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "doc/source.h"

namespace kg::node {

std::string host_path(const Component& component, std::string_view path) {
  if (component.root.empty() || path.empty()) return {};
  // Appended piece by piece: GCC 12 warns (-Wrestrict) on operator+ with a temporary.
  std::string out;
  if (path.front() != '/' && !component.cwd.empty()) {
    out.append(component.cwd).append("/").append(path);
    return out;
  }
  std::string_view root = component.root;
  while (!root.empty() && root.back() == '/') root.remove_suffix(1);
  out.append(root);
  if (path.front() != '/') out.append("/");
  out.append(path);
  return out;
}

std::optional<FileInfo> file_info(const Component& component, std::string_view path) {
  std::string at = host_path(component, path);
  if (at.empty()) return std::nullopt;
  FileInfo info;
  info.host_path = at;
  struct stat st {};
  if (::stat(at.c_str(), &st) != 0) return info;
  info.exists = true;
  info.is_directory = S_ISDIR(st.st_mode);
  info.mode = st.st_mode & 07777;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.size = st.st_size;
  return info;
}

LoadedConfig load_config(const Component& component, std::string_view path, size_t max_bytes) {
  LoadedConfig out;
  auto info = file_info(component, path);
  auto fail = [&](std::string message) {
    out.error = doc::LoadError{doc::ErrorCode::Io, std::string(path), {}, std::move(message)};
    return out;
  };
  if (!info) return fail("cannot be read from here");
  if (!info->exists) return fail("does not exist");
  if (info->is_directory) return fail("is a directory");
  if (static_cast<size_t>(info->size) > max_bytes) return fail("larger than " + std::to_string(max_bytes) + " bytes");
  std::ifstream in(info->host_path, std::ios::binary);
  if (!in) return fail("cannot be opened");
  std::string text(static_cast<size_t>(info->size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  auto document = std::make_shared<doc::Document>();
  document->file = std::string(path);
  bool have = false;
  doc::load_text(
      text, path,
      [&](doc::Document&& d) {
        if (!have) *document = std::move(d);
        have = true;
      },
      [&](doc::LoadError&& e) {
        if (!out.error) out.error = std::move(e);
      });
  if (out.error) return out;
  auto config = std::make_shared<ConfigFile>();
  config->path = std::string(path);
  config->root = &document->root;
  config->document = std::move(document);
  out.config = std::move(config);
  return out;
}

std::optional<std::string> read_small_file(const std::string& host_path, size_t max_bytes) {
  std::ifstream in(host_path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::string mode_text(mode_t mode) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return buf.data();
}

std::string user_name(uid_t uid) {
  std::array<char, 4096> buf{};
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  std::array<char, 4096> buf{};
  struct group gr {};
  struct group* found = nullptr;
  if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->gr_name;
  return std::to_string(gid);
}

}  // namespace kg::node

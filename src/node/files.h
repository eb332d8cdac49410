// The files a component names, as the component sees them: a path in a flag
// is looked up under the component's root (/proc/PID/root for a process, so
// a containerised component's own view) and working directory.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "doc/document.h"
#include "node/component.h"

namespace kg::node {

struct FileInfo {
  std::string host_path;  // where it was read on this machine
  bool exists = false;
  bool is_directory = false;
  mode_t mode = 0;  // permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
  off_t size = 0;
};

// The path on this machine of `path` as the component names it; "" when the
// component's files cannot be read from here.
std::string host_path(const Component& component, std::string_view path);

// stat() of the path as the component names it; nullopt when files cannot be read.
std::optional<FileInfo> file_info(const Component& component, std::string_view path);

// Loads a YAML or JSON file named by the component (its first document).
// Files larger than `max_bytes` are refused. Errors name the file.
struct LoadedConfig {
  std::shared_ptr<const ConfigFile> config;  // null on error
  std::optional<doc::LoadError> error;
};
LoadedConfig load_config(const Component& component, std::string_view path, size_t max_bytes = 4u << 20);

// Reads at most `max_bytes` of a file on this machine; nullopt when it cannot be opened.
std::optional<std::string> read_small_file(const std::string& host_path, size_t max_bytes);

// "0644".
std::string mode_text(mode_t mode);
// Names of a user and group id ("root", or the number when unknown).
std::string user_name(uid_t uid);
std::string group_name(gid_t gid);

}  // namespace kg::node

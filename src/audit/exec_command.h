// The command of a pods/exec request, read from its URI
// (?command=sh&command=-c&command=...&container=...), and what it looks like.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg::audit {

struct ExecCommand {
  std::vector<std::string> argv;  // URL-decoded
  std::string container;
};

ExecCommand parse_exec_uri(std::string_view request_uri);

// What a command does, least to most alarming.
enum class CommandClass : uint8_t {
  Other,
  Shell,           // starts a shell or an interpreter
  FileCopy,        // tar in or out: what `kubectl cp` runs
  PackageManager,  // installs software
  Downloader,      // curl, wget, nc...
  DownloadAndRun,  // fetches something and runs it (| sh, chmod +x)
  TokenRead,       // reads the service-account token or the pod's other mounted credentials
  Miner,
};

// The most alarming class among the words of the command (inside `sh -c "..."`
// too).
CommandClass classify(const std::vector<std::string>& argv);
std::string_view class_name(CommandClass c);

// "%2F" and "+" decoding of one query value.
std::string url_decode(std::string_view text);

}  // namespace kg::audit

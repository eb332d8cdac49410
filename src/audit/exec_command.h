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

enum class CommandClass : uint8_t { Other, Shell, PackageManager, Downloader, Miner };

// The most alarming class among the words of the command (inside `sh -c "..."`
// too): miner > downloader > package manager > shell > other.
CommandClass classify(const std::vector<std::string>& argv);
std::string_view class_name(CommandClass c);

// "%2F" and "+" decoding of one query value.
std::string url_decode(std::string_view text);

}  // namespace kg::audit

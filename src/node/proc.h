// Reading processes from /proc: command line, user, parent, cgroup. Every
// read is bounded; a process that exits between two reads is simply gone.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::node {

struct ProcessInfo {
  int pid = 0;
  int ppid = 0;
  uid_t uid = 0;
  std::vector<std::string> argv;       // empty for kernel threads
  std::string comm;                    // the kernel's short name (15 characters)
  std::string exe;                     // readlink of /proc/PID/exe ("" when not readable)
  unsigned long long start_ticks = 0;  // start time after boot, in clock ticks (field 22 of stat)
};

// Process IDs under `proc_root`, in ascending order.
std::vector<int> list_pids(std::string_view proc_root);

std::optional<ProcessInfo> read_process(std::string_view proc_root, int pid);

// NUL-separated /proc/PID/environ as NAME=VALUE strings.
std::vector<std::string> read_environ(std::string_view proc_root, int pid);

// The contents of /proc/PID/cgroup ("" when gone).
std::string read_cgroup(std::string_view proc_root, int pid);

// Reads at most `max_bytes` of a file; nullopt when it cannot be opened.
std::optional<std::string> read_bounded(const std::string& path, size_t max_bytes);

// The command line as one string, arguments joined by spaces.
std::string command_line(const ProcessInfo& process);

}  // namespace kg::node

#include "node/proc.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>

namespace kg::node {
namespace {

constexpr size_t kMaxCmdline = 64 * 1024;

std::string pid_path(std::string_view proc_root, int pid, std::string_view leaf) {
  std::string out(proc_root);
  out += '/';
  out += std::to_string(pid);
  out += '/';
  out += leaf;
  return out;
}

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find('\0');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

std::optional<std::string> read_bounded(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf{};
  while (out.size() < max_bytes) {
    ssize_t n = ::read(fd, buf.data(), std::min(buf.size(), max_bytes - out.size()));
    if (n <= 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::vector<int> list_pids(std::string_view proc_root) {
  std::vector<int> out;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(std::string(proc_root).c_str()), ::closedir);
  if (!dir) return out;
  while (const dirent* e = ::readdir(dir.get())) {
    int pid = 0;
    std::string_view name(e->d_name);
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec == std::errc{} && end == name.data() + name.size() && pid > 0) out.push_back(pid);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<ProcessInfo> read_process(std::string_view proc_root, int pid) {
  auto stat = read_bounded(pid_path(proc_root, pid, "stat"), 4096);
  if (!stat || stat->empty()) return std::nullopt;
  ProcessInfo p;
  p.pid = pid;
  // "PID (comm) S PPID ...": comm may hold spaces and parentheses, so cut at the last ')'.
  size_t open = stat->find('(');
  size_t close = stat->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  p.comm = stat->substr(open + 1, close - open - 1);
  std::string_view rest(*stat);
  rest.remove_prefix(close + 1);
  // Fields after comm: state(3) ppid(4) ... starttime(22).
  std::vector<std::string_view> fields;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    size_t sp = rest.find(' ');
    fields.push_back(rest.substr(0, sp));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp);
  }
  if (fields.size() > 1) std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), p.ppid);
  if (fields.size() > 19) std::from_chars(fields[19].data(), fields[19].data() + fields[19].size(), p.start_ticks);
  struct stat st {};
  if (::stat(pid_path(proc_root, pid, "").c_str(), &st) == 0) p.uid = st.st_uid;
  if (auto cmdline = read_bounded(pid_path(proc_root, pid, "cmdline"), kMaxCmdline)) {
    while (!cmdline->empty() && cmdline->back() == '\0') cmdline->pop_back();
    if (!cmdline->empty()) p.argv = split_nul(*cmdline);
  }
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink(pid_path(proc_root, pid, "exe").c_str(), buf.data(), buf.size() - 1);
  if (n > 0) p.exe.assign(buf.data(), static_cast<size_t>(n));
  return p;
}

std::vector<std::string> read_environ(std::string_view proc_root, int pid) {
  auto text = read_bounded(pid_path(proc_root, pid, "environ"), kMaxCmdline);
  if (!text) return {};
  while (!text->empty() && text->back() == '\0') text->pop_back();
  return split_nul(*text);
}

std::string read_cgroup(std::string_view proc_root, int pid) {
  return read_bounded(pid_path(proc_root, pid, "cgroup"), 16 * 1024).value_or("");
}

std::string command_line(const ProcessInfo& process) {
  std::string out;
  for (const auto& a : process.argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

}  // namespace kg::node

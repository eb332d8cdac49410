#include "fronts/server/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace kg::server {
namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  std::vector<std::string> out;
  if (close == std::string::npos) return out;
  std::istringstream rest(text.substr(close + 1));
  std::string field;
  while (rest >> field) out.push_back(field);
  return out;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

size_t open_fds() {
  size_t n = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr) ++n;
    closedir(dir);
    n = n >= 3 ? n - 3 : 0;  // ".", ".." and the descriptor of the listing itself
  }
  return n;
}

}  // namespace

std::string render_process_metrics() {
  std::vector<std::string> f = stat_fields();
  // Field numbers of proc(5) minus 3 (pid and comm are cut, and it counts from 1).
  if (f.size() < 22) return {};
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;  // utime + stime
  double start = boot_time_seconds() + std::stod(f[19]) / ticks;
  double vsize = std::stod(f[20]);
  double rss = std::stod(f[21]) * page;
  rlimit fds{};
  getrlimit(RLIMIT_NOFILE, &fds);
  std::string out;
  out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n";
  out += "# TYPE process_cpu_seconds_total counter\n";
  out += fmt::format("process_cpu_seconds_total {}\n", cpu);
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", rss);
  out += "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n";
  out += "# TYPE process_virtual_memory_bytes gauge\n";
  out += fmt::format("process_virtual_memory_bytes {}\n", vsize);
  out += "# HELP process_open_fds Number of open file descriptors.\n";
  out += "# TYPE process_open_fds gauge\n";
  out += fmt::format("process_open_fds {}\n", open_fds());
  out += "# HELP process_max_fds Maximum number of open file descriptors.\n";
  out += "# TYPE process_max_fds gauge\n";
  out += fmt::format("process_max_fds {}\n", fds.rlim_cur == RLIM_INFINITY ? -1.0 : static_cast<double>(fds.rlim_cur));
  out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n";
  out += "# TYPE process_start_time_seconds gauge\n";
  out += fmt::format("process_start_time_seconds {}\n", start);
  return out;
}

}  // namespace kg::server

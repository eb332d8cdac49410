#include "fronts/server/limits.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace kg::server {
namespace {

std::optional<size_t> read_number(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// The cgroup path of this process for a controller ("" is the v2 unified one).
std::optional<std::string> cgroup_path(std::string_view controller) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find(':');
    size_t second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string_view controllers = std::string_view(line).substr(first + 1, second - first - 1);
    bool match = controller.empty() ? controllers.empty() : false;
    if (!controller.empty()) {
      size_t start = 0;
      while (start <= controllers.size()) {
        size_t comma = controllers.find(',', start);
        if (comma == std::string_view::npos) comma = controllers.size();
        if (controllers.substr(start, comma - start) == controller) match = true;
        start = comma + 1;
      }
    }
    if (match) return line.substr(second + 1);
  }
  return std::nullopt;
}

}  // namespace

size_t detect_memory_limit(std::string* source) {
  // A limit far above the machine's memory means "none" (cgroup v1 writes
  // a page-rounded LONG_MAX).
  size_t physical = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (auto path = cgroup_path("")) {
    // Inside a container the cgroup namespace makes the path "/".
    for (const std::string& dir : {"/sys/fs/cgroup" + *path, std::string("/sys/fs/cgroup")}) {
      if (auto limit = read_number(dir + "/memory.max"); limit && *limit < physical) {
        *source = "cgroup v2 memory.max";
        return *limit;
      }
    }
  }
  if (auto path = cgroup_path("memory")) {
    for (const std::string& dir : {"/sys/fs/cgroup/memory" + *path, std::string("/sys/fs/cgroup/memory")}) {
      if (auto limit = read_number(dir + "/memory.limit_in_bytes"); limit && *limit < physical) {
        *source = "cgroup v1 memory.limit_in_bytes";
        return *limit;
      }
    }
  }
  *source = "the machine's memory (no cgroup limit)";
  return physical;
}

std::optional<size_t> parse_size(std::string_view text) {
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data()) return std::nullopt;
  std::string_view unit = text.substr(static_cast<size_t>(ptr - text.data()));
  static constexpr std::pair<std::string_view, size_t> kUnits[] = {
      {"", 1},
      {"k", 1000},
      {"K", 1000},
      {"M", 1000 * 1000},
      {"G", 1000 * 1000 * 1000},
      {"Ki", 1024},
      {"Mi", 1024 * 1024},
      {"Gi", size_t{1024} * 1024 * 1024},
  };
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) {
      if (value > SIZE_MAX / factor) return std::nullopt;
      return value * factor;
    }
  }
  return std::nullopt;
}

Limits derive_limits(size_t memory, std::string source, size_t connection_cap) {
  Limits limits;
  limits.memory = memory;
  limits.memory_source = std::move(source);
  limits.max_connections = std::min(connection_cap, std::max<size_t>(memory / 4 / kBytesPerConnection, 16));
  // At least one largest request (3 MiB body) fits, however small the limit.
  limits.max_request_bytes = std::max(memory / 2, request_cost(size_t{3} * 1024 * 1024));
  return limits;
}

bool ByteBudget::try_reserve(size_t bytes) {
  size_t capacity = capacity_.load(std::memory_order_relaxed);
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > capacity || used > capacity - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_acq_rel));
  return true;
}

}  // namespace kg::server

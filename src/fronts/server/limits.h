// How much the webhook takes on at once, derived from the memory it is given
// (the cgroup's limit, or --memory-limit): connections open, and bytes of
// requests in flight (each request reserves what its body will cost while it
// is read, parsed and decided). A request that does not fit is refused with
// 503 at once instead of growing the process into the OOM killer.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kg::server {

// What one connection costs with its TLS state and buffers, and what a body
// byte costs from the socket to the answer (the body, the node tree with its
// positions, the findings); measured with bench/ (docs/PERFORMANCE.md) and
// rounded up.
inline constexpr size_t kBytesPerConnection = 96 * 1024;
inline constexpr size_t kBytesPerBodyByte = 16;
inline constexpr size_t kBytesPerRequest = 64 * 1024;  // headers, answer, bookkeeping

struct Limits {
  size_t memory = 0;             // what the limits are derived from
  std::string memory_source;     // "cgroup v2 memory.max", "--memory-limit", ...
  size_t max_connections = 0;    // open at once
  size_t max_request_bytes = 0;  // reserved by requests in flight, see request_cost()
};

// The process's memory limit: cgroup v2 memory.max, else cgroup v1
// memory.limit_in_bytes, else the machine's memory. `source` names which.
size_t detect_memory_limit(std::string* source);

// "256Mi", "1Gi", "500M", "1048576": bytes, or nullopt when unreadable.
std::optional<size_t> parse_size(std::string_view text);

// A quarter of the memory for connections, half for requests in flight, the
// rest for the program, its caches and the allocator's slack.
Limits derive_limits(size_t memory, std::string source, size_t connection_cap);

// What a request with a body of this many bytes reserves.
inline size_t request_cost(size_t body_bytes) { return kBytesPerRequest + body_bytes * kBytesPerBodyByte; }

// Bytes reserved by requests in flight against a fixed capacity; lock-free.
class ByteBudget {
 public:
  explicit ByteBudget(size_t capacity) : capacity_(capacity) {}
  void set_capacity(size_t capacity) { capacity_.store(capacity); }  // before serving starts
  bool try_reserve(size_t bytes);
  void release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_acq_rel); }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t capacity() const { return capacity_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> capacity_;
  std::atomic<size_t> used_{0};
};

}  // namespace kg::server

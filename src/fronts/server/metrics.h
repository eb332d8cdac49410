// Prometheus counters of the webhook, owned by the server (no globals):
// reviews by kind, operation and verdict, a latency histogram, hits per rule,
// requests refused before any decision and decisions over their work budget;
// plus the build and the process.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace kg::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 11> kBuckets{0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01,
                                                   0.025,   0.05,   0.1,   0.5,   1.0};
  // Label values beyond this many series are counted as "other": the kind
  // comes from the request, and a client must not grow memory without bound.
  static constexpr size_t kMaxSeries = 512;

  void record_review(std::string_view kind, std::string_view operation, std::string_view verdict, double seconds,
                     const std::vector<std::string>& rule_ids);
  void record_refused(int http_status);
  void record_over_budget();

  // The text exposition format, version 0.0.4: the counters above, then
  // kubeguard_build_info and the process_* metrics of this process.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t, std::less<>> reviews_;
  std::array<uint64_t, kBuckets.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
  std::map<std::string, uint64_t, std::less<>> rule_hits_;
  std::map<int, uint64_t> refused_;
  uint64_t over_budget_ = 0;
};

}  // namespace kg::server

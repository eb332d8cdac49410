#include "fronts/server/metrics.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "fronts/server/process_stats.h"

namespace kg::server {
namespace {

#if defined(__clang__)
constexpr std::string_view kCompiler = "clang " __clang_version__;
#elif defined(__GNUC__)
constexpr std::string_view kCompiler = "gcc " __VERSION__;
#else
constexpr std::string_view kCompiler = "unknown";
#endif

std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::record_review(std::string_view kind, std::string_view operation, std::string_view verdict, double seconds,
                            const std::vector<std::string>& rule_ids) {
  std::lock_guard lock(mu_);
  auto key = std::make_tuple(std::string(kind), std::string(operation), std::string(verdict));
  if (!reviews_.contains(key) && reviews_.size() >= kMaxSeries) key = {"other", "other", std::string(verdict)};
  ++reviews_[key];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets_[i];
  }
  ++count_;
  sum_ += seconds;
  // Rule IDs come from the catalog, so their number is bounded.
  for (const auto& id : rule_ids) ++rule_hits_[id];
}

void Metrics::record_refused(int http_status) {
  std::lock_guard lock(mu_);
  ++refused_[http_status];
}

void Metrics::record_over_budget() {
  std::lock_guard lock(mu_);
  ++over_budget_;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out +=
      "# HELP kubeguard_admission_requests_total AdmissionReview requests answered, by kind, operation and verdict.\n";
  out += "# TYPE kubeguard_admission_requests_total counter\n";
  for (const auto& [key, n] : reviews_) {
    const auto& [kind, operation, verdict] = key;
    out += fmt::format("kubeguard_admission_requests_total{{kind=\"{}\",operation=\"{}\",verdict=\"{}\"}} {}\n",
                       label(kind), label(operation), label(verdict), n);
  }
  out += "# HELP kubeguard_admission_duration_seconds Time to decide an AdmissionReview, from body to answer.\n";
  out += "# TYPE kubeguard_admission_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("kubeguard_admission_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i], buckets_[i]);
  }
  out += fmt::format("kubeguard_admission_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("kubeguard_admission_duration_seconds_sum {}\n", sum_);
  out += fmt::format("kubeguard_admission_duration_seconds_count {}\n", count_);
  out += "# HELP kubeguard_admission_rule_hits_total Findings at or above the threshold, by rule.\n";
  out += "# TYPE kubeguard_admission_rule_hits_total counter\n";
  for (const auto& [id, n] : rule_hits_) {
    out += fmt::format("kubeguard_admission_rule_hits_total{{rule=\"{}\"}} {}\n", label(id), n);
  }
  out += "# HELP kubeguard_http_refused_total Requests refused before a decision (bad request, too large, ...).\n";
  out += "# TYPE kubeguard_http_refused_total counter\n";
  for (const auto& [code, n] : refused_) {
    out += fmt::format("kubeguard_http_refused_total{{code=\"{}\"}} {}\n", code, n);
  }
  out += "# HELP kubeguard_admission_over_budget_total Requests not decided within their work budget.\n";
  out += "# TYPE kubeguard_admission_over_budget_total counter\n";
  out += fmt::format("kubeguard_admission_over_budget_total {}\n", over_budget_);
  out += "# HELP kubeguard_build_info The version and build of this kubeguard (always 1).\n";
  out += "# TYPE kubeguard_build_info gauge\n";
  out += fmt::format("kubeguard_build_info{{version=\"{}\",compiler=\"{}\",openssl=\"{}\"}} 1\n", KG_VERSION,
                     label(kCompiler), label(OpenSSL_version(OPENSSL_VERSION)));
  out += render_process_metrics();
  return out;
}

}  // namespace kg::server

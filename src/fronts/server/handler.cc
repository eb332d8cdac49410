#include "fronts/server/handler.h"

#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"

namespace kg::server {
namespace {

HttpReply text(int status, std::string body) { return HttpReply{status, "text/plain; charset=utf-8", std::move(body)}; }

std::string_view path_of(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string object_name(const admission::AdmissionRequest& r) {
  if (r.name_space.empty()) return r.name.empty() ? std::string("-") : r.name;
  return fmt::format("{}/{}", r.name_space, r.name.empty() ? std::string_view("-") : std::string_view(r.name));
}

}  // namespace

Handler::Handler(const rules::Catalog& catalog, engine::Config config, admission::Settings settings, LogSink log)
    : catalog_(catalog), config_(std::move(config)), settings_(std::move(settings)), log_(std::move(log)) {}

HttpReply Handler::handle(std::string_view method, std::string_view target, std::string_view body) {
  std::string_view path = path_of(target);
  HttpReply reply;
  if (path == "/validate") {
    reply = method == "POST" ? validate(body) : text(405, "kubeguard: /validate takes POST\n");
  } else if (path == "/audit") {
    if (method != "POST") reply = text(405, "kubeguard: /audit takes POST\n");
    else if (!audit_) reply = text(501, "kubeguard: the audit webhook is not enabled in this build\n");
    else if (body.size() > kMaxBodyBytes) reply = text(413, "kubeguard: body too large\n");
    else reply = audit_(body);
  } else if (path == "/healthz") {
    reply = method == "GET" ? text(200, "ok\n") : text(405, "kubeguard: /healthz takes GET\n");
  } else if (path == "/readyz") {
    if (method != "GET") reply = text(405, "kubeguard: /readyz takes GET\n");
    else reply = draining_ ? text(503, "draining\n") : text(200, "ok\n");
  } else if (path == "/metrics") {
    reply = method == "GET" ? HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()}
                            : text(405, "kubeguard: /metrics takes GET\n");
  } else {
    reply = text(404, fmt::format("kubeguard: no route {} (POST /validate, GET /healthz /readyz /metrics)\n",
                                  path.substr(0, 100)));
  }
  if (reply.status >= 400 && reply.status != 503) metrics_.record_refused(reply.status);
  return reply;
}

HttpReply Handler::validate(std::string_view body) {
  auto start = std::chrono::steady_clock::now();
  if (body.size() > kMaxBodyBytes) {
    return text(413,
                fmt::format("kubeguard: body of {} bytes is over the {} byte limit\n", body.size(), kMaxBodyBytes));
  }
  admission::ParsedReview parsed = admission::parse_review(body);
  if (!parsed) {
    if (log_) log_(fmt::format("refused: 400 {}", parsed.error.message));
    return text(400, fmt::format("kubeguard: not an AdmissionReview we can answer: {}\n", parsed.error.message));
  }
  const admission::AdmissionRequest& r = *parsed.request;
  admission::Decision decision = admission::decide(r, catalog_, config_, settings_);
  std::string answer = admission::write_response(r.api_version, r.uid, decision);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string_view verdict = admission::verdict_name(decision.verdict);
  metrics_.record_review(r.kind.kind, r.operation, verdict, seconds, decision.rule_ids);
  if (log_) {
    std::string what = r.sub_resource.empty() ? r.kind.kind : fmt::format("{}/{}", r.kind.kind, r.sub_resource);
    log_(fmt::format(
        "uid={} kind={} op={} object={} user={} verdict={} rules={} latency_ms={:.3f}{}", r.uid, what, r.operation,
        object_name(r), r.username.empty() ? "-" : r.username, verdict,
        decision.rule_ids.empty() ? std::string("-") : fmt::format("{}", fmt::join(decision.rule_ids, ",")),
        seconds * 1000, decision.note.empty() ? std::string() : fmt::format(" note=\"{}\"", decision.note)));
  }
  return HttpReply{200, "application/json", std::move(answer)};
}

}  // namespace kg::server

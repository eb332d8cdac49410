#include "fronts/server/handler.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "util/redact.h"

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

// Each counted rule with the highest severity it was found at (the findings
// come sorted by severity, highest first): RULE:SEVERITY,...
std::string rules_with_severity(const admission::Decision& decision) {
  std::string out;
  for (const std::string& id : decision.rule_ids) {
    auto f = std::find_if(decision.findings.begin(), decision.findings.end(),
                          [&](const rules::Finding& x) { return x.rule_id == id; });
    if (!out.empty()) out += ',';
    out += id;
    if (f != decision.findings.end()) fmt::format_to(std::back_inserter(out), ":{}", rules::severity_name(f->severity));
  }
  return out;
}

}  // namespace

bool is_cheap_route(std::string_view target) {
  std::string_view path = path_of(target);
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

Handler::Handler(const rules::Catalog& catalog, engine::Config config, admission::Settings settings, LogSink log)
    : catalog_(catalog),
      policy_(std::make_shared<const Policy>(Policy{std::move(config), std::move(settings)})),
      log_(std::move(log)) {}

std::shared_ptr<const Handler::Policy> Handler::policy() const {
  std::lock_guard lock(policy_mu_);
  return policy_;
}

void Handler::reload(engine::Config config, admission::Settings settings) {
  auto next = std::make_shared<const Policy>(Policy{std::move(config), std::move(settings)});
  std::lock_guard lock(policy_mu_);
  policy_ = std::move(next);
}

HttpReply Handler::handle(std::string_view method, std::string_view target, std::string_view body,
                          Clock::time_point received) {
  try {
    return route(method, target, body, received);
  } catch (const std::bad_alloc&) {
    // This request could not get the memory it needed; the others go on.
    metrics_.record_refused(503);
    if (log_) log_("refused: 503 out of memory while answering a request");
    return text(503, "kubeguard: out of memory for this request; retry\n");
  }
}

HttpReply Handler::route(std::string_view method, std::string_view target, std::string_view body,
                         Clock::time_point received) {
  std::string_view path = path_of(target);
  HttpReply reply;
  if (path == "/validate") {
    reply = method == "POST" ? validate(body, received) : text(405, "kubeguard: /validate takes POST\n");
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
    reply = method == "GET" ? HttpReply{200, "text/plain; version=0.0.4; charset=utf-8",
                                        metrics_.render() + (gauges_ ? gauges_() : std::string())}
                            : text(405, "kubeguard: /metrics takes GET\n");
  } else {
    reply = text(404, fmt::format("kubeguard: no route {} (POST /validate, GET /healthz /readyz /metrics)\n",
                                  path.substr(0, 100)));
  }
  if (reply.status >= 400 && reply.status != 503) metrics_.record_refused(reply.status);
  return reply;
}

HttpReply Handler::validate(std::string_view body, Clock::time_point received) {
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const Policy> policy = this->policy();
  if (body.size() > kMaxBodyBytes) {
    return text(413,
                fmt::format("kubeguard: body of {} bytes is over the {} byte limit\n", body.size(), kMaxBodyBytes));
  }
  admission::ParsedReview parsed = admission::parse_review(body);
  if (!parsed) {
    if (log_) log_(fmt::format("refused: 400 {}", parsed.error.message));
    // The error can quote the body: the caller gets it through the one redactor, like the log.
    return text(
        400, fmt::format("kubeguard: not an AdmissionReview we can answer: {}\n", util::redact(parsed.error.message)));
  }
  const admission::AdmissionRequest& r = *parsed.request;
  Clock::time_point deadline = received + policy->settings.budget;
  admission::Decision decision =
      admission::decide(r, catalog_, policy->config, policy->settings, [deadline] { return Clock::now() >= deadline; });
  if (decision.over_budget) metrics_.record_over_budget();
  std::string answer = admission::write_response(r.api_version, r.uid, decision);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string_view verdict = admission::verdict_name(decision.verdict);
  metrics_.record_review(r.kind.kind, r.operation, verdict, seconds, decision.rule_ids);
  if (log_) {
    std::string what = r.sub_resource.empty() ? r.kind.kind : fmt::format("{}/{}", r.kind.kind, r.sub_resource);
    log_(fmt::format("uid={} kind={} op={} object={} user={} verdict={} rules={} latency_ms={:.3f}{}", r.uid, what,
                     r.operation, object_name(r), r.username.empty() ? "-" : r.username, verdict,
                     decision.rule_ids.empty() ? std::string("-") : rules_with_severity(decision), seconds * 1000,
                     decision.note.empty() ? std::string() : fmt::format(" note=\"{}\"", decision.note)));
  }
  return HttpReply{200, "application/json", std::move(answer)};
}

}  // namespace kg::server

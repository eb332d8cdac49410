// KG-AUD-007: pods/exec and pods/attach, with the command when the URI has
// one (S6). Long sessions are logged at ResponseStarted and again at
// ResponseComplete when they end: the first one seen is reported.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"
#include "audit/exec_command.h"
#include "audit/redact.h"

namespace kg::audit {
namespace {

// The command wherever the log carries it: the request URI's query
// (?command=...), else the request body (PodExecOptions: newer API servers
// at the Request level, and GKE's request, which has no query).
ExecCommand exec_command(const Event& event) {
  ExecCommand command = parse_exec_uri(event.request_uri);
  const doc::Node* body = event.request_object ? &*event.request_object : nullptr;
  if (body == nullptr || !body->is_mapping()) return command;
  if (command.argv.empty()) {
    const doc::Node* argv = body->get("command");
    if (argv != nullptr && argv->is_sequence()) {
      for (const auto& word : argv->items()) command.argv.emplace_back(word.str());
    } else if (argv != nullptr && argv->is_scalar()) {
      command.argv.emplace_back(argv->str());
    }
  }
  if (command.container.empty()) command.container = std::string(k8s::string_at(body, "container"));
  return command;
}

}  // namespace

void detect_exec(const Event& event, const DetectContext& /*ctx*/, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (ref.resource != "pods" || (ref.subresource != "exec" && ref.subresource != "attach")) return;
  if (!event.audit_id.empty()) {
    if (state.exec_started.get(event.audit_id) != nullptr) return;
    state.exec_started.put(event.audit_id, true);
  }
  // kubectl tries a WebSocket (GET) first and falls back to SPDY (POST): one
  // attempt, two requests. The same user, pod and command within a few
  // seconds is reported once.
  ExecCommand seen_command = exec_command(event);
  std::string attempt = fmt::format("{}|{}/{}|{}|{}|{}", event.user, ref.name_space, ref.name, ref.subresource,
                                    seen_command.container, fmt::join(seen_command.argv, "\x1f"));
  constexpr int64_t kSameAttemptUs = 10'000'000;
  if (const int64_t* seen = state.exec_attempts.get(attempt);
      seen != nullptr && event.time_us > 0 && event.time_us - *seen >= 0 && event.time_us - *seen < kSameAttemptUs) {
    return;
  }
  state.exec_attempts.put(attempt, event.time_us);
  ExecCommand command = exec_command(event);
  CommandClass cls = classify(command.argv);
  rules::CaseName severity;  // a case of KG-AUD-007's metadata
  if (cls == CommandClass::Shell || cls == CommandClass::FileCopy) severity = "shell"_case;
  if (cls >= CommandClass::PackageManager) severity = "dangerous"_case;
  std::string quoted = redact(fmt::format("{}", fmt::join(command.argv, " ")));
  if (event.denied()) severity = "denied"_case;
  std::string what = ref.subresource == "exec" ? "exec" : "attach";
  Alert alert = alert_for(
      event, rules::aud::AudRule::ExecIntoPod, severity,
      fmt::format("{} into pod {}/{}{}{}", what, ref.name_space, ref.name,
                  command.container.empty() ? std::string() : fmt::format(" container '{}'", command.container),
                  quoted.empty() ? std::string() : fmt::format(": {}", quoted)));
  if (!command.container.empty()) alert.add("container", command.container);
  if (!quoted.empty()) alert.add("command", quoted);
  alert.add("commandClass", std::string(class_name(cls)));
  if (event.denied()) {
    alert.add("outcome", fmt::format("denied (HTTP {})", event.response_code));
  } else if (event.response_code >= 400) {
    // Authorised, but the API server could not reach the container (e.g. the
    // pod has no node yet): the attempt itself is what matters.
    alert.add("outcome", fmt::format("authorised; the session failed with HTTP {}", event.response_code));
  }
  add_caller_notes(event, alert);
  out.push_back(std::move(alert));

  if (event.denied()) return;
  ExecRecord record;
  record.name_space = ref.name_space;
  record.pod = ref.name;
  if (const PodShape* pod =
          state.shapes.get(object_key(EventObjectRef{"pods", "", ref.name_space, ref.name, "", "", ""}))) {
    record.service_account = pod->service_account;
  }
  record.audit_id = event.audit_id;
  record.user = event.user;
  record.command = quoted;
  record.time_us = event.time_us;
  state.execs.push_back(std::move(record));
  while (state.execs.size() > state.max_execs) state.execs.pop_front();
}

}  // namespace kg::audit

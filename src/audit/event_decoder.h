// JSON text to audit events. One decoder holds one simdjson parser whose
// buffers are reused from one line (or request body) to the next, so a
// stream is decoded without an allocation per event beyond the fields kept.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"

namespace kg::audit {

class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(EventDecoder&&) noexcept;
  EventDecoder& operator=(EventDecoder&&) noexcept;

  // Decodes one JSON text and appends its events to `out`:
  // - an audit.k8s.io Event (v1 or v1beta1);
  // - an EventList (what the API server's audit webhook backend posts);
  // - a GKE Cloud Audit LogEntry ({"protoPayload": {...}});
  // - an AKS diagnostic record ({"category": "kube-audit*", "properties": {"log": Event or its JSON text}}).
  // Returns "" on success, else why the text is not one of those; events of
  // an EventList decoded before an error are kept.
  std::string decode(std::string_view text, std::vector<Event>& out);
  // The same, handing each event to `on_event` (valid during the call only):
  // no copy, and the decoder reuses the event's storage from one to the next.
  std::string decode(std::string_view text, const std::function<void(const Event&)>& on_event);

  // When set, native events that no detection can read (see may_matter) are
  // counted but not appended: the detector's fast path. Off by default.
  void set_skip_irrelevant(bool skip) { skip_irrelevant_ = skip; }
  // Events in the last decoded text, appended or skipped.
  size_t last_count() const { return last_count_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool skip_irrelevant_ = false;
  size_t last_count_ = 0;
};

}  // namespace kg::audit

// The bodies of the libFuzzer targets, shared with the regression test
// (tests/fuzz/fuzz_regression_test.cc), which replays every input kept under
// tests/data/fuzz-regressions/<target>/ through the same code in the normal
// build. Each body returns normally on any input; a crash, a sanitizer
// report, a hang or a memory blow-up is a bug.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "audit/alert_writer.h"
#include "audit/detector.h"
#include "audit/event_decoder.h"
#include "audit/stream.h"
#include "doc/source.h"
#include "doc/yaml_loader.h"
#include "engine/config.h"
#include "engine/drift/drift.h"
#include "engine/scanner.h"
#include "engine/session.h"
#include "k8s/object.h"
#include "report/report.h"
#include "rules/catalog.h"
#include "rules/inventory.h"
#include "util/json_writer.h"
#include "util/redact.h"
#include "util/terminal_text.h"

namespace kg::fuzz {

inline const rules::Catalog& catalog() {
  static const rules::Catalog kCatalog = rules::build_catalog();
  return kCatalog;
}

inline const engine::Config& all_rules_config() {
  static const engine::Config kConfig = [] {
    engine::Config c;
    c.fail_on = rules::Severity::Info;
    c.settings.pss = pss::Policy{};
    c.settings.trusted_registries = {"registry.example.com", "ghcr.io/example"};
    return c;
  }();
  return kConfig;
}

// Fails loudly (a trap is what libFuzzer and the test both catch).
inline void check(bool condition) {
  if (!condition) __builtin_trap();
}

// `scan FILE` reads through the block reader (documents cut in place from
// 64 KiB blocks of a FILE*), not the in-memory loader: the bytes go through
// that reader, every rule and every report. Both readers must agree on how
// many documents and errors a YAML text holds.
inline void scan_stream_one(std::string_view text) {
  engine::ScanResult result;
  engine::Session session(catalog(), all_rules_config());
  std::vector<doc::LoadError> object_errors;  // counted apart: the readers are compared on load errors
  size_t stream_documents = 0;
  size_t stream_errors = 0;
  if (text.empty()) return;
  std::FILE* in = ::fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
  if (in == nullptr) return;
  doc::load_yaml_stream(
      in, "fuzz.yaml",
      [&](doc::Document&& document) {
        ++stream_documents;
        result.summary.objects += session.add(document, result.findings, object_errors).objects;
      },
      [&](doc::LoadError&& error) {
        ++stream_errors;
        result.errors.push_back(std::move(error));
      });
  std::fclose(in);
  session.finish(result.findings);
  engine::summarize(result);
  const int code = engine::exit_code(result, rules::Severity::Info);
  const report::ReportInput input{result, catalog(), rules::Severity::Info, code};
  std::ostringstream sink;
  report::write_text(input, sink, /*color=*/true);
  report::write_json(input, sink);
  report::write_sarif(input, sink);
  report::write_junit(input, sink);

  // The in-memory reader on the same YAML text (JSON-looking text takes another path there).
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) return;
  size_t text_documents = 0;
  size_t text_errors = 0;
  doc::load_text(
      text, "fuzz.yaml", [&](doc::Document&&) { ++text_documents; }, [&](doc::LoadError&&) { ++text_errors; });
  check(text_documents == stream_documents);
  check(text_errors == stream_errors);
}

// The one redactor and the terminal escaping on any text: whatever they
// return is again unchanged by them (nothing left to redact or escape).
inline void text_filters_one(std::string_view text) {
  std::string redacted = util::redact(text);
  check(util::redact(redacted) == redacted);
  std::string safe = util::terminal_safe(text);
  check(util::terminal_clean(safe) || util::terminal_safe(safe) == safe);
}

// The audit input path: the bytes as a log file read by `kubeguard audit`
// (line reader, multi-line documents, arrays, every decoded form, the
// detector, both alert formats), and as one body for the decoder alone.
inline void audit_one(std::string_view text) {
  int fd = ::memfd_create("kg-audit-fuzz", MFD_CLOEXEC);
  if (fd < 0) return;
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  audit::Detector detector(catalog(), engine::Config{});
  audit::LineReaderOptions options;
  options.max_line = 1 << 16;
  std::ostringstream sink;
  audit::run_stream(
      "/proc/self/fd/" + std::to_string(fd), detector, options,
      [&](const audit::Alert& alert) {
        audit::write_alert_json(sink, alert, detector.title(alert.rule_id));
        std::ostringstream text_out;
        audit::write_alert_text(text_out, alert, detector.title(alert.rule_id), false);
        // Text for a terminal never carries a control character of the input.
        for (char c : text_out.str()) check(static_cast<unsigned char>(c) >= 0x20 || c == '\n');
        sink << text_out.str();
      },
      [](const std::string&) {});
  ::close(fd);
  audit::EventDecoder decoder;
  std::vector<audit::Event> events;
  (void)decoder.decode(text, events);
  text_filters_one(text);
}

// `kubeguard diff`: the bytes cut in two at the first line "===" (or in the
// middle), the first part the baseline, the second the live state.
inline void diff_one(std::string_view text) {
  std::string_view baseline = text, live = text;
  if (size_t cut = text.find("\n===\n"); cut != std::string_view::npos) {
    baseline = text.substr(0, cut + 1);
    live = text.substr(cut + 5);
  } else {
    baseline = text.substr(0, text.size() / 2);
    live = text.substr(text.size() / 2);
  }
  std::vector<doc::Document> before, after;
  std::vector<doc::LoadError> errors;
  auto on_error = [&](doc::LoadError&& e) { errors.push_back(std::move(e)); };
  doc::load_text(
      baseline, "baseline.yaml", [&](doc::Document&& d) { before.push_back(std::move(d)); }, on_error);
  doc::load_text(
      live, "live.yaml", [&](doc::Document&& d) { after.push_back(std::move(d)); }, on_error);
  engine::ScanResult result = engine::diff_documents(before, after, "default", all_rules_config());
  const int code = engine::exit_code(result, rules::Severity::Info);
  const report::ReportInput input{result, catalog(), rules::Severity::Info, code};
  std::ostringstream sink;
  report::write_text(input, sink, false);
  report::write_json(input, sink);
}

inline void node_json(util::JsonWriter& w, const doc::Node& node, int depth = 0) {
  if (depth > 64) {
    w.null();
    return;
  }
  switch (node.kind()) {
    case doc::NodeKind::Null: w.null(); return;
    case doc::NodeKind::Sequence:
      w.begin_array();
      for (const auto& item : node.items()) node_json(w, item, depth + 1);
      w.end_array();
      return;
    case doc::NodeKind::Mapping:
      w.begin_object();
      for (const auto& e : node.entries()) {
        w.key(e.key);
        node_json(w, e.value, depth + 1);
      }
      w.end_object();
      return;
    case doc::NodeKind::Scalar: break;
  }
  if (node.scalar_type() == doc::ScalarType::Bool && node.as_bool()) w.value(*node.as_bool());
  else if (node.scalar_type() == doc::ScalarType::Int && node.as_int()) w.value(*node.as_int());
  else if (node.is_null()) w.null();
  else w.value(node.str());
}

// A manifest (the corpus seeds) as the API server would send it: a CREATE
// review, and an UPDATE with the same object as oldObject.
inline std::vector<std::string> reviews_of_manifest(std::string_view text) {
  std::vector<std::string> out;
  std::optional<doc::Node> root;
  doc::load_text(
      text, "fuzz.yaml",
      [&](doc::Document&& d) {
        if (!root) root = std::move(d.root);
      },
      [](doc::LoadError&&) {});
  if (!root || !root->is_mapping()) return out;
  std::ostringstream object;
  {
    util::JsonWriter w(object, false);
    node_json(w, *root);
  }
  const doc::Node* kind = root->get("kind");
  std::string kind_text = kind != nullptr && kind->is_scalar() ? std::string(kind->str()) : "Pod";
  for (std::string_view operation : {"CREATE", "UPDATE"}) {
    std::ostringstream review;
    util::JsonWriter w(review, false);
    w.begin_object().field("apiVersion", "admission.k8s.io/v1").field("kind", "AdmissionReview");
    w.key("request").begin_object().field("uid", "fuzz");
    w.key("kind").begin_object().field("group", "").field("version", "v1").field("kind", kind_text).end_object();
    w.field("operation", operation).field("namespace", "fuzz");
    w.key("userInfo").begin_object().field("username", "fuzz").end_object();
    w.end_object().end_object();
    std::string text_review = review.str();
    // The object (and oldObject) spliced in before the request's closing braces.
    std::string objects = ",\"object\":" + object.str();
    if (operation == "UPDATE") objects += ",\"oldObject\":" + object.str();
    text_review.insert(text_review.size() - 2, objects);
    out.push_back(std::move(text_review));
  }
  return out;
}

// The admission path: bytes -> AdmissionReview -> decision in every mode ->
// the response. Bytes that are not a review are taken as a manifest and sent
// in reviews of their own, so corpus manifests seed this target too.
inline void admission_review_one(std::string_view body);

inline void admission_one(std::string_view body) {
  admission::ParsedReview parsed = admission::parse_review(body);
  if (parsed) {
    admission_review_one(body);
    return;
  }
  for (const auto& review : reviews_of_manifest(body)) admission_review_one(review);
}

inline void admission_review_one(std::string_view body) {
  admission::ParsedReview parsed = admission::parse_review(body);
  if (!parsed) return;
  engine::Config config;
  config.fail_on = rules::Severity::Info;  // every finding counts, so every message path runs
  for (auto mode : {admission::Mode::Enforce, admission::Mode::Warn, admission::Mode::Audit}) {
    admission::Settings settings;
    settings.mode = mode;
    admission::Decision d = admission::decide(*parsed.request, catalog(), config, settings);
    std::string answer = admission::write_response(parsed.request->api_version, parsed.request->uid, d);
    check(!answer.empty());
  }
}

}  // namespace kg::fuzz

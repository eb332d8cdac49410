// libFuzzer target for the whole file path of the engine: bytes -> documents
// (YAML, or JSON when the first non-blank byte is '{' or '[', exactly as
// standard input and admission bodies are read) -> Kubernetes objects ->
// every rule of the catalog -> inventory rules -> every report format.
//
// Anything the loader refuses must come back as a LoadError; a crash, a
// sanitizer report, a hang or a memory blow-up is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <vector>

#include "doc/source.h"
#include "engine/config.h"
#include "engine/scanner.h"
#include "engine/session.h"
#include "k8s/object.h"
#include "pss/policy.h"
#include "report/report.h"
#include "rules/catalog.h"
#include "rules/inventory.h"

namespace {

const kg::rules::Catalog& catalog() {
  static const kg::rules::Catalog kCatalog = kg::rules::build_catalog();
  return kCatalog;
}

// Every rule switched on, including the ones that need settings to run
// (Pod Security Standards at the strictest level, a trusted registry list).
const kg::engine::Config& config() {
  static const kg::engine::Config kConfig = [] {
    kg::engine::Config c;
    c.fail_on = kg::rules::Severity::Info;
    c.settings.pss = kg::pss::Policy{};
    c.settings.trusted_registries = {"registry.example.com", "ghcr.io/example"};
    return c;
  }();
  return kConfig;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const kg::rules::Catalog& rules = catalog();
  const kg::engine::Config& cfg = config();

  kg::engine::ScanResult result;
  kg::engine::Session session(rules, cfg);
  std::vector<kg::doc::LoadError> object_errors;  // objects without a name: not what this target checks
  kg::doc::load_text(
      text, "fuzz.yaml",
      [&](kg::doc::Document&& document) {
        ++result.summary.documents;
        kg::engine::DocumentCounts counts = session.add(document, result.findings, object_errors);
        result.summary.objects += counts.objects;
        result.summary.skipped_documents += counts.skipped_documents;
      },
      [&](kg::doc::LoadError&& error) { result.errors.push_back(std::move(error)); });
  session.finish(result.findings);
  kg::engine::summarize(result);

  // The reporters escape whatever text the input carried (invalid UTF-8,
  // control characters, XML specials): run them all.
  const int code = kg::engine::exit_code(result, cfg.fail_on);
  const kg::report::ReportInput input{result, rules, cfg.fail_on, code};
  std::ostringstream sink;
  kg::report::write_text(input, sink, /*color=*/true);
  kg::report::write_json(input, sink);
  kg::report::write_junit(input, sink);
  if (!result.findings.empty() || !result.errors.empty()) kg::report::write_sarif(input, sink);
  return 0;
}

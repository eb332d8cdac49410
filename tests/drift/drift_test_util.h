// Helpers for the DRIFT tests: compare YAML texts without touching the disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/source.h"
#include "engine/drift/drift.h"
#include "rules/finding.h"

namespace kg::testing {

inline std::vector<doc::Document> load_documents(std::string_view text, std::string_view name) {
  std::vector<doc::Document> docs;
  doc::load_text(
      text, name, [&](doc::Document&& d) { docs.push_back(std::move(d)); }, [](doc::LoadError&&) {});
  return docs;
}

inline engine::ScanResult diff_texts(std::string_view baseline, std::string_view live,
                                     const engine::Config& config = {}, std::string_view name_space = "default") {
  std::vector<doc::Document> b = load_documents(baseline, "baseline.yaml");
  std::vector<doc::Document> l = load_documents(live, "live.yaml");
  return engine::diff_documents(b, l, name_space, config);
}

inline std::vector<rules::Finding> of_rule(const engine::ScanResult& result, std::string_view rule_id) {
  std::vector<rules::Finding> out;
  for (const auto& f : result.findings) {
    if (f.rule_id == rule_id) out.push_back(f);
  }
  return out;
}

// Every finding on one line each, for failure messages.
inline std::string dump(const engine::ScanResult& result) {
  std::string out;
  for (const auto& f : result.findings) {
    out += f.rule_id + " " + std::string(rules::severity_name(f.severity)) + " " + f.object.display() + " " + f.path +
           ": " + f.message + "\n";
  }
  for (const auto& n : result.notices) out += "notice: " + n + "\n";
  return out;
}

}  // namespace kg::testing

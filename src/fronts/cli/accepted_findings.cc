// The ignore file: accepted findings with a reason and an end date.
//
//   # .kubeguardignore.yaml
//   - rule: KG-POD-001                          # ID or slug
//     object: "DaemonSet monitoring/node-*"     # optional glob over "Kind namespace/name"
//     file: "charts/monitoring/*"               # optional glob over the file path
//     reason: "node exporter reads host metrics; reviewed 2026-11-02"
//     expires: 2027-03-31                       # optional; the last day it holds
//
// A finding an entry covers is kept, marked suppressed and counted, like an
// annotation's. After its date an entry stops covering anything and the scan
// says so, so an acceptance cannot outlive its review.
#include "fronts/cli/accepted_findings.h"

#include <fnmatch.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "doc/source.h"
#include "engine/suggest.h"
#include "fronts/cli/clock.h"
#include "rules/finding.h"

namespace kg::cli {
namespace fs = std::filesystem;

namespace {

bool glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

class IgnoreReader {
 public:
  IgnoreReader(std::string_view file, const rules::Catalog& catalog, std::string_view today, AcceptedFindings& result)
      : file_(file), catalog_(catalog), today_(today), result_(result) {}

  void read(const doc::Node& root) {
    if (root.is_null()) return;
    if (!root.is_sequence()) {
      error(root.mark(), "the ignore file must be a list of accepted findings (rule, reason, expires)");
      return;
    }
    for (const auto& item : root.items()) read_entry(item);
  }

  void error(doc::Mark mark, std::string message) {
    result_.errors.push_back(doc::LoadError{doc::ErrorCode::Config, std::string(file_), mark, std::move(message)});
  }

 private:
  void read_entry(const doc::Node& item) {
    if (!item.is_mapping()) {
      error(item.mark(), "each entry must be a mapping with rule and reason");
      return;
    }
    AcceptedFinding a;
    a.where = fmt::format("{}:{}", file_, item.mark().line);
    bool ok = true;
    for (const auto& e : item.entries()) {
      if (!e.value.is_scalar() || e.value.is_null()) {
        error(e.value.mark(), fmt::format("{}: expected a string", e.key));
        ok = false;
        continue;
      }
      std::string value(e.value.str());
      if (e.key == "rule") {
        const rules::RuleEntry* rule = catalog_.find(value);
        if (rule == nullptr) {
          error(e.value.mark(), fmt::format("rule: unknown rule '{}'{} (see `kubeguard rules`)", value,
                                            engine::did_you_mean_rule(value, catalog_)));
          ok = false;
        } else {
          a.rule = std::string(rule->meta->id);
        }
      } else if (e.key == "object") {
        a.object = std::move(value);
      } else if (e.key == "file") {
        a.file = std::move(value);
      } else if (e.key == "reason") {
        a.reason = std::move(value);
      } else if (e.key == "expires") {
        if (!valid_date(value)) {
          error(e.value.mark(), fmt::format("expires: '{}' is not a date (YYYY-MM-DD)", value));
          ok = false;
        }
        a.expires = std::move(value);
      } else {
        error(e.key_mark, fmt::format("unknown field '{}' (known: rule, object, file, reason, expires)", e.key));
        ok = false;
      }
    }
    if (a.rule.empty() && ok) {
      error(item.mark(), "rule is required");
      ok = false;
    }
    if (a.reason.empty() && ok) {
      error(item.mark(), "reason is required: say why the finding is accepted");
      ok = false;
    }
    if (!ok) return;
    if (!a.expires.empty() && a.expires < today_) {
      result_.notices.push_back(
          fmt::format("{}: the acceptance of {} expired on {}; its findings count again", a.where, a.rule, a.expires));
      return;
    }
    result_.entries.push_back(std::move(a));
  }

  std::string_view file_;
  const rules::Catalog& catalog_;
  std::string_view today_;
  AcceptedFindings& result_;
};

}  // namespace

bool AcceptedFinding::matches(const rules::Finding& finding) const {
  if (finding.rule_id != rule) return false;
  if (!object.empty() && !glob(object, finding.object.display())) return false;
  if (!file.empty()) {
    std::string path = finding.file;
    if (path.starts_with("./")) path.erase(0, 2);
    if (!glob(file, finding.file) && !glob(file, path)) return false;
  }
  return true;
}

std::array<size_t, 5> AcceptedFindings::apply(std::span<rules::Finding> findings, std::string_view today) const {
  std::array<size_t, 5> moved{};
  if (entries.empty()) return moved;
  for (auto& f : findings) {
    if (f.suppressed) continue;
    for (const auto& a : entries) {
      if (!today.empty() && !a.expires.empty() && a.expires < today) continue;
      if (!a.matches(f)) continue;
      f.suppressed = true;
      f.suppression = a.expires.empty() ? fmt::format("accepted: {}", a.reason)
                                        : fmt::format("accepted until {}: {}", a.expires, a.reason);
      ++moved[static_cast<size_t>(f.severity)];
      break;
    }
  }
  return moved;
}

std::function<void(std::span<rules::Finding>)> acceptance_filter(std::shared_ptr<const AcceptedFindings> accepted) {
  if (!accepted || accepted->entries.empty()) return {};
  return [accepted = std::move(accepted)](std::span<rules::Finding> findings) {
    accepted->apply(findings, utc_now().substr(0, 10));
  };
}

AcceptedFindings load_accepted_findings(const std::string& path, const rules::Catalog& catalog,
                                        std::string_view today) {
  AcceptedFindings into;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    into.errors.push_back(doc::LoadError{doc::ErrorCode::Config, path, {}, "cannot open ignore file"});
    return into;
  }
  std::ostringstream text;
  text << in.rdbuf();
  IgnoreReader reader(path, catalog, today, into);
  int documents = 0;
  doc::load_text(
      text.str(), path,
      [&](doc::Document&& d) {
        if (documents++ == 0) reader.read(d.root);
        else reader.error(d.root.mark(), "the ignore file must be a single document");
      },
      [&](doc::LoadError&& e) {
        e.code = doc::ErrorCode::Config;
        into.errors.push_back(std::move(e));
      });
  return into;
}

std::string find_ignore_file(const std::string& config_path, const std::string& start) {
  std::error_code ec;
  if (!config_path.empty()) {
    fs::path beside = fs::path(config_path).parent_path() / ".kubeguardignore.yaml";
    if (fs::is_regular_file(beside, ec)) return beside.string();
  }
  fs::path dir = fs::absolute(start, ec);
  if (ec) return {};
  while (true) {
    fs::path candidate = (dir / ".kubeguardignore.yaml").lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

}  // namespace kg::cli

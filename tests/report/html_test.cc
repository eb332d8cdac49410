// The HTML report: escaping, the Content-Security-Policy hashes, the threat
// matrix table against the corpus, and the real file in headless Chromium
// (no console error, no request, the heatmap drawn, the filters working).
#include <array>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "engine/temp_tree.h"
#include "report/html_assets.h"
#include "report/report_test_util.h"
#include "report/threat_matrix.h"
#include "report/xml_escape.h"

namespace kg::testing {
namespace {

using namespace report_fixture;

std::string csp_hash(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  std::array<unsigned char, 64> b64{};
  int n = EVP_EncodeBlock(b64.data(), digest.data(), static_cast<int>(size));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(b64.data()), static_cast<size_t>(n)) + "'";
}

// Markup, quotes and a would-be secret in every place a manifest can put text.
constexpr std::string_view kHostile = R"(apiVersion: v1
kind: Pod
metadata:
  name: evil
  namespace: "x\"><script>alert(1)</script>"
  annotations:
    kubeguard.io/ignore: "KG-POD-024"
    kubeguard.io/ignore-reason: "</td><img src=http://127.0.0.1:9/a.png>"
spec:
  containers:
  - name: "<img src=x onerror=alert(1)>"
    image: "evil.example/<b>x</b>:latest"
    securityContext: {privileged: true}
    env:
    - name: DB_PASSWORD
      value: "hunter2-not-for-any-report"
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData:
  token: "tok-not-for-any-report"
)";

TEST(HtmlReport, ContentSecurityPolicyHashesMatchTheInlineStyleAndScript) {
  EXPECT_EQ(csp_hash(report::html_assets::kStyle), report::html_assets::kStyleHash)
      << "update kStyleHash in src/report/html_assets.cc";
  EXPECT_EQ(csp_hash(report::html_assets::kScript), report::html_assets::kScriptHash)
      << "update kScriptHash in src/report/html_assets.cc";
}

TEST(HtmlReport, EscapesEverythingThatCameFromInputAndShowsNoSecretValue) {
  engine::ScanResult result = scan_text(kHostile, {}, "a<b>&\"c.yaml");
  engine::summarize(result);
  ASSERT_FALSE(result.findings.empty());
  std::string html = render(report::Format::Html, result, 1);
  // One script and one style element, both the report's own.
  size_t scripts = 0;
  for (size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) ++scripts;
  EXPECT_EQ(scripts, 1U) << "only the report's own script element";
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_EQ(html.find("a<b>&\"c.yaml"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("hunter2-not-for-any-report"), std::string::npos);
  EXPECT_EQ(html.find("tok-not-for-any-report"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
}

TEST(HtmlReport, SummaryCountsAndEveryFindingAppear) {
  auto result = sample_scan();
  std::string html = render(report::Format::Html, result, 1);
  size_t rows = 0;
  for (size_t at = html.find("<tr class=\"f"); at != std::string::npos; at = html.find("<tr class=\"f", at + 1)) ++rows;
  EXPECT_EQ(rows, result.findings.size());
  for (auto s : {rules::Severity::Critical, rules::Severity::High, rules::Severity::Medium}) {
    auto card = fmt::format("<div class=\"card {}\"><b>{}</b>", rules::severity_name(s),
                            result.summary.by_severity[static_cast<size_t>(s)]);
    EXPECT_NE(html.find(card), std::string::npos) << card;
  }
  // Rules with findings carry their remediation.
  const auto* rule = catalog().find(result.findings.front().rule_id);
  ASSERT_NE(rule, nullptr);
  EXPECT_NE(html.find(report::xml_text(rule->meta->remediation)), std::string::npos);
  EXPECT_NE(html.find("id=\"rule-" + result.findings.front().rule_id + "\""), std::string::npos);
  // The malformed file is listed.
  EXPECT_NE(html.find("manifests/broken.yaml"), std::string::npos);
}

TEST(ThreatMatrix, GeneratedTableIsCurrent) {
  std::string python = python_with("json");
  ASSERT_FALSE(python.empty()) << "needs python3";
  ScratchDir dir;
  std::string out = dir.write("matrix.cc", "");
  ASSERT_EQ(
      std::system((python + " " + source("scripts/gen-threat-matrix.py") + " " + corpus("") + " > " + out).c_str()), 0);
  EXPECT_EQ(read_file(out), read_file(source("src/report/threat_matrix_data.cc")))
      << "run: python3 scripts/gen-threat-matrix.py > src/report/threat_matrix_data.cc";
}

TEST(ThreatMatrix, HasTheTenTacticsAndEveryTechniqueTheRulesReference) {
  auto tactics = report::threat_matrix();
  ASSERT_EQ(tactics.size(), 10U);
  EXPECT_EQ(tactics.front().name, "Initial Access");
  EXPECT_EQ(tactics.back().name, "Impact");
  std::set<std::string_view> ids;
  for (const auto& t : tactics) {
    EXPECT_FALSE(t.techniques.empty()) << t.name;
    for (const auto& tech : t.techniques) ids.insert(tech.id);
  }
  EXPECT_EQ(ids.size(), 40U) << "the corpus lists 40 techniques";
  for (const auto& entry : catalog().rules()) {
    for (const auto& r : entry.meta->references) {
      if (r.kind == rules::ReferenceKind::ThreatMatrix && r.id.starts_with("MS-TA")) {
        EXPECT_TRUE(ids.contains(r.id)) << entry.meta->id << " references " << r.id << ", not in the matrix";
      }
    }
  }
}

// --- In a real browser -----------------------------------------------------

std::string chromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return {};
}

// Kept after the run: build/artifacts beside the binary.
std::string artifact_dir() {
  std::string dir = (std::filesystem::path(KG_BINARY).parent_path() / "artifacts").string();
  std::filesystem::create_directories(dir);
  return dir;
}

struct PageRun {
  std::optional<Json> json;
  std::string raw;
};

PageRun load_in_chromium(const std::string& page, const std::string& screenshot, const std::string& expression) {
  TempTree dir;  // mkdtemp: the caller's ScratchDir has this test's name
  std::string expr_file = dir.write("expression.js", expression);
  std::string out = dir.write("out.json", "");
  std::string command = "python3 " + source("tests/report/chromium_page.py") + " " + chromium() + " '" + page + "' '" +
                        screenshot + "' \"$(cat " + expr_file + ")\" > " + out;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  PageRun run;
  run.raw = read_file(out);
  run.json = parse_json(run.raw);
  return run;
}

std::vector<std::string> strings_of(const doc::Node* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (const auto& item : list->items()) out.push_back(str(&item));
  return out;
}

bool bool_of(const doc::Node* n) { return n != nullptr && n->as_bool().value_or(false); }

int64_t int_of(const doc::Node* n) {
  if (n == nullptr) return -1;
  auto v = n->as_int();
  return v ? *v : -1;
}

// What the page reports about itself after load, and after using the filters.
constexpr std::string_view kPageCheck = R"js((function () {
  var n = function (s) { return document.querySelectorAll(s).length; };
  var r = {
    tactics: n('table.matrix th'), checked: n('td.t'), unchecked: n('td.na'), hot: n('td.t:not(.h0)'),
    rows: n('tr.f'), images: n('img'), scripts: n('script'), iframes: n('iframe'),
    hostileShownAsText: document.body.textContent.indexOf('<img src=x onerror=alert(1)>') >= 0,
    countLine: document.getElementById('f-count').textContent
  };
  var high = document.querySelector('input.f-sev[value=high]');
  high.click();
  r.visibleWithoutHigh = n('tr.f:not([hidden])');
  r.highStillVisible = n('tr.f[data-sev=high]:not([hidden])');
  high.click();
  var cell = document.querySelector('td.t:not(.h0)');
  r.technique = cell ? cell.dataset.tech : '';
  if (cell) {
    cell.click();
    var shown = document.querySelectorAll('tr.f:not([hidden])');
    r.visibleForTechnique = shown.length;
    r.allOfTechnique = Array.prototype.every.call(shown, function (row) {
      return (' ' + row.dataset.tech + ' ').indexOf(' ' + r.technique + ' ') >= 0; });
    cell.click();
  }
  r.visibleAtEnd = n('tr.f:not([hidden])');
  return JSON.stringify(r);
})())js";

TEST(HtmlChromium, ReportLoadsWithNoConsoleErrorNoRequestAndDrawsTheHeatmap) {
  if (chromium().empty()) GTEST_SKIP() << "needs chromium (scripts/install-deps.sh installs it)";
  ScratchDir dir;
  std::string hostile = dir.write("hostile.yaml", kHostile);
  std::string page = artifact_dir() + "/report.html";
  std::string screenshot = artifact_dir() + "/report-heatmap.png";
  std::filesystem::remove(screenshot);
  int status = run_kubeguard("scan " + corpus("manifests") + " " + hostile + " -f html -o " + page + " --threads 2");
  ASSERT_EQ(status, 2) << "the corpus holds malformed files on purpose: findings and errors";

  PageRun run = load_in_chromium(page, screenshot, std::string(kPageCheck));
  ASSERT_TRUE(run.json.has_value()) << run.raw;
  const auto& root = run.json->root();
  EXPECT_EQ(strings_of(root.get("console")), std::vector<std::string>{});
  EXPECT_EQ(strings_of(root.get("exceptions")), std::vector<std::string>{});
  EXPECT_EQ(strings_of(root.get("log")), std::vector<std::string>{}) << "CSP violations and blocked loads land here";
  EXPECT_EQ(strings_of(root.get("requests")), std::vector<std::string>{});

  auto value = root.get("value")->as_string();
  ASSERT_TRUE(value.has_value()) << run.raw;
  auto page_state = parse_json(*value);
  ASSERT_TRUE(page_state.has_value()) << *value;
  const auto& s = page_state->root();
  EXPECT_EQ(int_of(s.get("tactics")), 10);
  size_t cells = 0;
  for (const auto& t : report::threat_matrix()) cells += t.techniques.size();
  EXPECT_EQ(static_cast<size_t>(int_of(s.get("checked")) + int_of(s.get("unchecked"))), cells);
  EXPECT_GE(int_of(s.get("hot")), 5) << "the corpus hits several techniques";
  EXPECT_EQ(int_of(s.get("images")), 0);
  EXPECT_EQ(int_of(s.get("iframes")), 0);
  EXPECT_EQ(int_of(s.get("scripts")), 1);
  EXPECT_TRUE(bool_of(s.get("hostileShownAsText")));
  int64_t rows = int_of(s.get("rows"));
  EXPECT_GT(rows, 100);
  EXPECT_EQ(str(s.get("countLine")), fmt::format("{} of {} findings shown", rows, rows));
  EXPECT_LT(int_of(s.get("visibleWithoutHigh")), rows);
  EXPECT_EQ(int_of(s.get("highStillVisible")), 0);
  EXPECT_NE(str(s.get("technique")), "");
  EXPECT_GT(int_of(s.get("visibleForTechnique")), 0);
  EXPECT_LT(int_of(s.get("visibleForTechnique")), rows);
  EXPECT_TRUE(bool_of(s.get("allOfTechnique")));
  EXPECT_EQ(int_of(s.get("visibleAtEnd")), rows);

  // The screenshot (kept in the build directory) is a real PNG of some size.
  std::string png = read_file(screenshot);
  ASSERT_GT(png.size(), 20000U);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// The harness itself: a page that logs, throws and calls out is caught.
TEST(HtmlChromium, HarnessSeesConsoleErrorsExceptionsAndRequests) {
  if (chromium().empty()) GTEST_SKIP() << "needs chromium (scripts/install-deps.sh installs it)";
  ScratchDir dir;
  std::string page = dir.write("bad.html",
                               "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>"
                               "<img src=\"http://127.0.0.1:9/probe.png\"><script>console.error('boom');"
                               "fetch('http://kubeguard.invalid/x').catch(function(){});missing();</script>"
                               "</body></html>");
  PageRun run = load_in_chromium(page, dir.write("bad.png", ""), "document.title");
  ASSERT_TRUE(run.json.has_value()) << run.raw;
  const auto& root = run.json->root();
  EXPECT_EQ(strings_of(root.get("console")), std::vector<std::string>{"error: boom"});
  ASSERT_EQ(strings_of(root.get("exceptions")).size(), 1U);
  EXPECT_NE(strings_of(root.get("exceptions"))[0].find("missing"), std::string::npos);
  auto requests = strings_of(root.get("requests"));
  EXPECT_EQ(std::set<std::string>(requests.begin(), requests.end()),
            (std::set<std::string>{"http://127.0.0.1:9/probe.png", "http://kubeguard.invalid/x"}));
  EXPECT_EQ(str(root.get("value")), "t");
}

}  // namespace
}  // namespace kg::testing

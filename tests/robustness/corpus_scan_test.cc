// Whole-corpus scans, through the library and through the real binary: every
// file is read, the one deliberately malformed manifest is the only error, and
// it does not hide its neighbours; the fixture trees scan without a crash.
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "doc/source.h"
#include "robustness/robustness_support.h"
#include "support/test_support.h"

namespace kg {
namespace {

using robustness::as_count;
using robustness::parse_report;
using robustness::shell_quote;

constexpr std::string_view kBadFile = "linkerd2/inject/inject_gettest_deployment.bad.input.yml";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// What each manifests/<project>/SOURCE.md says: "N YAML/JSON files, M Kubernetes objects".
struct SourceCounts {
  size_t files = 0;
  size_t objects = 0;
  size_t projects = 0;
};

SourceCounts declared_counts() {
  SourceCounts total;
  static const std::regex kLine(R"((\d+) YAML/JSON files, (\d+) Kubernetes objects)");
  for (const auto& entry : std::filesystem::directory_iterator(testing::corpus("manifests"))) {
    const auto source_md = entry.path() / "SOURCE.md";
    if (!entry.is_directory() || !std::filesystem::exists(source_md)) continue;
    std::string text = testing::read_file(source_md.string());
    std::smatch m;
    if (!std::regex_search(text, m, kLine)) continue;
    total.files += std::stoul(m[1].str());
    total.objects += std::stoul(m[2].str());
    ++total.projects;
  }
  return total;
}

std::string manifests_dir() { return testing::corpus("manifests"); }

std::string inject_dir() { return testing::corpus("manifests/linkerd2/inject"); }

engine::ScanResult scan_one(const std::string& path) {
  return engine::scan(engine::ScanRequest{{path}, 1}, testing::catalog(), engine::Config{});
}

// Objects of the inject directory counted file by file, the malformed file apart.
struct InjectCounts {
  size_t good_files_with_objects = 0;
  size_t good_objects = 0;
  size_t bad_objects = 0;
};

InjectCounts inject_counts() {
  InjectCounts counts;
  auto inputs = doc::expand_inputs(std::vector<std::string>{inject_dir()});
  for (const auto& f : inputs.files) {
    engine::ScanResult r = scan_one(f);
    if (ends_with(f, kBadFile)) {
      counts.bad_objects = r.summary.objects;
      continue;
    }
    EXPECT_TRUE(r.errors.empty()) << f;
    counts.good_objects += r.summary.objects;
    if (r.summary.objects > 0) ++counts.good_files_with_objects;
  }
  return counts;
}

class ManifestCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    result_ = new engine::ScanResult(
        engine::scan(engine::ScanRequest{{manifests_dir()}, 0}, testing::catalog(), engine::Config{}));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
  }
  static engine::ScanResult* result_;
};

engine::ScanResult* ManifestCorpus::result_ = nullptr;

TEST_F(ManifestCorpus, LibraryScanReadsEveryFile) {
  const auto& r = *result_;
  SourceCounts declared = declared_counts();
  ASSERT_EQ(declared.projects, 7u) << "every manifests/<project>/SOURCE.md states its counts";
  EXPECT_EQ(r.summary.files, declared.files);
  EXPECT_GT(r.summary.documents, r.summary.objects / 2);
  // SOURCE.md counts objects of the files a YAML library parses whole; the
  // malformed file's first document is a Deployment that kubeguard still reads.
  EXPECT_GE(r.summary.objects, declared.objects);
  EXPECT_LE(r.summary.objects, declared.objects + 1);
  EXPECT_FALSE(r.findings.empty());
}

TEST_F(ManifestCorpus, LibraryScanHasExactlyTheOneMalformedFile) {
  const auto& r = *result_;
  ASSERT_EQ(r.errors.size(), 1u) << (r.errors.empty() ? "" : doc::format_error(r.errors[0]));
  const doc::LoadError& e = r.errors[0];
  EXPECT_TRUE(ends_with(e.file, kBadFile)) << e.file;
  EXPECT_EQ(e.code, doc::ErrorCode::YamlSyntax);
  // The second document's "spec:" (line 36, column 5) is less indented than
  // its sibling "metadata:"; the first document of the file is valid.
  EXPECT_EQ(e.mark.line, 36u);
  EXPECT_EQ(e.mark.column, 5u);
  std::string text = doc::format_error(e);
  EXPECT_NE(text.find(fmt::format("{}:36:5: ", kBadFile)), std::string::npos) << text;
}

TEST_F(ManifestCorpus, LibraryScanCountsDocumentsWithoutApiVersionOrKind) {
  const auto& r = *result_;
  // Cross-check against the loader alone: documents that are mappings with
  // both apiVersion and kind are objects (Lists add their items), the rest
  // are skipped -- and the scan counts every one of them.
  size_t documents = 0;
  size_t without_type = 0;
  auto inputs = doc::expand_inputs(std::vector<std::string>{manifests_dir()});
  for (const auto& f : inputs.files) {
    doc::load_input(
        f,
        [&](doc::Document&& d) {
          ++documents;
          const doc::Node& root = d.root;
          bool typed = root.is_mapping() && root.get("apiVersion") != nullptr && root.get("kind") != nullptr;
          if (!typed) ++without_type;
        },
        [](doc::LoadError&&) {});
  }
  EXPECT_EQ(r.summary.documents, documents);
  EXPECT_GT(without_type, 0u) << "the corpus has empty and untyped documents";
  // A List item without a type is skipped too, so the scan may count more.
  EXPECT_GE(r.summary.skipped_documents, without_type);
}

TEST_F(ManifestCorpus, MalformedFileDoesNotHideItsNeighbours) {
  InjectCounts counts = inject_counts();
  EXPECT_GT(counts.good_files_with_objects, 50u);
  // The valid first document of the malformed file (a Deployment) is read too.
  EXPECT_EQ(counts.bad_objects, 1u);
  // Scanned together, the directory holds every object of its files: the
  // broken file costs nothing but its own broken document.
  engine::ScanResult together = scan_one(inject_dir());
  EXPECT_EQ(together.summary.objects, counts.good_objects + counts.bad_objects);
  ASSERT_EQ(together.errors.size(), 1u);
  EXPECT_TRUE(ends_with(together.errors[0].file, kBadFile));

  std::string out;
  int code = testing::run_kubeguard("scan -f json " + shell_quote(inject_dir()) + " 2>/dev/null", &out);
  EXPECT_EQ(code, 2);
  auto report = parse_report(out);
  ASSERT_TRUE(report.has_value()) << out.substr(0, 400);
  EXPECT_EQ(as_count(report->find({"summary", "objects"})), counts.good_objects + counts.bad_objects);
  EXPECT_EQ(as_count(report->find({"summary", "errors"})), 1u);
}

TEST_F(ManifestCorpus, BinaryJsonReportAgreesWithTheLibrary) {
  std::string out;
  int code = testing::run_kubeguard("scan -f json " + shell_quote(manifests_dir()) + " 2>/dev/null", &out);
  EXPECT_EQ(code, 2) << "a load error makes the exit status 2";
  auto report = parse_report(out);
  ASSERT_TRUE(report.has_value()) << out.substr(0, 400);
  const doc::Node& root = *report;
  const doc::Node* summary = root.get("summary");
  ASSERT_NE(summary, nullptr);
  const auto& s = result_->summary;
  EXPECT_EQ(as_count(summary->get("files")), s.files);
  EXPECT_EQ(as_count(summary->get("documents")), s.documents);
  EXPECT_EQ(as_count(summary->get("objects")), s.objects);
  EXPECT_EQ(as_count(summary->get("skippedDocuments")), s.skipped_documents);
  EXPECT_EQ(as_count(summary->get("errors")), 1u);

  const doc::Node* errors = root.get("errors");
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  const doc::Node& e = errors->items()[0];
  EXPECT_TRUE(ends_with(e.get("file")->str(), kBadFile)) << e.get("file")->str();
  EXPECT_EQ(as_count(e.get("line")), result_->errors[0].mark.line);
  EXPECT_EQ(as_count(e.get("column")), result_->errors[0].mark.column);
  EXPECT_GT(as_count(e.get("line")), 0u);
  EXPECT_GT(as_count(e.get("column")), 0u);
  EXPECT_EQ(root.get("findings")->size(), result_->findings.size());
}

TEST_F(ManifestCorpus, BinaryTextReportNamesTheErrorPosition) {
  std::string out;
  const auto& e = result_->errors.at(0);
  int code = testing::run_kubeguard("scan " + shell_quote(manifests_dir() + "/linkerd2/inject") + " 2>&1", &out);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find(fmt::format("{}:{}:{}: ", kBadFile, e.mark.line, e.mark.column)), std::string::npos)
      << out.substr(0, 2000);
}

// The Pod Security Standards fixtures and the peer tools' fixtures: every file
// is scanned to the end by the library and by the binary, which agree. Load
// errors are allowed here (a peer may test its own handling of bad input) but
// each one is listed in the test log.
void scan_fixture_tree(const std::string& relative, size_t min_files) {
  const std::string dir = testing::corpus(relative);
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  engine::ScanResult r = engine::scan(engine::ScanRequest{{dir}, 0}, testing::catalog(), engine::Config{});
  EXPECT_GE(r.summary.files, min_files);
  EXPECT_GT(r.summary.objects, 0u);
  for (const auto& e : r.errors) std::cout << "[load error] " << doc::format_error(e) << '\n';
  std::cout << relative << ": " << r.summary.files << " files, " << r.summary.documents << " documents, "
            << r.summary.objects << " objects, " << r.summary.skipped_documents << " skipped, " << r.errors.size()
            << " errors, " << r.findings.size() << " findings\n";

  std::string out;
  int code = testing::run_kubeguard("scan -f json " + shell_quote(dir) + " 2>/dev/null", &out);
  EXPECT_TRUE(code == 0 || code == 1 || code == 2) << "exit status " << code << " (crashed?)";
  EXPECT_EQ(code, engine::exit_code(r, rules::Severity::High));
  auto report = parse_report(out);
  ASSERT_TRUE(report.has_value()) << out.substr(0, 400);
  EXPECT_EQ(as_count(report->find({"summary", "files"})), r.summary.files);
  EXPECT_EQ(as_count(report->find({"summary", "documents"})), r.summary.documents);
  EXPECT_EQ(as_count(report->find({"summary", "objects"})), r.summary.objects);
  EXPECT_EQ(as_count(report->find({"summary", "skippedDocuments"})), r.summary.skipped_documents);
  EXPECT_EQ(as_count(report->find({"summary", "errors"})), r.errors.size());
  const doc::Node* findings = report->get("findings");
  ASSERT_NE(findings, nullptr);
  EXPECT_EQ(findings->size(), r.findings.size());
}

TEST(FixtureCorpus, PodSecurityStandardsFixtures) {
  // SOURCE.md: 4537 Pod fixtures (plus a README), one Pod a file.
  scan_fixture_tree("psa-fixtures", 4537);
}

TEST(FixtureCorpus, PeerToolFixtures) { scan_fixture_tree("peer-fixtures", 1000); }

}  // namespace
}  // namespace kg

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "report/report_test_util.h"
#include "report/xml_escape.h"
#include "report/xml_reader.h"

namespace kg::testing {
namespace {

using namespace report_fixture;

xml::Element read_xml(const std::string& text) {
  xml::Reader reader(text);
  auto root = reader.parse();
  EXPECT_TRUE(root.has_value()) << reader.error() << "\n" << text.substr(0, 3000);
  return root ? std::move(*root) : xml::Element{};
}

size_t count(const xml::Element& e, std::string_view attr) { return std::stoul(e.attr(attr)); }

TEST(JunitReport, IsWellFormedWithConsistentCounts) {
  auto result = sample_scan();
  xml::Element root = read_xml(render(report::Format::Junit, result, 2));
  ASSERT_EQ(root.name, "testsuites");
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto* suite : root.all("testsuite")) {
    size_t t = 0, f = 0, e = 0, s = 0;
    for (const auto* c : suite->all("testcase")) {
      ++t;
      size_t outcomes = c->all("failure").size() + c->all("error").size() + c->all("skipped").size();
      EXPECT_LE(outcomes, 1U) << c->attr("name");
      f += c->all("failure").size();
      e += c->all("error").size();
      s += c->all("skipped").size();
    }
    EXPECT_EQ(count(*suite, "tests"), t) << suite->attr("name");
    EXPECT_EQ(count(*suite, "failures"), f) << suite->attr("name");
    EXPECT_EQ(count(*suite, "errors"), e) << suite->attr("name");
    EXPECT_EQ(count(*suite, "skipped"), s) << suite->attr("name");
    tests += t, failures += f, errors += e, skipped += s;
  }
  EXPECT_EQ(count(root, "tests"), tests);
  EXPECT_EQ(count(root, "failures"), failures);
  EXPECT_EQ(count(root, "errors"), errors);
  EXPECT_EQ(count(root, "skipped"), skipped);
  EXPECT_GT(failures, 0U);
  EXPECT_EQ(errors, result.errors.size());
  EXPECT_GT(skipped, 0U);
}

TEST(JunitReport, OneCasePerObjectAndRuleInOneSuitePerFile) {
  auto result = sample_scan();
  xml::Element root = read_xml(render(report::Format::Junit, result));
  std::map<std::string, const xml::Element*> suites;
  for (const auto* s : root.all("testsuite")) suites[s->attr("name")] = s;
  ASSERT_EQ(suites.size(), 3U) << "summary, app.yaml, broken.yaml";
  ASSERT_TRUE(suites.contains("kubeguard"));
  ASSERT_TRUE(suites.contains("manifests/app.yaml"));
  ASSERT_TRUE(suites.contains("manifests/broken.yaml"));

  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& f : result.findings) {
    const auto* rule = catalog().find(f.rule_id);
    ASSERT_NE(rule, nullptr);
    expected.emplace(f.object.kind + "/" + f.object.name_space + "/" + f.object.name,
                     f.rule_id + " " + std::string(rule->meta->slug));
  }
  std::set<std::pair<std::string, std::string>> cases;
  for (const auto* c : suites["manifests/app.yaml"]->all("testcase")) {
    EXPECT_TRUE(cases.emplace(c->attr("classname"), c->attr("name")).second) << "duplicate case " << c->attr("name");
    EXPECT_EQ(c->attr("file"), "manifests/app.yaml");
  }
  EXPECT_EQ(cases, expected);
}

TEST(JunitReport, FailureTypeIsTheWorstSeverityAndTheBodyListsFindings) {
  auto result = sample_scan();
  xml::Element root = read_xml(render(report::Format::Junit, result));
  bool checked = false;
  for (const auto* suite : root.all("testsuite")) {
    for (const auto* c : suite->all("testcase")) {
      if (c->attr("name") != "KG-POD-001 privileged-container") continue;
      const auto* failure = c->first("failure");
      ASSERT_NE(failure, nullptr);
      EXPECT_EQ(failure->attr("type"), "critical");
      EXPECT_EQ(c->attr("classname"), "Deployment/prod/web");
      EXPECT_NE(failure->text.find("manifests/app.yaml:"), std::string::npos);
      EXPECT_NE(failure->text.find("securityContext.privileged"), std::string::npos);
      EXPECT_NE(failure->text.find("Remediation: "), std::string::npos);
      checked = true;
    }
  }
  EXPECT_TRUE(checked);
}

TEST(JunitReport, SuppressedPairsAreSkippedWithTheReason) {
  auto result = sample_scan();
  xml::Element root = read_xml(render(report::Format::Junit, result));
  size_t legacy = 0;
  for (const auto* suite : root.all("testsuite")) {
    for (const auto* c : suite->all("testcase")) {
      if (c->attr("classname") != "Pod/dev/legacy") continue;
      ++legacy;
      const auto* skipped = c->first("skipped");
      ASSERT_NE(skipped, nullptr) << c->attr("name");
      EXPECT_EQ(skipped->attr("message"), "suppressed: annotation: vendor \"X\" image, reviewed <2024>");
    }
  }
  EXPECT_GT(legacy, 0U);
}

TEST(JunitReport, LoadErrorsAreErrorCases) {
  auto result = sample_scan();
  ASSERT_EQ(result.errors.size(), 1U);
  xml::Element root = read_xml(render(report::Format::Junit, result));
  for (const auto* suite : root.all("testsuite")) {
    if (suite->attr("name") != "manifests/broken.yaml") continue;
    auto cases = suite->all("testcase");
    ASSERT_EQ(cases.size(), 1U);
    const auto* error = cases[0]->first("error");
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->attr("type"), "yaml-syntax");
    EXPECT_EQ(error->attr("message"), result.errors[0].message);
    EXPECT_EQ(error->text, doc::format_error(result.errors[0]));
    return;
  }
  FAIL() << "no suite for the malformed file";
}

TEST(JunitReport, CleanScanIsOnePassingCase) {
  engine::ScanResult result = scan_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n");
  xml::Element root = read_xml(render(report::Format::Junit, result));
  EXPECT_EQ(root.attr("tests"), "1");
  EXPECT_EQ(root.attr("failures"), "0");
  EXPECT_EQ(root.attr("errors"), "0");
  auto suites = root.all("testsuite");
  ASSERT_EQ(suites.size(), 1U);
  const auto* scan = suites[0]->first("testcase");
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->attr("name"), "scan");
  EXPECT_TRUE(scan->children.empty() || scan->first("system-out") != nullptr);
  std::map<std::string, std::string> props;
  for (const auto* p : suites[0]->first("properties")->all("property")) props[p->attr("name")] = p->attr("value");
  EXPECT_EQ(props["objects"], "1");
  EXPECT_EQ(props["findings"], std::to_string(result.summary.findings()));
}

TEST(JunitReport, EscapedNamesReadBackExactly) {
  auto result = sample_scan();
  std::string text = render(report::Format::Junit, result);
  EXPECT_EQ(text.find('\x01'), std::string::npos) << "XML 1.0 cannot carry U+0001 at all";
  xml::Element root = read_xml(text);
  bool seen = false;
  for (const auto* suite : root.all("testsuite")) {
    for (const auto* c : suite->all("testcase")) {
      const auto* failure = c->first("failure");
      if (failure == nullptr || failure->attr("message").find("a\"b") == std::string::npos) continue;
      // Quotes, <, & and the newline survive in the attribute; U+0001 is shown as \x01.
      EXPECT_NE(failure->attr("message").find("a\"b\nc\\x01d<&>"), std::string::npos) << failure->attr("message");
      EXPECT_NE(failure->text.find("a\"b\nc\\x01d<&>"), std::string::npos);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
}

TEST(XmlEscape, TextAndAttributes) {
  using report::xml_attribute;
  using report::xml_text;
  EXPECT_EQ(xml_text("a<b>&c\"d'e"), "a&lt;b&gt;&amp;c\"d'e");
  EXPECT_EQ(xml_attribute("a<b>&c\"d'e"), "a&lt;b&gt;&amp;c&quot;d&apos;e");
  EXPECT_EQ(xml_text("l1\nl2\tx\r"), "l1\nl2\tx&#13;");
  EXPECT_EQ(xml_attribute("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
  EXPECT_EQ(xml_text(std::string("a\0b\x1f", 4)), "a\\x00b\\x1F");
  EXPECT_EQ(xml_text("]]>"), "]]&gt;");
  // Non-ASCII passes through; what is not UTF-8 or not an XML Char is made visible.
  EXPECT_EQ(xml_text("caf\xC3\xA9 \xF0\x9F\x94\x92"), "caf\xC3\xA9 \xF0\x9F\x94\x92");
  EXPECT_EQ(xml_text("bad\xFF\xC3"), "bad\\xFF\\xC3");
  EXPECT_EQ(xml_text("\xC0\xAF"), "\\xC0\\xAF") << "overlong form";
  EXPECT_EQ(xml_text("\xED\xA0\x80"), "\\xED\\xA0\\x80") << "surrogate";
  EXPECT_EQ(xml_text("\xEF\xBF\xBE\xEF\xBF\xBF"), "\\uFFFE\\uFFFF");
}

TEST(XmlEscape, EveryByteRoundTripsToSomethingWellFormed) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string doc = "<r a=\"" + report::xml_attribute(all) + "\">" + report::xml_text(all) + "</r>";
  xml::Reader reader(doc);
  auto root = reader.parse();
  ASSERT_TRUE(root.has_value()) << reader.error();
  EXPECT_EQ(root->attr("a"), root->text) << "attribute and text carry the same characters";
  EXPECT_NE(root->text.find("\t\n"), std::string::npos);
  EXPECT_NE(root->text.find("\r"), std::string::npos) << "CR kept through line-end normalisation";
}

TEST(XmlReader, RejectsWhatXmlRejects) {
  for (std::string_view bad : {"<a>&</a>", "<a>x</b>", "<a b=\"<\"/>", "<a>\x01</a>", "<a>]]></a>", "<a>&#1;</a>",
                               "<a b='1' b='2'/>", "<a>\xFF</a>"}) {
    xml::Reader reader(bad);
    EXPECT_FALSE(reader.parse().has_value()) << bad;
  }
  xml::Reader ok("<a b=\"x&#10;y\">t&lt;</a>");
  auto root = ok.parse();
  ASSERT_TRUE(root.has_value()) << ok.error();
  EXPECT_EQ(root->attr("b"), "x\ny");
  xml::Reader normalised("<a b=\"x\ny\"/>");
  EXPECT_EQ(normalised.parse()->attr("b"), "x y");
}

// Independent parsers agree: expat (through Python's standard library) and, where installed, xmllint.
TEST(JunitReport, IndependentParsersAcceptIt) {
  ScratchDir scratch;
  std::string python = python_with("xml.dom.minidom");
  if (python.empty()) GTEST_SKIP() << "needs python3";
  std::string path = scratch.write("sample.xml", render(report::Format::Junit, sample_scan(), 2));
  EXPECT_TRUE(shell_ok(python + " -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' " + path));
  std::string bad = scratch.write("bad.xml", "<testsuites>\x01</testsuites>");
  EXPECT_FALSE(shell_ok(python + " -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' " + bad));
  if (shell_ok("command -v xmllint")) {
    EXPECT_TRUE(shell_ok("xmllint --noout " + path));
  }
}

TEST(JunitReport, CommandLineWritesIt) {
  ScratchDir scratch;
  std::string path = scratch.write("cli-junit.yaml", kManifests);
  std::string out;
  EXPECT_EQ(run_kubeguard("scan -f junit " + path, &out), 1);
  xml::Element root = read_xml(out);
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_GT(count(root, "failures"), 0U);
}

}  // namespace
}  // namespace kg::testing

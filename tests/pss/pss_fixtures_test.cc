// Upstream's own conformance fixtures: every pod under pass/ must be allowed
// and every pod under fail/ denied, by the check its file is named after.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "pss/evaluate.h"
#include "pss/registry.h"
#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "capabilities_restricted12" -> "capabilities_restricted"
std::string check_of(const fs::path& file) {
  std::string stem = file.stem().string();
  while (!stem.empty() && std::isdigit(static_cast<unsigned char>(stem.back()))) stem.pop_back();
  return stem;
}

// A fail fixture names the check it targets. Under restricted, a baseline
// check that a restricted one replaces (upstream's OverrideCheckIDs) is
// reported by the replacement, so that one counts too.
bool denied_by(const pss::Result& result, const std::string& expected, pss::Policy policy) {
  for (const auto& f : result.failures) {
    if (lower(f.check) == expected) return true;
    for (const auto& check : pss::all_checks()) {
      if (lower(check.id) != expected) continue;
      const pss::CheckDef* replacement = pss::replaced_by(check, policy);
      if (replacement != nullptr && replacement->id == f.check) return true;
    }
  }
  return false;
}

struct Counts {
  size_t pass = 0;
  size_t fail = 0;
  size_t agree = 0;
};

TEST(PssFixtures, EveryUpstreamFixtureAgrees) {
  const fs::path root = testing::corpus("psa-fixtures");
  ASSERT_TRUE(fs::is_directory(root)) << root;
  std::map<std::string, Counts> by_level;
  size_t total = 0;
  size_t agree = 0;
  for (std::string_view level_name : {"baseline", "restricted"}) {
    auto level = pss::parse_level(level_name);
    ASSERT_TRUE(level);
    for (const auto& version_dir : fs::directory_iterator(root / level_name)) {
      auto version = pss::parse_version(version_dir.path().filename().string());
      ASSERT_TRUE(version) << version_dir.path();
      pss::Policy policy{*level, *version};
      for (std::string_view outcome : {"pass", "fail"}) {
        const fs::path dir = version_dir.path() / outcome;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
          if (entry.path().extension() != ".yaml") continue;
          const std::string file = entry.path().string();
          std::vector<doc::Document> docs;
          doc::load_input(
              file, [&](doc::Document&& d) { docs.push_back(std::move(d)); },
              [&](doc::LoadError&& e) { ADD_FAILURE() << doc::format_error(e); });
          ASSERT_EQ(docs.size(), 1u) << file;
          k8s::Extraction extraction;
          k8s::extract_objects(docs[0], extraction);
          ASSERT_EQ(extraction.objects.size(), 1u) << file;
          auto pod = k8s::pod_spec_of(extraction.objects[0]);
          ASSERT_TRUE(pod) << file;
          pss::Result result = pss::evaluate(*pod, policy);

          ++total;
          Counts& counts = by_level[std::string(level_name)];
          bool ok = false;
          if (outcome == "pass") {
            ++counts.pass;
            ok = result.allowed;
            EXPECT_TRUE(ok) << file << ": " << pss::describe(result);
          } else {
            ++counts.fail;
            std::string expected = check_of(entry.path());
            ok = !result.allowed && denied_by(result, expected, policy);
            EXPECT_TRUE(ok) << file << ": expected " << expected << ", got "
                            << (result.allowed ? "allowed" : pss::describe(result));
          }
          if (ok) {
            ++agree;
            ++counts.agree;
          }
        }
      }
    }
  }
  for (const auto& [level, c] : by_level) {
    std::printf("[   PSS    ] %s: %zu pass + %zu fail fixtures, %zu agree\n", level.c_str(), c.pass, c.fail, c.agree);
  }
  std::printf("[   PSS    ] total: %zu/%zu fixtures agree with upstream\n", agree, total);
  EXPECT_EQ(total, 4537u) << "the corpus changed: update this count deliberately";
  EXPECT_EQ(agree, total);
}

}  // namespace
}  // namespace kg

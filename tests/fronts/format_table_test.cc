// One table of output formats (src/fronts/cli/formats.h) drives every
// command's -f: its help, its shell completion and what it accepts. These
// tests hold the real binary's help and completion scripts to the table, so
// a command that lists formats by hand, or a format added to one place only,
// fails here.
#include <map>
#include <regex>
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "fronts/cli/formats.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

std::set<std::string> table_commands() {
  std::set<std::string> out;
  for (const auto& f : cli::format_table()) out.insert(f.commands.begin(), f.commands.end());
  return out;
}

std::string names_of(std::string_view command, std::string_view separator) {
  std::vector<std::string_view> names;
  for (const auto* f : cli::formats_of(command)) names.push_back(f->name);
  return fmt::format("{}", fmt::join(names, separator));
}

TEST(FormatTable, RowsAreWellFormed) {
  std::set<std::string_view> names;
  for (const auto& f : cli::format_table()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name << " twice";
    EXPECT_FALSE(f.commands.empty()) << f.name;
  }
  // What the watches and audit --follow need: every format a watch accepts streams.
  for (std::string_view watch : {"cluster watch", "node watch"}) {
    for (const auto* f : cli::formats_of(watch)) EXPECT_TRUE(f->streams) << watch << " " << f->name;
  }
  EXPECT_EQ(names_of("audit", " "), "text json sarif junit");
  EXPECT_EQ(names_of("rules", " "), "text json markdown");
}

// Every command with -f in the completion script is in the table, and offers
// exactly the table's formats (bash), for -f and --format alike.
TEST(FormatTable, BashCompletionOffersEachCommandsFormats) {
  std::string script;
  ASSERT_EQ(run_kubeguard("completion bash", &script), 0);
  std::map<std::string, std::string> offered;  // "scan --format" -> values
  // A case line: 'scan'' --format'|'scan'' -f') COMPREPLY=($(compgen -W 'text json ...' ...
  static const std::regex kLine(R"re(\n    ([^\n]*)\) COMPREPLY=\(\$\(compgen -W '([^']*)')re");
  static const std::regex kAlternative(R"re('([a-z -]*)'' (-f|--format)')re");
  for (std::sregex_iterator it(script.begin(), script.end(), kLine), end; it != end; ++it) {
    const std::string patterns = (*it)[1].str();
    for (std::sregex_iterator a(patterns.begin(), patterns.end(), kAlternative); a != end; ++a) {
      offered[(*a)[1].str() + " " + (*a)[2].str()] = (*it)[2].str();
    }
  }
  std::set<std::string> with_format;
  for (const auto& [key, values] : offered) {
    std::string command = key.substr(0, key.rfind(' '));
    with_format.insert(command);
    EXPECT_EQ(values, names_of(command, " ")) << key;
  }
  EXPECT_EQ(with_format, table_commands());
  for (const auto& command : table_commands()) {
    EXPECT_TRUE(offered.contains(command + " -f")) << command;
    EXPECT_TRUE(offered.contains(command + " --format")) << command;
  }
}

TEST(FormatTable, BashCompletesFormatsInARealShell) {
  auto complete = [](const std::string& words, int cword) {
    std::string out;
    std::string line = fmt::format(
        "bash -c 'source <(\"{}\" completion bash); COMP_WORDS=({}); COMP_CWORD={}; _kubeguard; printf \"%s\\n\" "
        "\"${{COMPREPLY[@]}}\"'",
        KG_BINARY, words, cword);
    FILE* pipe = popen(line.c_str(), "r");
    char buffer[4096];
    size_t n = 0;
    while (pipe != nullptr && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    if (pipe != nullptr) pclose(pipe);
    return out;
  };
  EXPECT_EQ(complete("kubeguard audit -f \"\"", 3), "text\njson\nsarif\njunit\n");
  EXPECT_EQ(complete("kubeguard cluster watch --format \"\"", 4), "text\njson\n");
  EXPECT_EQ(complete("kubeguard rules -f m", 3), "markdown\n");
  EXPECT_EQ(complete("kubeguard rbac -f d", 3), "dot\n");
  EXPECT_EQ(complete("kubeguard scan --color a", 3), "auto\nalways\n");
}

TEST(FormatTable, FishCompletionOffersEachCommandsFormats) {
  std::string script;
  ASSERT_EQ(run_kubeguard("completion fish", &script), 0);
  static const std::regex kLine(R"re(-l format -s f -r -a '([^']*)')re");
  size_t lines = 0;
  std::set<std::string> value_sets;
  for (std::sregex_iterator it(script.begin(), script.end(), kLine), end; it != end; ++it) {
    ++lines;
    value_sets.insert((*it)[1].str());
  }
  EXPECT_EQ(lines, table_commands().size());
  std::set<std::string> expected;
  for (const auto& command : table_commands()) expected.insert(names_of(command, " "));
  EXPECT_EQ(value_sets, expected);
}

// Each command's help names the table's formats; a value it does not accept
// is refused before the command runs, naming what it accepts; case does not matter.
TEST(FormatTable, HelpAndParsingFollowTheTable) {
  for (const auto& command : table_commands()) {
    std::string out;
    EXPECT_EQ(run_kubeguard(command + " --help", &out), 0) << command;
    std::string listed;
    for (const auto* f : cli::formats_of(command)) {
      listed += listed.empty() ? "" : ", ";
      listed += f->help.empty() ? std::string(f->name) : fmt::format("{} ({})", f->name, f->help);
    }
    // CLI11 wraps long help lines: compare with the whitespace folded.
    std::string folded = std::regex_replace(out, std::regex(R"(\s+)"), " ");
    EXPECT_NE(folded.find("Output format: " + listed), std::string::npos) << command << "\n" << out;
    EXPECT_EQ(run_kubeguard(command + " -f bogus 2>&1", &out), 2) << command;
    EXPECT_NE(out.find(fmt::format("unknown format 'bogus' ({})", names_of(command, ", "))), std::string::npos)
        << command << "\n"
        << out;
  }
  std::string out;
  EXPECT_EQ(run_kubeguard("scan -q -f JSON " + source("examples/demo/debug-pod.yaml")), 1);
  EXPECT_EQ(run_kubeguard("rules -f MARKDOWN", &out), 0);
  EXPECT_NE(out.find("# kubeguard rules reference"), std::string::npos);
}

}  // namespace
}  // namespace kg::testing

// The command line's everyday habits, through the real binary: version and
// help, "did you mean", case-insensitive values, --fail-on none, a scan that
// reads nothing, -q, --color and its variables, skipped directories,
// excludedPaths from the scan root, shell completion in real shells.
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

constexpr std::string_view kPrivileged = R"(apiVersion: v1
kind: Pod
metadata: {name: root, namespace: shop}
spec:
  containers:
  - name: app
    image: app:1
    securityContext: {privileged: true}
)";

// Runs a shell command line (the binary is $KG); returns status and output (stdout and stderr).
int sh(const std::string& line, std::string* out = nullptr) {
  std::string command = fmt::format("KG='{}'; export KG; {{ {}; }} 2>&1", KG_BINARY, line);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CliHabits, VersionAndHelpCommands) {
  std::string out;
  EXPECT_EQ(sh("$KG version", &out), 0);
  EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  EXPECT_EQ(sh("$KG help cluster scan", &out), 0);
  EXPECT_NE(out.find("--request-timeout"), std::string::npos) << out;
  EXPECT_EQ(sh("$KG help clustr", &out), 2);
  EXPECT_NE(out.find("did you mean 'cluster'"), std::string::npos) << out;
}

TEST(CliHabits, MistypedCommandsAndRulesGetSuggestions) {
  std::string out;
  EXPECT_EQ(sh("$KG scna k8s/", &out), 2);
  EXPECT_NE(out.find("unknown command 'scna' (did you mean 'scan'?)"), std::string::npos) << out;
  EXPECT_EQ(sh("$KG cluster sacn", &out), 2);
  EXPECT_NE(out.find("for 'kubeguard cluster' (did you mean 'scan'?)"), std::string::npos) << out;
  EXPECT_EQ(sh("$KG rules KG-SC-02", &out), 2);
  EXPECT_NE(out.find("did you mean 'KG-SC-002'"), std::string::npos) << out;
  // Arguments of a command are not commands.
  EXPECT_EQ(sh("$KG rules KG-SC-002 >/dev/null", &out), 0) << out;
}

TEST(CliHabits, IgnoreAnnotationWithAnUnknownRuleWarns) {
  TempTree tree;
  std::string file = tree.write("pod.yaml", R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
    kubeguard.io/ignore: "KG-POD-0001, privileged-container"
spec:
  containers: [{name: app, image: "app:1"}]
)");
  std::string out;
  sh("$KG scan " + file + " -f json", &out);
  EXPECT_NE(out.find("kubeguard.io/ignore names unknown rule 'KG-POD-0001' (did you mean 'KG-POD-001'"),
            std::string::npos)
      << out;
}

TEST(CliHabits, EnumValuesIgnoreCaseAndFailOnNone) {
  TempTree tree;
  std::string file = tree.write("pod.yaml", kPrivileged);
  std::string out;
  EXPECT_EQ(sh("$KG scan " + file + " -f JSON --fail-on CRITICAL", &out), 1) << out;
  EXPECT_NE(out.find("\"failOn\": \"critical\""), std::string::npos) << out;
  EXPECT_EQ(sh("$KG scan " + file + " -f Json --fail-on none", &out), 0) << out;
  EXPECT_NE(out.find("\"failOn\": \"none\""), std::string::npos) << out;
  EXPECT_EQ(sh("$KG scan " + file + " --pss Restricted:V1.30 -q"), 1);
  // none keeps errors failing.
  std::string broken = tree.write("broken.yaml", "kind: [\n");
  EXPECT_EQ(sh("$KG scan " + broken + " --fail-on none -q"), 2);
  EXPECT_EQ(sh("$KG scan " + file + " --fail-on nothing", &out), 2);
  EXPECT_NE(out.find("critical, high, medium, low, info, none"), std::string::npos) << out;
}

TEST(CliHabits, AScanThatReadsNoFileFails) {
  TempTree tree;
  tree.write("notes.txt", "not a manifest\n");
  std::string out;
  EXPECT_EQ(sh("$KG scan " + tree.path(), &out), 2);
  EXPECT_NE(out.find("no manifest file was read"), std::string::npos) << out;
  EXPECT_EQ(sh("$KG scan " + tree.path() + " -f json --fail-on none", &out), 2);
  EXPECT_NE(out.find("no manifest file was read"), std::string::npos) << out;
}

TEST(CliHabits, QuietWritesNoReport) {
  TempTree tree;
  std::string file = tree.write("pod.yaml", kPrivileged);
  std::string out;
  EXPECT_EQ(sh("$KG scan -q " + file, &out), 1);
  EXPECT_EQ(out, "");
  std::string report = tree.path("report.json");
  EXPECT_EQ(sh("$KG scan --quiet " + file + " -f json -o " + report, &out), 1);
  EXPECT_EQ(out, "");
  EXPECT_NE(read_file(report).find("KG-POD-001"), std::string::npos);
}

TEST(CliHabits, ColorFollowsTheFlagAndTheVariables) {
  TempTree tree;
  std::string file = tree.write("pod.yaml", kPrivileged);
  std::string out;
  const std::string esc = "\033[";
  // Standard output is a pipe here: auto means no colour.
  sh("$KG scan " + file, &out);
  EXPECT_EQ(out.find(esc), std::string::npos);
  sh("$KG scan " + file + " --color always", &out);
  EXPECT_NE(out.find(esc), std::string::npos);
  sh("$KG scan " + file + " --color ALWAYS", &out);
  EXPECT_NE(out.find(esc), std::string::npos);
  sh("FORCE_COLOR=1 $KG scan " + file, &out);
  EXPECT_NE(out.find(esc), std::string::npos);
  sh("FORCE_COLOR=1 NO_COLOR=1 $KG scan " + file, &out);
  EXPECT_EQ(out.find(esc), std::string::npos) << "NO_COLOR wins";
  sh("FORCE_COLOR=1 $KG --color never scan " + file, &out);
  EXPECT_EQ(out.find(esc), std::string::npos);
  EXPECT_EQ(sh("$KG scan " + file + " --color sometimes", &out), 2);
  // On a terminal (script(1) gives one), TERM=dumb and NO_COLOR turn it off.
  if (sh("command -v script >/dev/null") == 0) {
    sh("TERM=xterm script -qec \"$KG scan " + file + "\" /dev/null", &out);
    EXPECT_NE(out.find(esc), std::string::npos) << "a terminal gets colour";
    sh("TERM=dumb script -qec \"$KG scan " + file + "\" /dev/null", &out);
    EXPECT_EQ(out.find(esc), std::string::npos) << "TERM=dumb";
    sh("TERM=xterm NO_COLOR=1 script -qec \"$KG scan " + file + "\" /dev/null", &out);
    EXPECT_EQ(out.find(esc), std::string::npos) << "NO_COLOR";
  }
}

TEST(CliHabits, SkipsVersionControlAndPackagesAndReadsUpperCaseExtensions) {
  TempTree tree;
  tree.write("app/POD.YAML", kPrivileged);
  tree.write("app/.git/objects/pod.yaml", kPrivileged);
  tree.write("node_modules/chart/pod.yml", kPrivileged);
  std::string out;
  EXPECT_EQ(sh("$KG scan " + tree.path() + " -f json", &out), 1);
  EXPECT_NE(out.find("POD.YAML"), std::string::npos) << out;
  EXPECT_EQ(out.find(".git"), std::string::npos) << out;
  EXPECT_EQ(out.find("node_modules"), std::string::npos) << out;
  EXPECT_NE(out.find("\"files\": 1,"), std::string::npos) << out;
}

TEST(CliHabits, ExcludedPathsAreRelativeToTheScanRoot) {
  TempTree tree;
  tree.write("repo/app/pod.yaml", kPrivileged);
  tree.write("repo/vendor/lib/pod.yaml", kPrivileged);
  tree.write("repo/.kubeguard.yaml", "excludedPaths: [\"vendor/*\"]\n");
  std::string out;
  // The README's example: `scan .` in the repository.
  EXPECT_EQ(sh("cd " + tree.path("repo") + " && $KG scan . -f json", &out), 1);
  EXPECT_NE(out.find("\"excludedFiles\": 1,"), std::string::npos) << out;
  EXPECT_EQ(out.find("vendor"), std::string::npos) << out;
  // And from outside, naming the directory.
  EXPECT_EQ(sh("cd " + tree.path("repo") + " && $KG scan " + tree.path("repo") + " -f json", &out), 1);
  EXPECT_NE(out.find("\"excludedFiles\": 1,"), std::string::npos) << out;
}

TEST(CliHabits, IgnoreFileAcceptsFindingsWithAReasonUntilTheirDate) {
  TempTree tree;
  tree.write("repo/app/pod.yaml", kPrivileged);
  tree.write("repo/.kubeguard.yaml", "failOn: critical\n");
  tree.write("repo/.kubeguardignore.yaml", R"(- rule: privileged-container
  object: "Pod shop/*"
  reason: "reviewed: the agent needs the host"
  expires: 2999-12-31
- rule: KG-POD-002
  reason: "was fine last year"
  expires: 2001-01-01
)");
  std::string out;
  EXPECT_EQ(sh("cd " + tree.path("repo") + " && $KG scan . -f json", &out), 0) << out;
  EXPECT_NE(out.find("\"suppression\": \"accepted until 2999-12-31: reviewed: the agent needs the host\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("the acceptance of KG-POD-002 expired on 2001-01-01; its findings count again"), std::string::npos)
      << out;
  // An entry without a reason, or naming no known rule, is an error with its line.
  std::string bad = tree.write("bad.yaml", "- rule: KG-POD-0001\n  reason: x\n- rule: KG-POD-001\n");
  EXPECT_EQ(sh("cd " + tree.path("repo") + " && $KG scan . --ignore-file " + bad, &out), 2);
  EXPECT_NE(out.find("bad.yaml:1:9"), std::string::npos) << out;
  EXPECT_NE(out.find("did you mean 'KG-POD-001'"), std::string::npos) << out;
  EXPECT_NE(out.find("reason is required"), std::string::npos) << out;
}

TEST(CliHabits, BashCompletesCommandsOptionsAndValues) {
  std::string script = "source <($KG completion bash); ";
  auto complete = [&](const std::string& words, int cword) {
    std::string out;
    sh("bash -c '" + script + "COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
           "; _kubeguard; printf \"%s\\n\" \"${COMPREPLY[@]}\"'",
       &out);
    return out;
  };
  EXPECT_NE(complete("kubeguard clu", 1).find("cluster\n"), std::string::npos);
  EXPECT_NE(complete("kubeguard cluster s", 2).find("scan\n"), std::string::npos);
  std::string options = complete("kubeguard scan --fa", 2);
  EXPECT_EQ(options, "--fail-on\n");
  EXPECT_EQ(complete("kubeguard scan --fail-on h", 3), "high\n");
  EXPECT_EQ(complete("kubeguard scan -f ht", 3), "html\n");
  std::string out;
  EXPECT_EQ(sh("bash -c '" + script + "complete -p kubeguard'", &out), 0) << out;
}

TEST(CliHabits, ZshAndFishLoadTheirCompletion) {
  std::string out;
  bool any = false;
  if (sh("command -v zsh >/dev/null") == 0) {
    any = true;
    EXPECT_EQ(sh("zsh -fc 'autoload -U compinit && compinit -u; source <($KG completion zsh); "
                 "print -r -- ${_comps[kubeguard]}'",
                 &out),
              0)
        << out;
    EXPECT_NE(out.find("_bash_complete"), std::string::npos) << out;
  }
  if (sh("command -v fish >/dev/null") == 0) {
    any = true;
    EXPECT_EQ(sh("fish -c '$KG completion fish | source; complete -C \"kubeguard clu\"'", &out), 0) << out;
    EXPECT_NE(out.find("cluster"), std::string::npos) << out;
    EXPECT_EQ(sh("fish -c '$KG completion fish | source; complete -C \"kubeguard scan --fail-on \"'", &out), 0) << out;
    EXPECT_NE(out.find("critical"), std::string::npos) << out;
  }
  if (!any) GTEST_SKIP() << "needs zsh or fish (scripts/install-deps.sh installs both)";
}

}  // namespace
}  // namespace kg::testing

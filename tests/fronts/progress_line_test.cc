// The progress line of a long scan, on a real pseudo-terminal
// (tests/fronts/on_terminal.py): drawn on standard error when that is a
// terminal, wiped before the report; never with -q, TERM=dumb, CI set, a
// pipe, a JSON report streaming to the same terminal, or a quick scan;
// without escape sequences under NO_COLOR or --color never. A scan is made long by a `-`
// input whose pipe stays empty for kHeld seconds (the line waits 1 s before it shows). The
// margin between the two absorbs the time kubeguard takes to start and build its catalog
// before the line's clock starts: well over half a second under ASan on a loaded machine.
#include <map>
#include <regex>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

constexpr std::string_view kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: nginx:1.25
    securityContext: {privileged: true}
)";

constexpr const char* kHeld = "3.5";

std::string quote(const std::string& s) { return "'" + s + "'"; }

struct Run {
  std::string transcript;  // what the terminal received
  std::string stdout_text;
};

// Every case at once (each waits kHeld seconds on its standard input), in the background of one shell.
class TerminalRuns {
 public:
  explicit TerminalRuns(const TempTree& tree) : tree_(tree) {
    stdin_file_ = tree.write("stdin.yaml", kPod);
    a_ = tree.write("a.yaml", kPod);
    b_ = tree.write("b.yaml", kPod);
  }
  // `env` and `args` around `kubeguard scan a.yaml - b.yaml`; `terminal` false runs it with
  // standard error into a file (a pipe's case) instead.
  void add(const std::string& name, const std::string& env, const std::string& args, bool terminal = true,
           bool stdout_on_terminal = false, const char* delay = kHeld) {
    std::string scan = fmt::format("{} scan {} - {} {}", quote(KG_BINARY), quote(a_), quote(b_), args);
    std::string transcript = tree_.path(name + ".tty");
    std::string out = tree_.path(name + ".out");
    std::string line;
    if (terminal) {
      line = fmt::format("env {} python3 {} {} {} {} {} {} -- {}", env, quote(source("tests/fronts/on_terminal.py")),
                         stdout_on_terminal ? "--stdout-on-terminal" : "", quote(stdin_file_), delay, quote(transcript),
                         quote(out), scan);
    } else {
      line = fmt::format("(sleep {}; cat {}) | env {} {} >{} 2>{}", delay, quote(stdin_file_), env, scan, quote(out),
                         quote(transcript));
    }
    script_ += "( " + line + " ) & ";
    names_.push_back(name);
  }
  std::map<std::string, Run> run() {
    std::system((script_ + "wait").c_str());
    std::map<std::string, Run> runs;
    for (const auto& n : names_) runs[n] = Run{read_file(tree_.path(n + ".tty")), read_file(tree_.path(n + ".out"))};
    return runs;
  }

 private:
  const TempTree& tree_;
  std::string stdin_file_, a_, b_, script_;
  std::vector<std::string> names_;
};

TEST(ProgressLine, OnATerminalOnlyAndWipedBeforeTheReport) {
  TempTree tree;
  TerminalRuns runs(tree);
  // A terminal that colours (TERM set, no NO_COLOR) and is no CI job's.
  const std::string base = "-u CI -u NO_COLOR -u FORCE_COLOR TERM=xterm";
  runs.add("terminal", base, "");
  runs.add("quiet", base, "-q -o " + tree.path("q.txt"));
  runs.add("dumb", "-u CI -u NO_COLOR TERM=dumb", "");
  runs.add("ci", "-u NO_COLOR TERM=xterm CI=true", "");
  runs.add("no-color", "-u CI TERM=xterm NO_COLOR=1", "");
  runs.add("color-never", base, "--color never");
  runs.add("pipe", base, "", false);
  runs.add("json-on-terminal", base, "-f json", true, true);
  runs.add("json-to-file", base, "-f json");
  runs.add("quick", base, "", true, false, "0");  // done well within the second the line waits
  auto r = runs.run();

  // Drawn once the stdin pipe delivered (file 2 of 3, kHeld seconds in), then wiped with ESC[K; the report on stdout.
  const std::regex drawn("\rscanning: 2/3 files, [0-9]+ findings");
  std::smatch m;
  const std::string& terminal = r["terminal"].transcript;
  ASSERT_TRUE(std::regex_search(terminal, m, drawn)) << terminal;
  EXPECT_EQ(terminal.substr(m.position(0) + m.length(0), 3), "\x1b[K") << terminal;
  EXPECT_TRUE(terminal.ends_with("\r\x1b[K")) << terminal;
  EXPECT_EQ(r["terminal"].stdout_text.find("scanning:"), std::string::npos);
  EXPECT_NE(r["terminal"].stdout_text.find("KG-POD-001"), std::string::npos) << r["terminal"].stdout_text;
  EXPECT_TRUE(std::regex_search(r["json-to-file"].transcript, drawn)) << r["json-to-file"].transcript;
  EXPECT_NE(r["json-to-file"].stdout_text.find("\"findings\""), std::string::npos);

  // No colour: the same line, wiped with spaces, no escape sequence at all.
  for (const char* name : {"no-color", "color-never"}) {
    const std::string& t = r[name].transcript;
    ASSERT_TRUE(std::regex_search(t, m, drawn)) << name << ": " << t;
    EXPECT_EQ(t.find('\x1b'), std::string::npos) << name << ": " << t;
    std::string wipe(static_cast<size_t>(m.length(0)) + 1, ' ');
    wipe.front() = '\r';
    wipe.back() = '\r';
    EXPECT_TRUE(t.ends_with(wipe)) << name << ": " << t;
  }
  // Never: -q, a dumb terminal, a CI job, a pipe, JSON streaming to the same terminal.
  for (const char* name : {"quiet", "dumb", "ci", "pipe", "json-on-terminal", "quick"}) {
    EXPECT_EQ(r[name].transcript.find("scanning:"), std::string::npos) << name << ": " << r[name].transcript;
  }
  EXPECT_EQ(r["pipe"].transcript, "");
  EXPECT_NE(r["json-on-terminal"].transcript.find("\"findings\""), std::string::npos)
      << "the report went to the terminal";
  EXPECT_NE(read_file(tree.path("q.txt")).find("KG-POD-001"), std::string::npos) << "-o still writes the report";
}

}  // namespace
}  // namespace kg::testing

// A report that cannot be written (a full disk: /dev/full) is an error for
// every command and format, as -o FILE and as standard output: exit status
// 2 and a message, never 0 or 1 as if the reader had the report. And text
// meant for a terminal never carries the input's control characters: a
// manifest or an audit log cannot recolour, retitle or rewrite the screen.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hostile/hostile_test_util.h"
#include "support/guarded_run.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::GuardedIo;
using testing::GuardedRun;
using testing::run_guarded;
using testing::ScratchDir;
using testing::slurp;

const std::string kPod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
    "spec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    securityContext: {privileged: true}\n";

const std::string kRbac =
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ops-admin}\n"
    "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
    "subjects: [{kind: ServiceAccount, name: ops, namespace: shop}]\n";

std::string audit_exec_line() {
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseStarted",)"
         R"("requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh&container=web","verb":"create",)"
         R"("user":{"username":"alice","groups":["system:authenticated"]},"sourceIPs":["203.0.113.7"],)"
         R"("objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},)"
         R"("responseStatus":{"code":101},"requestReceivedTimestamp":"2026-01-01T10:00:00Z",)"
         R"("annotations":{"authorization.k8s.io/decision":"allow"}})"
         "\n";
}

struct Command {
  std::vector<std::string> args;
  bool has_output_option;
};

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += a + " ";
  return out;
}

TEST(HostileOutput, AFailedWriteIsExitTwoWithAMessageForEveryCommandAndFormat) {
  ScratchDir dir;
  std::string pod = dir.write("pod.yaml", kPod);
  std::string rbac = dir.write("rbac.yaml", kRbac);
  std::string audit = dir.write("audit.log", audit_exec_line());
  std::vector<Command> commands;
  for (std::string format : {"text", "json", "sarif", "junit"}) {
    commands.push_back({{"scan", "-f", format, pod}, true});
    commands.push_back({{"diff", "-f", format, "--baseline", pod, "--live", pod}, true});
  }
  for (std::string format : {"sarif", "junit"}) commands.push_back({{"audit", "-f", format, audit}, false});
  for (std::string format : {"text", "json"}) {
    commands.push_back({{"pss", "--level", "baseline", "-f", format, pod}, false});
    commands.push_back({{"audit", "-f", format, audit}, false});
    commands.push_back({{"rbac", "-f", format, rbac}, true});
    commands.push_back({{"rbac", "who-can", "-f", format, "create", "pods", rbac}, true});
    commands.push_back({{"rbac", "who-can-inject", "-f", format, rbac}, true});
  }
  commands.push_back({{"rbac", "-f", "dot", rbac}, true});
  for (std::string format : {"text", "json", "markdown"}) commands.push_back({{"rules", "-f", format}, false});
  commands.push_back({{"rules", "KG-POD-001"}, false});

  std::string err = dir.path("err.txt");
  for (const auto& c : commands) {
    // The command works when its output can be written...
    GuardedRun ok = run_guarded(c.args, GuardedIo{"/dev/null", dir.path("out.txt"), err});
    ASSERT_FALSE(ok.timed_out) << joined(c.args);
    EXPECT_LT(ok.cpu_seconds, 10.0 * testing::kSanitizerScale) << joined(c.args);
    EXPECT_TRUE(ok.code == 0 || ok.code == 1) << joined(c.args) << " exits " << ok.code << ": " << slurp(err);
    // ...and is an error when standard output is full,
    GuardedRun full = run_guarded(c.args, GuardedIo{"/dev/null", "/dev/full", err});
    EXPECT_FALSE(full.timed_out) << joined(c.args);
    EXPECT_EQ(full.code, 2) << joined(c.args) << "> /dev/full";
    std::string message = slurp(err);
    EXPECT_NE(message.find("error writing"), std::string::npos) << joined(c.args) << "> /dev/full: " << message;
    if (!c.has_output_option) continue;
    // ...or the -o file cannot be written.
    std::vector<std::string> args = c.args;
    args.insert(args.begin() + (c.args[0] == "rbac" && c.args[1].starts_with("who") ? 2 : 1), {"-o", "/dev/full"});
    GuardedRun file = run_guarded(args, GuardedIo{"/dev/null", dir.path("out.txt"), err});
    EXPECT_FALSE(file.timed_out) << joined(args);
    EXPECT_EQ(file.code, 2) << joined(args);
    message = slurp(err);
    EXPECT_NE(message.find("/dev/full"), std::string::npos) << joined(args) << ": " << message;
  }
}

// Bytes that drive a terminal: ESC (CSI, OSC title), BEL, backspace,
// carriage return, the C1 CSI (U+009B) and a bidi override.
bool has_terminal_controls(std::string_view text, bool newlines_allowed = true) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' && newlines_allowed) continue;
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return true;
    }
    if (text.substr(i, 3) == "\xE2\x80\xAE") return true;
  }
  return false;
}

TEST(HostileOutput, ControlCharactersFromTheInputNeverReachTheTerminal) {
  ScratchDir dir;
  // YAML double-quoted escapes put the raw bytes into the strings.
  const std::string evil = R"(\e]0;owned\a\e[2J\e[1;31mFAKE\r\b\x9b31m\u202e)";
  std::string pod =
      dir.write("evil.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"web" + evil +
                                 "\"\n  namespace: shop\nspec:\n  containers:\n  - name: \"c" + evil +
                                 "\"\n    image: \"nginx" + evil + "\"\n    securityContext: {privileged: true}\n");
  std::string rbac =
      dir.write("evil-rbac.yaml",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: \"ops" + evil +
                    "\"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "
                    "cluster-admin}\nsubjects: [{kind: ServiceAccount, name: \"ops" +
                    evil + "\", namespace: shop}]\n");
  // JSON escapes in the audit log: \u001b is ESC.
  std::string audit_line = audit_exec_line();
  std::string json_evil = R"(\u001b]0;owned\u0007\u001b[2J\r\b\u009b31m\u202e)";
  auto replace = [&](std::string from, std::string to) { audit_line.replace(audit_line.find(from), from.size(), to); };
  replace(R"("username":"alice")", R"("username":"alice)" + json_evil + "\"");
  replace(R"("sourceIPs":[)", R"("userAgent":"kubectl)" + json_evil + R"(","sourceIPs":[)");
  replace("command=sh", "command=sh%1b%5d0%3bowned%07");
  std::string audit = dir.write("audit.log", audit_line);

  std::string out = dir.path("out.txt"), err = dir.path("err.txt");
  const std::vector<std::vector<std::string>> text_commands = {
      {"scan", pod},
      {"diff", "--baseline", pod, "--live", dir.write("empty.yaml", "")},
      {"pss", "--level", "baseline", pod},
      {"audit", audit},
      {"rbac", rbac},
      {"rbac", "who-can", "create", "pods", rbac},
      {"rbac", "who-can-inject", rbac},
  };
  for (const auto& args : text_commands) {
    GuardedRun run = run_guarded(args, GuardedIo{"/dev/null", out, err});
    ASSERT_FALSE(run.timed_out) << joined(args);
    EXPECT_TRUE(run.code == 0 || run.code == 1) << joined(args) << ": " << slurp(err);
    std::string text = slurp(out);
    EXPECT_FALSE(text.empty()) << joined(args);
    EXPECT_FALSE(has_terminal_controls(text)) << joined(args) << " printed control characters:\n" << text;
    EXPECT_FALSE(has_terminal_controls(slurp(err))) << joined(args) << " (standard error)";
  }
  // The control characters are shown, escaped, so the reader sees them.
  run_guarded({"scan", pod}, GuardedIo{"/dev/null", out, err});
  EXPECT_NE(slurp(out).find("\\x1b]0;owned\\x07"), std::string::npos) << slurp(out);
}

}  // namespace
}  // namespace kg

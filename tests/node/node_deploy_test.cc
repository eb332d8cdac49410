// deploy/node/: the node agent is the one privileged part of kubeguard. Every
// finding kubeguard's own scan has on it is suppressed on the pod template
// with a reason (so it stays visible), and its rights are the documented ones.
#include <set>

#include <gtest/gtest.h>

#include "engine/scanner.h"
#include "pss/policy.h"
#include "support/test_support.h"

namespace kg {
namespace {

TEST(NodeDeploy, EveryFindingIsSuppressedWithAReason) {
  for (const char* level : {"restricted", "baseline"}) {
    engine::Config config;
    config.settings.pss = pss::parse_policy(level);
    auto result = engine::scan({{testing::source("deploy/node")}, 1}, testing::catalog(), config);
    EXPECT_TRUE(result.errors.empty());
    EXPECT_EQ(result.summary.objects, 3u);  // the Namespace, the ServiceAccount and the DaemonSet
    std::set<std::string> rules;
    for (const auto& f : result.findings) {
      EXPECT_TRUE(f.suppressed) << level << " " << f.rule_id << " " << f.path << " " << f.message;
      EXPECT_NE(f.suppression.find("docs/NODE.md"), std::string::npos) << f.suppression;
      rules.insert(f.rule_id);
    }
    // It is a privileged agent, and the scan says so.
    EXPECT_GE(rules.size(), 10u) << level;
    EXPECT_EQ(engine::exit_code(result, rules::Severity::Info), 0) << level;
  }
}

TEST(NodeDeploy, RightsAreTheDocumentedOnes) {
  std::string text = testing::read_file(testing::source("deploy/node/node-daemonset.yaml"));
  for (const char* need :
       {"hostPID: true", "hostNetwork: true", "add: [SYS_PTRACE, DAC_READ_SEARCH, NET_ADMIN, NET_RAW]", "drop: [ALL]",
        "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "automountServiceAccountToken: false",
        "type: RuntimeDefault"}) {
    EXPECT_NE(text.find(need), std::string::npos) << need;
  }
  EXPECT_EQ(text.find("privileged: true"), std::string::npos);
  // Every host path is mounted read-only.
  size_t mounts = 0;
  for (size_t at = text.find("mountPath: /host"); at != std::string::npos; at = text.find("mountPath: /host", at + 1)) {
    ++mounts;
    EXPECT_EQ(text.substr(text.find('\n', at) + 1, 24), "          readOnly: true") << text.substr(at, 60);
  }
  EXPECT_EQ(mounts, 2u);
}

}  // namespace
}  // namespace kg

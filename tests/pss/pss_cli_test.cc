// `kubeguard pss` end to end: lines, exit codes and errors.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::corpus;
using testing::run_kubeguard;

std::string fixture(std::string_view relative) { return corpus("psa-fixtures/" + std::string(relative)); }

TEST(PssCli, AllowedFixtureExitsZero) {
  std::string path = fixture("restricted/v1.30/pass/base.yaml");
  std::string out;
  EXPECT_EQ(run_kubeguard("pss --level restricted --version v1.30 " + path, &out), 0);
  EXPECT_EQ(out, "ALLOWED " + path + " Pod base\n");
}

TEST(PssCli, DeniedFixtureExitsOneWithUpstreamWording) {
  std::string path = fixture("restricted/v1.30/fail/capabilities_restricted0.yaml");
  std::string out;
  EXPECT_EQ(run_kubeguard("pss --level restricted --version v1.30 " + path, &out), 1);
  EXPECT_EQ(out, "DENIED " + path +
                     " Pod capabilities_restricted0: capabilities_restricted: unrestricted capabilities "
                     "(container \"container1\" must set securityContext.capabilities.drop=[\"ALL\"])\n");
  // The same pod predates the check at v1.21.
  EXPECT_EQ(run_kubeguard("pss --level restricted --version v1.21 " + path, &out), 0);
}

TEST(PssCli, DirectoriesMixAndJson) {
  std::string dir = fixture("baseline/v1.34");
  std::string out;
  EXPECT_EQ(run_kubeguard("pss -l baseline -v latest " + dir, &out), 1);
  EXPECT_NE(out.find("ALLOWED " + dir + "/pass/base.yaml Pod base\n"), std::string::npos);
  EXPECT_NE(out.find("DENIED " + dir + "/fail/hostprobesandhostlifecycle0.yaml"), std::string::npos);

  std::string path = fixture("baseline/v1.34/fail/privileged0.yaml");
  EXPECT_EQ(run_kubeguard("pss -f json -l baseline " + path, &out), 1);
  EXPECT_NE(out.find("\"check\": \"privileged\""), std::string::npos);
  EXPECT_NE(out.find("\"path\": \"spec.containers[0].securityContext.privileged\""), std::string::npos);
  EXPECT_NE(out.find("\"denied\": 1"), std::string::npos);
}

TEST(PssCli, InputAndUsageErrorsExitTwo) {
  std::string out;
  EXPECT_EQ(run_kubeguard("pss --level strict " + fixture("baseline/v1.0/pass/base.yaml") + " 2>/dev/null", &out), 2);
  EXPECT_EQ(run_kubeguard("pss --version 1 " + fixture("baseline/v1.0/pass/base.yaml") + " 2>/dev/null", &out), 2);
  EXPECT_EQ(run_kubeguard("pss /nonexistent/pod.yaml 2>/dev/null", &out), 2);

  auto bad = std::filesystem::temp_directory_path() / "kubeguard_pss_cli_malformed.yaml";
  {
    std::ofstream f(bad);
    f << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: [\n";
  }
  std::string errors_to_stdout;
  EXPECT_EQ(run_kubeguard("pss " + bad.string() + " 2>&1", &errors_to_stdout), 2);
  EXPECT_NE(errors_to_stdout.find(bad.string() + ":7:"), std::string::npos) << errors_to_stdout;
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace kg

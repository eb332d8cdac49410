// Charts and kustomizations given to `scan`: rendered by the real helm and
// kubectl, findings named after the template (helm's # Source:) or the
// kustomization; a clear message when the tool is missing.
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

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

void write_chart(const TempTree& tree) {
  tree.write("repo/charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  tree.write("repo/charts/web/values.yaml", "privileged: true\nimage: nginx:1.27\n");
  tree.write("repo/charts/web/templates/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        securityContext:
          privileged: {{ .Values.privileged }}
)");
  tree.write("repo/charts/web/templates/service.yaml",
             "apiVersion: v1\nkind: Service\nmetadata: {name: {{ .Release.Name }}-web}\nspec:\n"
             "  selector: {app: web}\n  ports: [{port: 80}]\n");
  tree.write("repo/app/pod.yaml",
             "apiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: shop}\nspec:\n  containers:\n"
             "  - {name: c, image: 'a:1'}\n");
}

void write_kustomization(const TempTree& tree) {
  tree.write("kust/base/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: "api:1"}
)");
  tree.write("kust/base/kustomization.yaml", "resources: [deployment.yaml]\n");
  // The overlay makes it privileged: only the rendered output shows it.
  tree.write("kust/overlay/kustomization.yaml", R"(resources: [../base]
namespace: prod
patches:
- target: {kind: Deployment, name: api}
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/securityContext
      value: {privileged: true}
)");
}

TEST(RenderInputs, MissingToolsAreNamed) {
  TempTree tree;
  write_chart(tree);
  write_kustomization(tree);
  std::string out;
  EXPECT_EQ(sh("PATH=/nonexistent $KG scan " + tree.path("repo") + " " + tree.path("kust/overlay"), &out), 2);
  EXPECT_NE(out.find(tree.path("repo/charts/web") + ": is a Helm chart: its templates are not manifests until "
                                                    "rendered; install helm"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(tree.path("kust/overlay") + ": is a kustomization: install kubectl"), std::string::npos) << out;
  // The chart's templates were not read as YAML (they do not parse): no syntax error.
  EXPECT_EQ(out.find("yaml-syntax"), std::string::npos) << out;
  EXPECT_EQ(out.find("did not find expected"), std::string::npos) << out;
}

// Named Live*: the end-to-end step has kubectl on PATH.
TEST(LiveRender, KustomizationIsScannedAsItRenders) {
  if (sh("command -v kubectl >/dev/null") != 0) GTEST_SKIP() << "needs kubectl on PATH";
  TempTree tree;
  write_kustomization(tree);
  std::string out;
  EXPECT_EQ(sh("$KG scan " + tree.path("kust/overlay") + " -f json", &out), 1) << out;
  EXPECT_NE(out.find("\"rule\": \"KG-POD-001\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"file\": \"" + tree.path("kust/overlay/kustomization.yaml") + "\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"namespace\": \"prod\""), std::string::npos) << out;
  // Scanning the parent renders both kustomizations and reads no raw file of theirs twice.
  EXPECT_EQ(sh("$KG scan " + tree.path("kust") + " -f json", &out), 1) << out;
  EXPECT_NE(out.find(tree.path("kust/base/kustomization.yaml")), std::string::npos) << out;
  EXPECT_EQ(out.find("\"file\": \"" + tree.path("kust/base/deployment.yaml") + "\""), std::string::npos) << out;
}

std::string helm_dir() {
  std::string path;
  if (sh("bash " + source("scripts/helm.sh") + " path", &path) != 0) return {};
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return std::filesystem::path(path).parent_path().string();
}

TEST(LiveRender, HelmChartFindingsNameTheirTemplate) {
  std::string helm = helm_dir();
  if (helm.empty()) GTEST_SKIP() << "needs helm (scripts/helm.sh build)";
  TempTree tree;
  write_chart(tree);
  std::string out;
  EXPECT_EQ(sh("PATH=" + helm + ":$PATH $KG scan " + tree.path("repo") + " -f json", &out), 1) << out;
  EXPECT_NE(out.find("\"file\": \"" + tree.path("repo/charts/web/templates/deployment.yaml") + "\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("\"name\": \"release-name-web\""), std::string::npos) << out;
  EXPECT_NE(out.find(tree.path("repo/app/pod.yaml")), std::string::npos) << "the rest of the tree is read" << out;
  EXPECT_EQ(out.find("yaml-syntax"), std::string::npos) << out;
  // A chart that does not render is an error naming helm's reason.
  tree.write("repo/charts/web/templates/broken.yaml", "{{ .Values.nope.deeper }}\n");
  EXPECT_EQ(sh("PATH=" + helm + ":$PATH $KG scan " + tree.path("repo/charts/web"), &out), 2) << out;
  EXPECT_NE(out.find("helm template"), std::string::npos) << out;
  EXPECT_NE(out.find("nil pointer"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::testing

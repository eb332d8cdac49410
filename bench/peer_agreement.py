#!/usr/bin/env python3
"""Agreement of `kubeguard scan` with other scanners' own expected results.

Reads the test fixtures of kubescape (regolibrary), Polaris, kube-score and
kube-linter under CORPUS/peer-fixtures (each folder's SOURCE.md says what the
expected results mean), runs kubeguard once per case with the default
catalog, and compares: a case agrees when kubeguard reports one of the rules
mapped to the peer's check exactly when the peer expects a failure.

Only checks that kubeguard's catalog covers are in scope (the MAP below);
every other check is listed as out of scope with the reason. Cases the peer
decides on things kubeguard deliberately decides otherwise stay counted as
disagreements and are listed, so the figure never hides them.

usage: bench/peer_agreement.py [--kubeguard build/kubeguard] [--corpus ../shared/corpus]
                               [--markdown] [--verbose] [--min PERCENT]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict

# peer check -> our rules. A peer check maps to the rules that report the
# same weakness; "kinds" narrows kube-linter's per-object comparison.
MAP = {
    "kubescape": {
        "alert-any-hostpath": ["KG-POD-010"],
        "automount-service-account": ["KG-POD-022"],
        "container-hostPort": ["KG-POD-012"],
        "containers-mounting-docker-socket": ["KG-POD-011"],
        "drop-capability-netraw": ["KG-POD-006"],
        "exec-into-container-v1": ["KG-RBAC-003"],
        "exposure-to-internet": ["KG-NET-004"],
        "host-network-access": ["KG-POD-007"],
        "host-pid-ipc-privileges": ["KG-POD-008", "KG-POD-009"],
        "immutable-container-filesystem": ["KG-POD-004"],
        "ingress-and-egress-blocked": ["KG-NET-001", "KG-NET-003"],
        "ensure_network_policy_configured_in_labels": ["KG-NET-001"],
        "ingress-no-tls": ["KG-NET-005"],
        "insecure-capabilities": ["KG-POD-005"],
        "non-root-containers": ["KG-POD-003"],
        # kubescape counts SYS_ADMIN as privileged; KG-POD-005 reports it.
        "rule-privileged-container": ["KG-POD-001", "KG-POD-005~SYS_ADMIN"],
        "configured-liveness-probe": ["KG-POD-024"],
        "configured-readiness-probe": ["KG-POD-025"],
        "resources-cpu-limits": ["KG-POD-020"],
        "resources-cpu-limit-and-request": ["KG-POD-018", "KG-POD-020"],
        "resources-memory-limit-and-request": ["KG-POD-018", "KG-POD-019"],
        "resources-cpu-requests": ["KG-POD-018"],
        "set-seccomp-profile-RuntimeDefault": ["KG-POD-013"],
        "rule-can-approve-cert-signing-request": ["KG-RBAC-016"],
        "rule-can-bind-escalate": ["KG-RBAC-007", "KG-RBAC-008"],
        "rule-can-create-service-account-token": ["KG-RBAC-010"],
        "rule-can-impersonate-users-groups-v1": ["KG-RBAC-009"],
        "rule-can-list-get-secrets-v1": ["KG-RBAC-011"],
        "rule-can-modify-admission-webhooks": ["KG-RBAC-006"],
        # kubescape's check also counts Secrets imported with envFrom (KG-SEC-002).
        "rule-credentials-in-env-var": ["KG-SEC-001", "KG-SEC-002"],
        "rule-secrets-in-env-var": ["KG-SEC-002"],
        "rule-credentials-configmap": ["KG-SEC-003"],
        "system-authenticated-allowed-to-take-over-cluster": ["KG-RBAC-015"],
        "workload-with-administrative-roles": ["KG-RBAC-017"],
        "pods-in-default-namespace": ["KG-NS-001"],
        "service-in-default-namespace": ["KG-NS-001"],
        "configmap-in-default-namespace": ["KG-NS-001"],
        "ingress-in-default-namespace": ["KG-NS-001"],
        "endpoints-in-default-namespace": ["KG-NS-001"],
        "lease-in-default-namespace": ["KG-NS-001"],
        "podtemplate-in-default-namespace": ["KG-NS-001"],
        "replicationcontroller-in-default-namespace": ["KG-NS-001"],
        "csistoragecapacity-in-default-namespace": ["KG-NS-001"],
        "exposed-sensitive-interfaces-v1": ["KG-NET-004"],
    },
    "polaris": {
        "automountServiceAccountToken": ["KG-POD-022"],
        "clusterrolebindingClusterAdmin": ["KG-RBAC-014"],
        "rolebindingClusterAdminRole": ["KG-RBAC-014"],
        "clusterrolebindingPodExecAttach": ["KG-RBAC-003", "KG-RBAC-004"],
        "rolebindingRolePodExecAttach": ["KG-RBAC-003", "KG-RBAC-004"],
        "dangerousCapabilities": ["KG-POD-005"],
        "insecureCapabilities": ["KG-POD-006"],
        "hostIPCSet": ["KG-POD-009"],
        "hostNetworkSet": ["KG-POD-007"],
        "hostPIDSet": ["KG-POD-008"],
        "hostPathSet": ["KG-POD-010"],
        "hostPortSet": ["KG-POD-012"],
        "hostProcess": ["KG-POD-001"],
        # Polaris passes a container with any one hardening (seccomp, AppArmor,
        # SELinux, or capabilities dropped): fails when both of these fire.
        "linuxHardening": {"all": ["KG-POD-013", "KG-POD-006"]},
        "memoryRequestsMissing": ["KG-POD-018~memory"],
        "notReadOnlyRootFilesystem": ["KG-POD-004"],
        "privilegeEscalationAllowed": ["KG-POD-002"],
        "procMount": ["KG-POD-016"],
        "runAsPrivileged": ["KG-POD-001"],
        "runAsRootAllowed": ["KG-POD-003"],
        "tagNotSpecified": ["KG-POD-021"],
        "tlsSettingsMissing": ["KG-NET-005"],
    },
    "kube-score": {
        "Pod NetworkPolicy": None,  # graded: 1 -> KG-NET-001, 5 -> KG-NET-003 only, 10 -> neither
        "Container Image Tag": ["KG-POD-021"],
        "Container Security Context Privileged": ["KG-POD-001"],
        "Container Seccomp Profile": ["KG-POD-013"],
        "Container Resources": ["KG-POD-018", "KG-POD-019", "KG-POD-020"],
        "Service Type": ["KG-NET-004"],
    },
    "kube-linter": {
        "access-to-create-pods": ["KG-RBAC-001"],
        "access-to-secrets": ["KG-RBAC-011"],
        "cluster-admin-role-binding": ["KG-RBAC-014"],
        "default-service-account": ["KG-POD-023"],
        "docker-sock": ["KG-POD-011"],
        "env-var-secret": ["KG-SEC-001"],
        "exposed-services": ["KG-NET-004"],
        "host-ipc": ["KG-POD-009"],
        "host-network": ["KG-POD-007"],
        "host-pid": ["KG-POD-008"],
        "latest-tag": ["KG-POD-021"],
        "non-isolated-pod": ["KG-NET-001"],
        "privilege-escalation-container": ["KG-POD-002"],
        "read-secret-from-env-var": ["KG-SEC-002"],
        "run-as-non-root": ["KG-POD-003"],
        "sensitive-host-mounts": ["KG-POD-010"],
        "ssh-port": ["KG-NET-006"],
        "unsafe-sysctls": ["KG-POD-017"],
        "unset-memory-requirements": ["KG-POD-019"],
        "use-namespace": ["KG-NS-001"],
    },
}

# Kinds kubeguard does not read at all (OpenShift's SecurityContextConstraints,
# PodSecurityPolicy; a DeploymentConfig is read as a workload): the
# peer's verdicts on them are left out of the comparison, not counted.
FOREIGN_KINDS = {"SecurityContextConstraints", "PodSecurityPolicy"}

# Cases where kubeguard decides otherwise on purpose (kept in the counts).
NAME_IS_NO_EVIDENCE = "a binding's name is no evidence of being Kubernetes' own (no label, and it binds a user)"
TEMPLATE_WITHOUT_CONTAINERS = ("a kind outside the table of kinds (OpenShift's DeploymentConfig) is judged as a "
                               "workload when its pod template lists containers; this fixture's lists none")
BY_DESIGN = {
    **{("kube-linter", check, f"{check}.yml:DeploymentConfig/app"): TEMPLATE_WITHOUT_CONTAINERS
       for check in ("default-service-account", "host-ipc", "host-network", "host-pid")},
    ("polaris", "clusterrolebindingPodExecAttach", "success.defaultclusterrolebinding_clusteradmin.yaml"):
        NAME_IS_NO_EVIDENCE,
    ("polaris", "clusterrolebindingPodExecAttach",
     "success.defaultclusterrolebinding_system-controller-generic-garbage-collector.yaml"): NAME_IS_NO_EVIDENCE,
    ("polaris", "clusterrolebindingPodExecAttach", "failure.binding_points_to_missing_ref.yaml"):
        "a binding to a role that does not exist grants nothing (the authorizer's reading)",
    ("polaris", "rolebindingRolePodExecAttach", "failure.binding_points_to_missing_ref.yaml"):
        "a binding to a role that does not exist grants nothing (the authorizer's reading)",
    ("polaris", "rolebindingRolePodExecAttach", "success.role_binding_cluster_role_binding.yaml"):
        "the RoleBinding does grant exec through a ClusterRole; Polaris reports that under another check",
    ("polaris", "insecureCapabilities", "success.yaml"): "capabilities must drop ALL, not a list (PSS restricted)",
    ("polaris", "insecureCapabilities", "success.pod.yaml"): "capabilities must drop ALL, not a list (PSS restricted)",
    ("polaris", "insecureCapabilities", "success.case.yaml"): "capabilities must drop ALL, not a list (PSS restricted)",
    ("kubescape", "system-authenticated-allowed-to-take-over-cluster", "success"):
        "every grant to system:authenticated (every pod's service account) is reported, not only takeover-grade ones",
    ("kubescape", "workload-with-administrative-roles", "pass-wl-limited-permissions"):
        "get on every core resource includes pods/exec and pods/attach (exec over a websocket GET) and all secrets",
    ("kubescape", "ingress-and-egress-blocked", "only-egress-policy"):
        "policyTypes: [Egress] does not isolate ingress (the API's semantics)",
    ("kubescape", "ingress-and-egress-blocked", "cnp-only-egress"):
        "a Cilium policy with only an egress section does not isolate ingress",
    ("kubescape", "rule-credentials-in-env-var", "pod"): "a word like \"key\" inside an ordinary value is no credential",
    ("kubescape", "rule-credentials-in-env-var", "deployment"): "the word \"JWT\" is no JSON Web Token",
    ("kubescape", "rule-credentials-in-env-var", "workloads"):
        "a sentence under a name ending in _key is no credential (KEY alone needs a random-looking value)",
    ("kubescape", "exec-into-container-v1", "clusterrole"):
        "\"pods/*\" does not match pods/exec in RBAC (only \"*\" and \"*/exec\" do)",
    ("kubescape", "pods-in-default-namespace", "pod"):
        "a manifest without a namespace goes where kubectl -n puts it, not necessarily default",
    ("kubescape", "set-seccomp-profile-RuntimeDefault", "pod"): "a Localhost seccomp profile is a profile (PSS restricted)",
    ("kubescape", "set-seccomp-profile-RuntimeDefault", "workloads"):
        "a Localhost seccomp profile is a profile (PSS restricted)",
    ("kubescape", "resources-cpu-limit-and-request", "pod-only-requests"):
        "a CPU limit without a request: the API server sets the request to the limit",
    ("kubescape", "resources-cpu-requests", "pod-only-requests"):
        "a CPU limit without a request: the API server sets the request to the limit",
    ("kubescape", "resources-memory-limit-and-request", "pod-only-requests"):
        "a limit without a request: the API server sets the request to the limit",
    ("polaris", "automountServiceAccountToken", "success.serviceaccount.yaml"):
        "KG-POD-022 asks for the pod's own field on purpose (it overrides the ServiceAccount's; KG-RBAC-017 reads both)",
    ("kube-score", "Container Resources", "deployment-test-resources.yaml"):
        "limits without requests: the API server sets the requests to the limits",
    ("kube-score", "Container Resources", "statefulset-test-resources.yaml"):
        "limits without requests: the API server sets the requests to the limits",
    ("kubescape", "resources-memory-limit-and-request", "workload-exceeded"):
        "a size threshold from the case's own configuration (data.json); the catalog has no size limits",
    ("kubescape", "resources-cpu-limit-and-request", "workload-exceeded"):
        "a size threshold from the case's own configuration (data.json); the catalog has no size limits",
    ("kubescape", "exposed-sensitive-interfaces-v1", "filter-multi-service"):
        "every Service reachable from outside is reported, not only those in front of known dashboards",
    ("kube-score", "Container Resources", "pod-test-resources-only-limits.yaml"):
        "limits without requests: the API server sets the requests to the limits",
    ("kube-score", "Container Seccomp Profile", "pod-seccomp-annotated.yaml"):
        "seccomp.security.alpha.kubernetes.io/defaultProfileName is a PodSecurityPolicy annotation, not a pod's profile",
    ("kube-score", "Container Seccomp Profile", "pod-seccomp-annotated-annotation-optional.yaml"):
        "seccomp.security.alpha.kubernetes.io/defaultProfileName is a PodSecurityPolicy annotation, not a pod's profile",
    ("polaris", "clusterrolebindingClusterAdmin", "success.system_prefix_binding.yaml"):
        "a binding's system: name is no evidence of being built in",
    ("polaris", "rolebindingClusterAdminRole", "success.system_prefix_binding.yaml"):
        "a binding's system: name is no evidence of being built in",
    ("polaris", "clusterrolebindingPodExecAttach", "success.system_prefix_binding.yaml"):
        "a binding's system: name is no evidence of being built in",
    ("polaris", "rolebindingRolePodExecAttach", "success.system_prefix_binding.yaml"):
        "a binding's system: name is no evidence of being built in",
    ("polaris", "clusterrolebindingClusterAdmin", "success.gce_calico_binding.yaml"):
        "a binding's gce: name is no evidence of being built in",
    ("polaris", "rolebindingClusterAdminRole", "success.gce_calico_binding.yaml"):
        "a binding's gce: name is no evidence of being built in",
    ("polaris", "clusterrolebindingPodExecAttach", "success.gce_calico_binding.yaml"):
        "a binding's gce: name is no evidence of being built in",
    ("polaris", "rolebindingRolePodExecAttach", "success.gce_calico_binding.yaml"):
        "a binding's gce: name is no evidence of being built in",
}


class Runner:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.cache = {}
        self.cwd = tempfile.mkdtemp(prefix="kg-peer-")  # no .kubeguard.yaml found upward from here

    def findings(self, paths):
        key = tuple(sorted(os.path.abspath(p) for p in paths))
        if key not in self.cache:
            proc = subprocess.run([self.binary, "scan", "-f", "json", "--threads", "1", "--fail-on", "critical",
                                   *key], cwd=self.cwd, capture_output=True, text=True)
            if proc.returncode not in (0, 1, 2):
                raise SystemExit(f"kubeguard failed on {key}: {proc.stderr}")
            self.cache[key] = json.loads(proc.stdout)["findings"]
        return self.cache[key]


def matches(finding, spec):
    """spec: "KG-X-NNN", or "KG-X-NNN~text" (the finding's message must contain text)."""
    rule, _, text = spec.partition("~")
    return finding["rule"] == rule and (not text or text in finding["message"])


def fired(findings, rules, kinds=None, name=None):
    if isinstance(rules, dict):
        return all(fired(findings, [r], kinds, name) for r in rules["all"])
    for f in findings:
        if not any(matches(f, spec) for spec in rules):
            continue
        if kinds is not None and f["object"]["kind"] not in kinds:
            continue
        if name is not None and f["object"]["name"] != name:
            continue
        return True
    return False


def yaml_objects(path):
    """(kind, name) of each document, read without a YAML library (top-level keys only)."""
    objs, kind, name, in_meta = [], None, None, False
    with open(path) as f:
        for line in f.read().splitlines() + ["---"]:
            if line.startswith("---"):
                if kind:
                    objs.append((kind, name))
                kind, name, in_meta = None, None, False
                continue
            if line.startswith("kind:"):
                kind = line.split(":", 1)[1].strip().strip('"')
            elif line.startswith("metadata:"):
                in_meta = True
            elif in_meta and line.startswith("  name:") and name is None:
                name = line.split(":", 1)[1].strip().strip('"')
            elif line and not line.startswith(" ") and not line.startswith("#"):
                in_meta = False
    return objs


def kubescape_cases(root, runner):
    base = os.path.join(root, "kubescape", "rules")
    for rule in sorted(os.listdir(base)):
        tests = os.path.join(base, rule, "test")
        if not os.path.isdir(tests):
            continue
        for case in sorted(os.listdir(tests)):
            d = os.path.join(tests, case)
            exp_file = os.path.join(d, "expected.json")
            inp = os.path.join(d, "input")
            if not os.path.exists(exp_file) or not os.path.isdir(inp):
                continue
            with open(exp_file) as f:
                text = f.read().strip()
            expected = json.loads(text) if text else []
            expected_fail = isinstance(expected, list) and len(expected) > 0
            rules = MAP["kubescape"].get(rule)
            yield rule, case, expected_fail, (lambda rules=rules, inp=inp: fired(runner.findings([inp]), rules))


def polaris_cases(root, runner):
    base = os.path.join(root, "polaris", "test", "checks")
    for check in sorted(os.listdir(base)):
        for name in sorted(os.listdir(os.path.join(base, check))):
            if not (name.startswith("success") or name.startswith("failure")):
                continue
            path = os.path.join(base, check, name)
            rules = MAP["polaris"].get(check)
            yield check, name, name.startswith("failure"), (
                lambda rules=rules, path=path: fired(runner.findings([path]), rules))


def kube_score_cases(root, runner):
    base = os.path.join(root, "kube-score")
    with open(os.path.join(base, "expected.json")) as f:
        expectations = json.load(f)
    for e in expectations:
        check = e["check"]
        grade = e.get("expected_grade")
        if grade is None or grade == 0:
            continue  # skipped checks: nothing to compare
        if "Ignore" in (e.get("run_config") or ""):
            continue  # a configuration that switches part of the check off
        files = [os.path.join(base, "score", "testdata", x) for x in e["files"]]
        name = ",".join(e["files"])
        if check == "Pod NetworkPolicy":
            def verdict(files=files, grade=grade):
                found = runner.findings(files)
                ingress = fired(found, ["KG-NET-001"])
                egress = fired(found, ["KG-NET-003"])
                ours = 1 if ingress else 5 if egress else 10
                return ours == grade
            yield check, name, None, verdict
            continue
        rules = MAP["kube-score"].get(check)
        yield check, name, grade <= 5, (lambda rules=rules, files=files: fired(runner.findings(files), rules))


def kube_linter_cases(root, runner):
    base = os.path.join(root, "kube-linter")
    with open(os.path.join(base, "expected.json")) as f:
        expectations = json.load(f)
    for fixture, cases in sorted(expectations.items()):
        path = os.path.join(base, "tests", "checks", fixture)
        for c in cases:
            if len(c["checks_included"]) != 1:
                continue  # custom configurations (CEL, annotations): no built-in check to compare
            check = c["checks_included"][0]
            rules = MAP["kube-linter"].get(check)
            reported_kinds = set()
            for a in c["assertions"]:
                v = a["value"]
                if ":" in v and not a["jq_on_json_output"].endswith(".Name"):
                    reported_kinds.add(v.split(":", 1)[0].strip())
            objects = [o for o in yaml_objects(path) if o[0] not in FOREIGN_KINDS]
            rbac = any(k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding") for k, _ in objects)
            if rbac or check in ("non-isolated-pod", "exposed-services"):
                # A whole-input verdict: RBAC findings sit on the role or the
                # binding, whichever holds the grant.
                expected = bool(c["expected_report_count"])
                yield check, fixture, expected, (lambda rules=rules, path=path: fired(runner.findings([path]), rules))
                continue
            for kind, obj in objects:
                quiet = obj is None or obj.startswith(("dont-fire", "should-pass", "good-", "valid"))
                expected = kind in reported_kinds and not quiet
                yield check, f"{fixture}:{kind}/{obj}", expected, (
                    lambda rules=rules, path=path, kind=kind, obj=obj: fired(runner.findings([path]), rules, {kind}, obj))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeguard", default=os.path.join(here, "..", "build", "kubeguard"))
    parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--min", type=float, default=None, help="exit 1 when the in-scope agreement is below")
    args = parser.parse_args()
    root = os.path.join(args.corpus, "peer-fixtures")
    if not os.path.isdir(root):
        print(f"peer_agreement: {root} not found (the shared corpus beside the repository)", file=sys.stderr)
        return 2
    runner = Runner(args.kubeguard)

    per_check = OrderedDict()
    out_of_scope = defaultdict(int)
    misses = []
    for tool, gen in (("kubescape", kubescape_cases), ("polaris", polaris_cases),
                      ("kube-score", kube_score_cases), ("kube-linter", kube_linter_cases)):
        for check, case, expected_fail, verdict in gen(root, runner):
            if check not in MAP[tool]:
                out_of_scope[(tool, check)] += 1
                continue
            result = verdict()
            agree = result if expected_fail is None else result == expected_fail
            stats = per_check.setdefault((tool, check), [0, 0])
            stats[0] += 1
            stats[1] += 1 if agree else 0
            if not agree:
                why = BY_DESIGN.get((tool, check, case), "")
                misses.append((tool, check, case, expected_fail, why))

    total = sum(s[0] for s in per_check.values())
    agreed = sum(s[1] for s in per_check.values())
    by_tool = defaultdict(lambda: [0, 0])
    for (tool, _), (n, a) in per_check.items():
        by_tool[tool][0] += n
        by_tool[tool][1] += a
    pct = lambda a, n: 100.0 * a / n if n else 0.0
    if args.markdown:
        print("| peer | check | our rules | cases | agree | % |")
        print("|---|---|---|---|---|---|")
        for (tool, check), (n, a) in per_check.items():
            rules = MAP[tool][check] or ["KG-NET-001", "KG-NET-003"]
            text = ("all of " + ", ".join(rules["all"])) if isinstance(rules, dict) else ", ".join(rules)
            print(f"| {tool} | {check} | {text} | {n} | {a} | {pct(a, n):.0f} |")
        print()
        print("| peer | cases | agree | % |")
        print("|---|---|---|---|")
        for tool, (n, a) in by_tool.items():
            print(f"| {tool} | {n} | {a} | {pct(a, n):.1f} |")
        print(f"| **all** | {total} | {agreed} | **{pct(agreed, total):.1f}** |")
    else:
        for (tool, check), (n, a) in per_check.items():
            print(f"{tool:11} {check:55} {a:3}/{n:<3} {pct(a, n):5.1f}%")
        for tool, (n, a) in by_tool.items():
            print(f"{tool:11} {'(all in-scope checks)':55} {a:3}/{n:<3} {pct(a, n):5.1f}%")
        print(f"{'total':11} {'':55} {agreed:3}/{total:<3} {pct(agreed, total):5.1f}%")
    if args.verbose or args.markdown:
        print()
        print("Disagreements:" if not args.markdown else "Disagreements (peer expected failure = `fail`):")
        for tool, check, case, expected, why in misses:
            exp = "graded" if expected is None else ("fail" if expected else "pass")
            line = f"- {tool} {check} {case}: peer expects {exp}" + (f" (by design: {why})" if why else "")
            print(line)
    if args.verbose:
        print()
        print("Out of scope (peer checks with no counterpart in the catalog):")
        for (tool, check), n in sorted(out_of_scope.items()):
            print(f"  {tool} {check}: {n} case(s)")
    if args.min is not None and pct(agreed, total) < args.min:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

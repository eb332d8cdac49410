#!/usr/bin/env bash
# The bash -c snippets below take their values as arguments: single quotes are meant.
# shellcheck disable=SC2016
#
# End-to-end test of `kubeguard cluster scan` against the real control plane
# of scripts/controlplane.sh (kube-apiserver, controller manager, etcd).
#
#   scripts/e2e-cluster.sh            start the control plane if needed, test, clean up
#
# It applies, in a namespace of its own: a privileged Pod, a Deployment with
# an xmrig sidecar (the controller manager makes its ReplicaSet and Pod), and
# a MutatingWebhookConfiguration that takes every pod CREATE with
# failurePolicy Ignore. Then it scans with the admin client certificate and
# with a service-account token kubeconfig, and checks the rule IDs on the
# expected objects. The output ends with "N passed, N failed"; the exit status
# is 0 only when nothing failed.
#
# Environment:
#   KG_BINARY             the kubeguard binary (default: build/kubeguard, then build-*/kubeguard)
#   KG_E2E_KEEP_CP=1      leave a control plane started here running
#   KG_E2E_TIMEOUT        seconds to wait for the controllers (default 60)
#   KUBEGUARD_CP_*        passed to scripts/controlplane.sh (run dir, ports; docs/CONTROLPLANE.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP="$ROOT/scripts/controlplane.sh"
WAIT="${KG_E2E_TIMEOUT:-60}"
passes=0
fails=0

ok() { printf 'ok   %s\n' "$*"; passes=$((passes + 1)); }
bad() { printf 'FAIL %s\n' "$*"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
  printf '%d passed, %d failed\n' "$passes" "$fails"
  ((fails == 0))
}

# ------------------------------------------------------------ prerequisites
find_binary() {
  if [[ -n "${KG_BINARY:-}" ]]; then
    printf '%s\n' "$KG_BINARY"
    return
  fi
  local b
  for b in "$ROOT/build/kubeguard" "$ROOT"/build-*/kubeguard; do
    if [[ -x "$b" ]]; then
      printf '%s\n' "$b"
      return
    fi
  done
}
KG="$(find_binary)"
if [[ -z "$KG" || ! -x "$KG" ]]; then
  bad "no kubeguard binary (build it: cmake -S . -B build -G Ninja && ninja -C build, or set KG_BINARY)"
  finish
  exit 1
fi
for tool in kubectl python3 openssl base64; do
  if ! command -v "$tool" >/dev/null; then
    bad "$tool is not installed"
    finish
    exit 1
  fi
done
echo "kubeguard: $KG"

k8s_version="${KUBEGUARD_CP_K8S_VERSION:-v1.33.13}"
cache="${KUBEGUARD_CP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeguard/controlplane}/$k8s_version/bin"
if [[ ! -x "$cache/kube-apiserver" ]]; then
  echo "control plane binaries are not in $cache: building them now takes about 30 minutes on a fresh machine"
  echo "(see docs/CONTROLPLANE.md; later runs reuse them)"
fi

work="$(mktemp -d -t kg-e2e-cluster.XXXXXX)"
chmod 700 "$work"
ns="kg-e2e-$(date +%s)-$$"
webhook="kg-e2e-injector-$ns"
binding="kg-e2e-view-$ns"
started_here=0
if ! "$CP" status >/dev/null 2>&1; then started_here=1; fi

cleanup() {
  set +e
  if [[ -n "${KUBECONFIG:-}" ]]; then
    kubectl delete mutatingwebhookconfiguration "$webhook" --ignore-not-found --wait=false >/dev/null 2>&1
    kubectl delete clusterrolebinding "$binding" --ignore-not-found --wait=false >/dev/null 2>&1
    kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1
  fi
  if ((started_here)) && [[ "${KG_E2E_KEEP_CP:-0}" != 1 ]]; then "$CP" stop >/dev/null 2>&1; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

t0=$SECONDS
if ! env_lines="$("$CP" start)"; then
  bad "scripts/controlplane.sh start"
  finish
  exit 1
fi
eval "$env_lines"
echo "control plane ready in $((SECONDS - t0)) s (KUBECONFIG=$KUBECONFIG)"

# poll SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS.
poll() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

# ------------------------------------------------------------ objects
kubectl create namespace "$ns" >/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: privileged
  namespace: $ns
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command: ["sleep", "3600"]
    securityContext:
      privileged: true
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: $ns
spec:
  replicas: 1
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: web
        image: nginx:1.27
      - name: metrics
        image: xmrig/xmrig:6.21.0
        args: ["-o", "stratum+tcp://pool.example.net:3333", "--donate-level", "1"]
EOF
check "applied a privileged Pod and a Deployment with an xmrig sidecar in $ns" true

has() { [[ -n "$(kubectl -n "$ns" get "$1" -l app=shop -o name 2>/dev/null)" ]]; }
check "controller manager made the Deployment's ReplicaSet" poll "$WAIT" has replicasets
check "controller manager made the ReplicaSet's Pod" poll "$WAIT" has pods
rs_name="$(kubectl -n "$ns" get replicasets -l app=shop -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
pod_name="$(kubectl -n "$ns" get pods -l app=shop -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"

# The webhook comes last, so it never sees a pod of this test. Its
# matchConditions keep the API server from calling it for anyone else's pods
# while it exists; the rules do not count CEL conditions as a limit, so to
# kubeguard it still takes every pod in every namespace.
kubectl apply -f - >/dev/null <<EOF
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: $webhook
webhooks:
- name: inject.kg-e2e.example.com
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: Ignore
  timeoutSeconds: 5
  clientConfig:
    service: {namespace: $ns, name: injector, path: /inject}
  rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
  matchConditions:
  - name: only-this-test
    expression: 'request.namespace == "$ns"'
EOF
check "applied MutatingWebhookConfiguration $webhook (all pods, failurePolicy Ignore)" true

# ------------------------------------------------------------ assertions on a JSON report
# expect REPORT RULE KIND NAMESPACE NAME: a finding of RULE on that object.
expect() {
  python3 - "$@" <<'PY'
import json, sys
report, rule, kind, ns, name = sys.argv[1:6]
findings = json.load(open(report))["findings"]
hits = [f for f in findings if f["rule"] == rule and f["object"]["kind"] == kind
        and f["object"]["namespace"] == ns and f["object"]["name"] == name]
sys.exit(0 if hits else 1)
PY
}
# expect_family REPORT PREFIX KIND NAME: any rule starting with PREFIX on a cluster-scoped object.
expect_family() {
  python3 - "$@" <<'PY'
import json, sys
report, prefix, kind, name = sys.argv[1:5]
findings = json.load(open(report))["findings"]
hits = sorted({f["rule"] for f in findings if f["rule"].startswith(prefix)
               and f["object"]["kind"] == kind and f["object"]["name"] == name})
print("    " + kind + " " + name + ": " + ", ".join(hits))
sys.exit(0 if hits else 1)
PY
}
# summary REPORT PYTHON-EXPRESSION over r (the report): true or false.
report_is() {
  python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# ------------------------------------------------------------ 1. admin client certificate, whole cluster
admin_json="$work/admin.json"
rc=0
"$KG" cluster scan -f json -o "$admin_json" 2>"$work/admin.err" || rc=$?
check "cluster scan (admin certificate) exits 1: findings at high or above (got $rc)" test "$rc" -eq 1
if [[ ! -s "$admin_json" ]]; then
  bad "cluster scan wrote no JSON report"
  sed 's/^/    /' "$work/admin.err"
else
  check "KG-POD-001 on Pod $ns/privileged" expect "$admin_json" KG-POD-001 Pod "$ns" privileged
  check "KG-SC-006 on Deployment $ns/shop" expect "$admin_json" KG-SC-006 Deployment "$ns" shop
  check "KG-SC-006 on ReplicaSet $ns/$rs_name (made by the controller manager)" \
    expect "$admin_json" KG-SC-006 ReplicaSet "$ns" "$rs_name"
  check "KG-SC-006 on Pod $ns/$pod_name (made by the controller manager)" \
    expect "$admin_json" KG-SC-006 Pod "$ns" "$pod_name"
  check "KG-WH-001 on MutatingWebhookConfiguration $webhook" \
    expect "$admin_json" KG-WH-001 MutatingWebhookConfiguration "" "$webhook"
  check "KG-WH-004 (fails open) on MutatingWebhookConfiguration $webhook" \
    expect "$admin_json" KG-WH-004 MutatingWebhookConfiguration "" "$webhook"
  check "WH findings on the webhook" expect_family "$admin_json" KG-WH- MutatingWebhookConfiguration "$webhook"
  check "no errors, and every finding's file is cluster:kubeguard with no line" report_is "$admin_json" \
    'not r["errors"] and r["summary"]["exitCode"] == 1 and all(f["file"] == "cluster:kubeguard" and f["line"] == 0 for f in r["findings"])'
  check "bootstrap objects were read too (kube-system, cluster roles)" report_is "$admin_json" \
    'r["summary"]["objects"] > 100'
  python3 - "$admin_json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print(f'    {s["objects"]} objects, {s["findings"]} findings, {s["errors"]} errors; notices: {r["notices"][-1:]}')
PY
fi

for fmt in text sarif junit; do
  rc=0
  "$KG" cluster scan -f "$fmt" -o "$work/admin.$fmt" 2>/dev/null || rc=$?
  check "cluster scan -f $fmt exits 1 and writes a report" test "$rc" -eq 1 -a -s "$work/admin.$fmt"
done
check "SARIF report names KG-SC-006" grep -q '"KG-SC-006"' "$work/admin.sarif"

# ------------------------------------------------------------ 2. one namespace
ns_json="$work/ns.json"
rc=0
"$KG" cluster scan -n "$ns" -f json -o "$ns_json" 2>/dev/null || rc=$?
check "cluster scan -n $ns exits 1 (got $rc)" test "$rc" -eq 1
check "-n: findings only in $ns, the webhook configuration not read" report_is "$ns_json" \
  "all(f['object']['namespace'] in ('$ns', '') for f in r['findings']) and not any(f['object']['kind'] == 'MutatingWebhookConfiguration' for f in r['findings']) and any(f['rule'] == 'KG-POD-001' for f in r['findings'])"

# ------------------------------------------------------------ 3. service-account token with view rights
kubectl -n "$ns" create serviceaccount auditor >/dev/null
kubectl create clusterrolebinding "$binding" --clusterrole=view --serviceaccount="$ns:auditor" >/dev/null
token="$(kubectl -n "$ns" create token auditor --duration=10m)"
server="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
ca_file="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}')"
ca_data="$(base64 -w0 <"$ca_file")"
admin_cert="$(kubectl config view --minify -o jsonpath='{.users[0].user.client-certificate}')"
admin_key="$(kubectl config view --minify -o jsonpath='{.users[0].user.client-key}')"
# Two contexts: the token one is not current, so --context must pick it.
umask 077
cat >"$work/token.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $server
    certificate-authority-data: $ca_data
users:
- name: auditor
  user:
    token: $token
- name: admin
  user:
    client-certificate-data: $(base64 -w0 <"$admin_cert")
    client-key-data: $(base64 -w0 <"$admin_key")
contexts:
- name: admin
  context: {cluster: e2e, user: admin}
- name: auditor
  context: {cluster: e2e, user: auditor, namespace: $ns}
current-context: admin
EOF
token_json="$work/token.json"
rc=0
"$KG" cluster scan --kubeconfig "$work/token.kubeconfig" --context auditor -f json -o "$token_json" \
  >"$work/token.out" 2>"$work/token.err" || rc=$?
check "token scan exits 2: view cannot list RBAC objects or webhook configurations (got $rc)" test "$rc" -eq 2
check "token scan: KG-POD-001 and KG-SC-006 found with view rights" report_is "$token_json" \
  "{('KG-POD-001','privileged'), ('KG-SC-006','shop')} <= {(f['rule'], f['object']['name']) for f in r['findings']} and all(f['file'] == 'cluster:auditor' for f in r['findings'])"
check "token scan: 403 on roles reported as an error, the other resources still listed" report_is "$token_json" \
  "any('roles' in e['message'] and '403' in e['message'] for e in r['errors']) and r['summary']['objects'] > 10"
check "token scan: errors also on stderr" grep -q 'HTTP 403 Forbidden' "$work/token.err"
check "the token appears in no output" bash -c '! grep -qF -- "$1" "$2" "$3" "$4"' _ "$token" "$token_json" \
  "$work/token.out" "$work/token.err"
sed -n '1,3p' "$work/token.err" | sed 's/^/    /'

# The same token through tokenFile, in a kubeconfig found through $KUBECONFIG
# (a list: only its first existing file is read).
printf '%s\n' "$token" >"$work/token"
sed -e "s|^    token: .*|    tokenFile: token|" "$work/token.kubeconfig" >"$work/tokenfile.kubeconfig"
rc=0
KUBECONFIG="$work/absent:$work/tokenfile.kubeconfig:$KUBECONFIG" "$KG" cluster scan --context auditor -n "$ns" \
  -f json -o "$work/tokenfile.json" 2>/dev/null || rc=$?
check "tokenFile through \$KUBECONFIG, -n $ns: exit 2 (got $rc)" test "$rc" -eq 2
check "tokenFile scan: KG-SC-006 found; the only errors are the namespace's roles and rolebindings (view)" \
  report_is "$work/tokenfile.json" \
  "any(f['rule'] == 'KG-SC-006' for f in r['findings']) and sorted(e['message'].split(':')[0] for e in r['errors']) == ['list /apis/rbac.authorization.k8s.io/v1/namespaces/$ns/rolebindings', 'list /apis/rbac.authorization.k8s.io/v1/namespaces/$ns/roles']"
check "tokenFile scan notes that only the first KUBECONFIG file was read" report_is "$work/tokenfile.json" \
  "any('only' in n and 'tokenfile.kubeconfig' in n for n in r['notices'])"

# ------------------------------------------------------------ 4. refusals and failures
sed -e "s|^    certificate-authority-data: .*|    insecure-skip-tls-verify: true|" "$work/token.kubeconfig" \
  >"$work/insecure.kubeconfig"
rc=0
"$KG" cluster scan --kubeconfig "$work/insecure.kubeconfig" -f json -o "$work/insecure.json" 2>"$work/insecure.err" ||
  rc=$?
# As kubectl does, the flag is honoured: the scan connects without checking the
# server's certificate, and says so on stderr naming the cluster's field.
check "insecure-skip-tls-verify connects and warns naming the field" bash -c \
  'grep -q "clusters\[name=e2e\]: insecure-skip-tls-verify is set" "$1" && ! grep -qi "certificate problem" "$1"' \
  "$rc" "$work/insecure.err"
check "insecure-skip-tls-verify scan: objects were read (KG-SC-006 found)" report_is "$work/insecure.json" \
  "any(f['rule'] == 'KG-SC-006' for f in r['findings'])"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/other.key" \
  -out "$work/other.crt" -subj /CN=other-ca -days 1 >/dev/null 2>&1
sed -e "s|^    certificate-authority-data: .*|    certificate-authority-data: $(base64 -w0 <"$work/other.crt")|" \
  "$work/token.kubeconfig" >"$work/wrongca.kubeconfig"
rc=0
"$KG" cluster scan --kubeconfig "$work/wrongca.kubeconfig" -f json -o "$work/wrongca.json" 2>"$work/wrongca.err" ||
  rc=$?
check "a server certificate from another CA fails verification (exit 2, no objects)" bash -c \
  '[[ $0 -eq 2 ]] && grep -qi "certificate" "$1"' "$rc" "$work/wrongca.err"
sed -n '1p' "$work/wrongca.err" | sed 's/^/    /'

sed -e "s|^    token: .*|    token: not-a-valid-token|" "$work/token.kubeconfig" >"$work/badtoken.kubeconfig"
rc=0
"$KG" cluster scan --kubeconfig "$work/badtoken.kubeconfig" --context auditor -f json -o "$work/badtoken.json" \
  2>"$work/badtoken.err" || rc=$?
check "an invalid token gives one 401 error and exit 2" bash -c \
  '[[ $0 -eq 2 ]] && grep -q "HTTP 401 Unauthorized" "$1" && [[ $(wc -l <"$1") -eq 1 ]]' "$rc" "$work/badtoken.err"
sed -n '1p' "$work/badtoken.err" | sed 's/^/    /'

finish

#!/usr/bin/env bash
# Added latency of the webhook end to end: pods created through the real API
# server (server-side dry run) at fixed rates, with no webhook registered, then
# with `kubeguard serve` registered (failurePolicy Fail, the pods of one
# namespace), and the number of connections the API server holds open to the
# webhook while it runs (HTTP/1.1: one request per connection at a time).
# With --peer kyverno, then with Kyverno's own webhook registration instead
# (bench/kyverno/run.sh, started unless it runs; its webhooks cover the
# namespaces labelled kubeguard.io/bench-peer=kyverno), and with none again.
#   bench/run_admission_e2e.sh [--peer kyverno] [BUILD_DIR] [SECONDS] [RATES...]
# Needs a running control plane (scripts/controlplane.sh start, with its
# KUBEGUARD_CP_* environment).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=""
if [[ "${1:-}" == --peer ]]; then
  peer=$2
  [[ "$peer" == kyverno ]] || { echo "unknown peer: $peer" >&2; exit 2; }
  shift 2
fi
build=$(cd "${1:-$root/build}" && pwd)
seconds=${2:-20}
shift 2 || true
rates=("${@:-50 200}")
read -r -a rates <<<"${rates[*]}"
eval "$(bash "$root/scripts/controlplane.sh" env)"
export PATH="$(dirname "$KUBECTL"):$PATH"
run="$KUBEGUARD_CP_DIR"
work=$(mktemp -d)
ns=kg-bench-e2e-$$
started_kyverno=0
cleanup() {
  kubectl delete validatingwebhookconfiguration "kg-bench-$ns" --ignore-not-found >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  [[ -n "${serve_pid:-}" ]] && kill "$serve_pid" 2>/dev/null || true
  ((started_kyverno)) && bash "$root/bench/kyverno/run.sh" stop || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=bench-ca \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=bench -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile tls.ext -out tls.crt 2>/dev/null

kubectl create namespace "$ns" >/dev/null
for _ in $(seq 100); do kubectl -n "$ns" get serviceaccount default >/dev/null 2>&1 && break; sleep 0.2; done

echo "# machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in "${rates[@]}"; do
  python3 "$root/bench/admission_e2e.py" --run-dir "$run" --namespace "$ns" --rate "$rate" --seconds "$seconds" \
    --label "no webhook"
done

port=${KG_BENCH_PORT:-18644}
"$build/kubeguard" serve --tls-cert tls.crt --tls-key tls.key --listen "127.0.0.1:$port" --mode enforce \
  ${KG_BENCH_SERVE_ARGS:-} 2>serve.log &
serve_pid=$!
for _ in $(seq 50); do grep -q "listening" serve.log && break; sleep 0.1; done
cat >webhook.yaml <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: kg-bench-$ns
webhooks:
- name: validate.kubeguard.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  timeoutSeconds: 5
  clientConfig:
    url: https://127.0.0.1:$port/validate
    caBundle: $(base64 -w0 ca.crt)
  namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: $ns
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods], scope: Namespaced}
YAML
kubectl apply -f webhook.yaml >/dev/null
# Until the API server calls it (configurations are picked up asynchronously).
for _ in $(seq 60); do
  python3 "$root/bench/admission_e2e.py" --run-dir "$run" --namespace "$ns" --rate 5 --seconds 0.4 --workers 1 \
    --label probe >/dev/null
  grep -q "verdict=" serve.log && break
  sleep 0.5
done
measure() {  # label port: each rate, with the most connections to the port at once
  local label=$1 on=$2 rate watcher
  for rate in "${rates[@]}"; do
    ( max=0; for _ in $(seq $((seconds * 4))); do
        n=$(ss -Htn state established "( sport = :$on )" | wc -l); ((n > max)) && max=$n
        echo "$max" >"conns-$rate"; sleep 0.25
      done ) &
    watcher=$!
    echo "  load $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 "$root/bench/admission_e2e.py" --run-dir "$run" --namespace "$ns" --rate "$rate" --seconds "$seconds" \
      --label "$label"
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    echo "  most connections from the API server to the webhook at once: $(cat "conns-$rate" 2>/dev/null || echo '?')"
  done
}
measure "kubeguard serve" "$port"
echo "  verdicts: $(grep -c 'verdict=allowed' serve.log) allowed, $(grep -c 'verdict=denied' serve.log) denied"
echo "  kubeguard serve VmRSS $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$serve_pid/status")"
[[ -n "$peer" ]] || exit 0

kubectl delete validatingwebhookconfiguration "kg-bench-$ns" >/dev/null
# Until the API server no longer calls kubeguard (two probes in a row unseen).
unseen=0
for _ in $(seq 60); do
  before=$(grep -c "verdict=" serve.log || true)
  python3 "$root/bench/admission_e2e.py" --run-dir "$run" --namespace "$ns" --rate 5 --seconds 0.4 --workers 1 \
    --label probe >/dev/null
  if [[ $(grep -c "verdict=" serve.log || true) == "$before" ]]; then ((++unseen >= 2)) && break; else unseen=0; fi
  sleep 0.5
done
unset KG_KYVERNO_PID
eval "$(bash "$root/bench/kyverno/run.sh" env)"
if [[ -z "${KG_KYVERNO_PID:-}" ]]; then
  bash "$root/bench/kyverno/run.sh" start
  started_kyverno=1
  eval "$(bash "$root/bench/kyverno/run.sh" env)"
fi
kubectl label namespace "$ns" kubeguard.io/bench-peer=kyverno >/dev/null
# Until the API server calls Kyverno (and no longer kubeguard): a privileged
# pod is denied by Kyverno's policy.
cat >privileged.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: probe, namespace: $ns}
spec:
  containers: [{name: c, image: "busybox:1.36", securityContext: {privileged: true}}]
YAML
denied=""
for _ in $(seq 120); do
  if ! out=$(kubectl create --dry-run=server -f privileged.yaml 2>&1) && grep -q kg-bench-pod-security <<<"$out"; then
    denied=yes
    break
  fi
  sleep 0.5
done
[[ -n "$denied" ]] || { echo "Kyverno's webhook was not called within 60 s: $out" >&2; exit 1; }
echo "  Kyverno's webhooks: $(kubectl get validatingwebhookconfiguration,mutatingwebhookconfiguration \
  -l webhook.kyverno.io/managed-by=kyverno -o name | tr '\n' ' ')"
measure "kyverno" "$KG_KYVERNO_PORT"
echo "  Kyverno VmRSS $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$KG_KYVERNO_PID/status")"
kubectl label namespace "$ns" kubeguard.io/bench-peer- >/dev/null
# Until the API server no longer calls Kyverno for the namespace.
for _ in $(seq 120); do
  kubectl create --dry-run=server -f privileged.yaml >/dev/null 2>&1 && break
  sleep 0.5
done
for rate in "${rates[@]}"; do
  echo "  load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$root/bench/admission_e2e.py" --run-dir "$run" --namespace "$ns" --rate "$rate" --seconds "$seconds" \
    --label "no webhook (again)"
done

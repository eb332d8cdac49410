#!/usr/bin/env bash
# kubeguard serve and Kyverno side by side: the same AdmissionReview bodies
# (bench/make_admission_bodies.py) at the same fixed rates over TLS keep-alive
# with bench/admission_load, in one run, alternating server by server for each
# body and rate. Prints one line per body, rate and server with the load
# average at its start, the answers that denied (so a server that answers
# without deciding shows), and each server's resident memory at the end.
#   bench/run_admission_peer.sh [BUILD_DIR] [SECONDS] [RATES...]
# Needs a running control plane (scripts/controlplane.sh start, with its
# KUBEGUARD_CP_* environment) for Kyverno; starts Kyverno with
# bench/kyverno/run.sh unless it runs already (and then stops it again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
seconds=${2:-10}
shift 2 || true
rates=("$@")
((${#rates[@]})) || rates=(250 1000 5000)
connections=${KG_BENCH_CONNECTIONS:-8}
work=$(mktemp -d)
started_kyverno=0
cleanup() {
  [[ -n "${serve_pid:-}" ]] && kill "$serve_pid" 2>/dev/null || true
  ((started_kyverno)) && bash "$root/bench/kyverno/run.sh" stop || true
  rm -rf "$work"
}
trap cleanup EXIT

unset KG_KYVERNO_PID
eval "$(bash "$root/bench/kyverno/run.sh" env)"
if [[ -z "${KG_KYVERNO_PID:-}" ]]; then
  bash "$root/bench/kyverno/run.sh" start
  started_kyverno=1
  eval "$(bash "$root/bench/kyverno/run.sh" env)"
fi

cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=bench-ca \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=bench -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile tls.ext -out tls.crt 2>/dev/null
python3 "$root/bench/make_admission_bodies.py" "$root/../shared/corpus" bodies >/dev/null

port=${KG_BENCH_PORT:-18645}
"$build/kubeguard" serve --tls-cert tls.crt --tls-key tls.key --listen "127.0.0.1:$port" --mode enforce \
  ${KG_BENCH_SERVE_ARGS:-} 2>serve.log &
serve_pid=$!
for _ in $(seq 50); do grep -q "listening" serve.log && break; sleep 0.1; done

rss() { awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

drive() {  # server body rate seconds
  local server=$1 body=$2 rate=$3 secs=$4
  if [[ $server == kubeguard ]]; then
    "$build/bench/admission_load" --port "$port" --ca ca.crt --path /validate --body "bodies/$body.json" \
      --rate "$rate" --seconds "$secs" --connections "$connections" || true
  else
    "$build/bench/admission_load" --port "$KG_KYVERNO_PORT" --ca "$KG_KYVERNO_CA" --path "$KG_KYVERNO_PATH" \
      --body "bodies/$body.json" --rate "$rate" --seconds "$secs" --connections "$connections" || true
  fi
}

echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(load)"
echo "# idle: kubeguard serve VmRSS $(rss "$serve_pid"), Kyverno VmRSS $(rss "$KG_KYVERNO_PID")"
# Warm-up (connections, caches, Go's heap): not reported.
for body in small-pod injected-deployment injected-update; do
  for server in kubeguard kyverno; do drive "$server" "$body" 50 1 >/dev/null; done
done
for body in small-pod injected-deployment injected-update; do
  for rate in "${rates[@]}"; do
    for server in kubeguard kyverno; do
      printf '%-20s %5s/s %-9s load %-15s ' "$body" "$rate" "$server" "$(load)"
      drive "$server" "$body" "$rate" "$seconds"
    done
  done
done
echo "# after: kubeguard serve VmRSS $(rss "$serve_pid") (peak $(hwm "$serve_pid")), Kyverno VmRSS" \
  "$(rss "$KG_KYVERNO_PID") (peak $(hwm "$KG_KYVERNO_PID")), load $(load)"

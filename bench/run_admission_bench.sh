#!/usr/bin/env bash
# Admission webhook benchmark: kubeguard serve on loopback with a fresh
# certificate, driven by bench/admission_load at fixed rates with real
# AdmissionReview bodies over TLS keep-alive. Prints one line per run.
#   bench/run_admission_bench.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
seconds=${2:-10}
work=$(mktemp -d)
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=bench-ca \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=bench -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile tls.ext -out tls.crt 2>/dev/null
python3 "$root/bench/make_admission_bodies.py" "$root/../shared/corpus" bodies >/dev/null

port=${KG_BENCH_PORT:-18643}
"$build/kubeguard" serve --tls-cert tls.crt --tls-key tls.key --listen "127.0.0.1:$port" 2>serve.log &
serve_pid=$!
for _ in $(seq 50); do grep -q "listening" serve.log && break; sleep 0.1; done

for body in small-pod injected-deployment injected-update; do
  for rate in 1000 2500 5000; do
    "$build/bench/admission_load" --port "$port" --ca ca.crt --body "bodies/$body.json" --rate "$rate" \
      --seconds "$seconds" --connections 8 || true
  done
done

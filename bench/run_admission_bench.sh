#!/usr/bin/env bash
# Admission webhook benchmark: kubeguard serve on loopback with a fresh
# certificate, driven at fixed rates with real AdmissionReview bodies over TLS
# keep-alive, by two clients:
#   h2load (nghttp2-client, Debian) in HTTP/1.1 mode, --rps per connection,
#     latency per request from its --log-file (measured from when the request
#     was sent);
#   bench/admission_load, which measures from when each request was
#     scheduled (a server that falls behind is charged for the queue).
# Prints one line per body, rate and client.
#   bench/run_admission_bench.sh [BUILD_DIR] [SECONDS] [RATES...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
seconds=${2:-10}
shift 2 || true
rates=("$@")
((${#rates[@]})) || rates=(1000 2500 5000)
connections=${KG_BENCH_CONNECTIONS:-8}
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
"$build/kubeguard" serve --tls-cert tls.crt --tls-key tls.key --listen "127.0.0.1:$port" ${KG_BENCH_SERVE_ARGS:-} \
  2>serve.log &
serve_pid=$!
for _ in $(seq 50); do grep -q "listening" serve.log && break; sleep 0.1; done
echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

percentiles() {  # h2load --log-file: start_us status duration_us
  local errors
  errors=$(awk '$2 != 200 { bad++ } END { print bad + 0 }' "$1")
  awk '{ print $3 / 1000.0 }' "$1" | sort -n | awk -v errors="$errors" '
    { v[NR] = $1 } END {
      if (NR == 0) { print "no requests"; exit }
      printf "p50 %.2f ms p99 %.2f ms p99.9 %.2f ms errors %s", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1],
        v[int(NR * 0.999) + 1], errors }'
}

for body in small-pod injected-deployment injected-update; do
  for rate in "${rates[@]}"; do
    if command -v h2load >/dev/null; then
      per=$(awk -v r="$rate" -v c="$connections" 'BEGIN { printf "%d", (r + c - 1) / c }')
      rm -f h2.log
      out=$(h2load --h1 -c "$connections" --rps "$per" -D "$seconds" -d "bodies/$body.json" \
        -H 'Content-Type: application/json' --log-file=h2.log "https://127.0.0.1:$port/validate" 2>&1 || true)
      achieved=$(grep -oE 'finished in [0-9.]+s, [0-9.]+ req/s' <<<"$out" | grep -oE '[0-9.]+ req/s' || echo '? req/s')
      printf '%-20s %5s/s h2load          achieved %-14s %s\n' "$body" "$rate" "$achieved" "$(percentiles h2.log)"
    fi
    printf '%-20s %5s/s admission_load  ' "$body" "$rate"
    "$build/bench/admission_load" --port "$port" --ca ca.crt --body "bodies/$body.json" --rate "$rate" \
      --seconds "$seconds" --connections "$connections" || true
  done
done

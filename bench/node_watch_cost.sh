#!/usr/bin/env bash
# What `kubeguard node watch` costs the node: CPU seconds it uses while it
# watches for a while, with exec events or /proc polling, with and without
# the stratum sniffer, and the process count and exec rate of the machine at
# the time (docs/NODE.md). Needs root.
#
#   bench/node_watch_cost.sh [SECONDS]     (default 20 per configuration)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KUBEGUARD:-$ROOT/build/kubeguard}
SECONDS_EACH=${1:-20}
[[ -x "$BIN" ]] || { echo "node_watch_cost: $BIN not built" >&2; exit 2; }
ticks=$(getconf CLK_TCK)

# utime+stime of a PID in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Processes started on the machine so far (the "processes" line of /proc/stat).
forks() { awk '$1 == "processes" {print $2}' /proc/stat; }

printf '%-34s %8s %10s %12s %10s\n' configuration seconds cpu-seconds cpu-percent forks/s
for config in "exec events, sniffer:" "exec events:--no-sniff" "polling /proc, sniffer:--no-process-events" \
  "polling /proc:--no-process-events --no-sniff"; do
  name=${config%%:*}
  flags=${config#*:}
  f0=$(forks)
  # shellcheck disable=SC2086
  "$BIN" node watch --for "$((SECONDS_EACH + 2))" -f json $flags >/dev/null 2>&1 &
  pid=$!
  sleep "$SECONDS_EACH"
  used=$(cpu_ticks "$pid")
  wait "$pid" || true
  f1=$(forks)
  awk -v n="$name" -v s="$SECONDS_EACH" -v u="$used" -v t="$ticks" -v f="$((f1 - f0))" \
    'BEGIN { printf "%-34s %8d %10.2f %11.1f%% %10.1f\n", n, s, u / t, 100 * u / t / s, f / s }'
done
printf 'processes now: %s, load: %s\n' "$(ls /proc | grep -c '^[0-9]')" "$(cut -d' ' -f1-3 /proc/loadavg)"

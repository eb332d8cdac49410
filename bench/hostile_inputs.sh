#!/usr/bin/env bash
# Time and memory of kubeguard on hostile manifests: each must
# end within 10 seconds, with exit status 0, 1 or 2, under 1 GB
# (docs/PERFORMANCE.md, "Hostile input"). The tests check the outcome with a
# generous time-out as a hang guard; the figures come from here.
#
#   bench/hostile_inputs.sh [--runs N] [BUILD_DIR]     (default 3 runs, build)
#
# Inputs: bench/make_hostile_inputs.py into BUILD_DIR/bench-hostile. Each
# command runs N times under /usr/bin/time, output to /dev/null; the table
# gives the fastest wall time, the CPU time (user + system) of that run and the
# highest peak RSS. KG_THREADS=1: one core.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=3
if [[ ${1:-} == --runs ]]; then
  RUNS=$2
  shift 2
fi
BUILD_DIR=${1:-build}
KG=$(cd "$BUILD_DIR" && pwd)/kubeguard
[[ -x $KG ]] || { echo "no $KG: build first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

IN=$BUILD_DIR/bench-hostile
python3 bench/make_hostile_inputs.py -o "$IN" >&2
IN=$(cd "$IN" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkfifo "$WORK/fifo"

echo "load at the start: $(uptime)" >&2
echo "| input | command | exit | wall s | CPU s | peak RSS MB |"
echo "|---|---|---:|---:|---:|---:|"
measure() {  # LABEL ARGS...
  local label=$1
  shift
  local best_wall="" best_cpu="" peak=0 codes=""
  for ((r = 0; r < RUNS; r++)); do
    local code=0
    (cd "$IN" && /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' timeout -k 5 60 env KG_THREADS=1 "$KG" "$@" \
      >/dev/null 2>"$WORK/err") || code=$?
    local wall user sys rss
    read -r wall user sys rss < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$WORK/time" | tail -1)
    codes="$codes $code"
    if [[ -z $best_wall ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$wall
      best_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
    ((rss > peak)) && peak=$rss
  done
  # Every run ends the same way, or the row says so.
  local exits
  exits=$(tr ' ' '\n' <<<"$codes" | sed '/^$/d' | sort -u | paste -sd/)
  awk -v l="$label" -v c="$*" -v e="$exits" -v w="$best_wall" -v p="$best_cpu" -v m="$peak" \
    'BEGIN { printf "| %s | `kubeguard %s` | %s | %.2f | %s | %.0f |\n", l, c, e, w, p, m / 1024 }'
}

measure "alias bomb (13 KB), then a pod" scan -f json "bomb.yaml" "after.yaml"
measure "40,000-deep alias chain" diff --baseline "chain.yaml" --live "chain.yaml"
measure "40,000-deep alias chain" scan "chain.yaml"
measure "List of 100,000 pods (14 MB)" convert -o json "biglist.yaml"
measure "List of 100,000 pods (14 MB)" scan -f json -o /dev/null "biglist.yaml"
measure "List of 40,000 privileged pods failing at its end" scan -f json "latelist.yaml" "after.yaml"
measure "flow sequences 100,000 deep" scan "deep.yaml"
measure "one 3 MiB ConfigMap" convert -o json "wide.yaml"
measure "3 MiB of tags that take ','" convert -o json "tags.yaml"
measure "3 MiB of flow scalars with ':' before ']'" convert -o json "colons.yaml"
measure "3 MiB of values with U+FEFF" convert -o json "boms.yaml"
measure "a pod with 200,000 labels and 200,000 annotations (13 MB)" scan "labels.yaml"
measure "10,000 pods, NetworkPolicies and Services in one namespace" scan -f json -o /dev/null "policies.yaml"
measure "a pod of 20,000 privileged containers (1.5 MB)" scan -f json -o /dev/null "wide-pod.yaml"
measure "/dev/zero named as a path" scan /dev/zero
measure "a FIFO nobody writes to" scan "$WORK/fifo"
echo "load at the end: $(uptime)" >&2

#!/usr/bin/env bash
# Audit-log benchmark: `kubeguard audit` beside the bare simdjson pass
# (bench/audit_floor.cc, the floor) over the same large log of real events.
# Prints a markdown table (also written to build/bench-results/audit.md) with
# wall and CPU time, MB/s and events/s per core (per CPU second; both run on
# one thread) and peak RSS
# from `/usr/bin/time -v`; kubeguard also runs on the first half of the log,
# to show that its memory does not grow with the log.
#
#   bench/run_audit_bench.sh [--log AUDIT_LOG] [--size-mb N] [--runs N]
#
#   --log      the real audit log to replicate (default: $KUBEGUARD_AUDIT_LOG
#              from scripts/controlplane.sh env)
#   --size-mb  size of the generated log (default 520)
#   --runs N   keep the fastest of N runs (default 1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build}
SIZE=520
RUNS=1
LOG=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --log) LOG=$2; shift ;;
    --size-mb) SIZE=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z $LOG ]]; then
  LOG=$(bash scripts/controlplane.sh env | sed -n "s/^export KUBEGUARD_AUDIT_LOG=//p")
  LOG=${LOG//\'/}
fi
[[ -f $LOG ]] || { echo "no audit log at '$LOG' (start the control plane, or --log)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

RESULTS=$BUILD_DIR/bench-results
mkdir -p "$RESULTS"
INPUT=$BUILD_DIR/bench-audit.log
HALF=$BUILD_DIR/bench-audit-half.log
if [[ ! -f $INPUT || ! -f $INPUT.json ]]; then
  python3 bench/make_audit_input.py --log "$LOG" -o "$INPUT" --size-mb "$SIZE" >&2
fi
if [[ ! -f $HALF ]]; then
  head -n $(( $(wc -l <"$INPUT") / 2 )) "$INPUT" >"$HALF"
fi
BYTES=$(stat -c %s "$INPUT")
EVENTS=$(wc -l <"$INPUT")
HALF_BYTES=$(stat -c %s "$HALF")
HALF_EVENTS=$(wc -l <"$HALF")

# measure NAME COMMAND...: fastest of RUNS (by CPU time), "wall cpu rss_kb"
measure() {
  shift  # the name is for the reader of this script
  local best="" wall_best="" rss="" i
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v -o "$RESULTS/time.txt" "$@" >/dev/null 2>"$RESULTS/stderr.txt" || {
      local rc=$?
      [[ $rc == 1 ]] || { cat "$RESULTS/stderr.txt" >&2; echo "failed ($rc): $*" >&2; exit 2; }
    }
    local wall cpu r
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$RESULTS/time.txt")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$RESULTS/time.txt")
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS/time.txt")
    if [[ -z $best ]] || awk -v a="$cpu" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$cpu; wall_best=$wall; rss=$r; fi
  done
  echo "$wall_best $best $rss"
}

row() {  # row NAME BYTES EVENTS WALL CPU RSS_KB
  awk -v n="$1" -v b="$2" -v e="$3" -v w="$4" -v c="$5" -v r="$6" 'BEGIN {
    printf "| %s | %.0f | %d | %.2f | %.2f | %.0f | %.0f | %.1f |\n", n, b/1e6, e, w, c, b/1e6/c, e/c, r/1024 }'
}

read -r FLOOR_W FLOOR_S FLOOR_RSS < <(measure floor "$BUILD_DIR/bench/audit_floor" "$INPUT")
read -r KG_W KG_S KG_RSS < <(measure kubeguard "$BUILD_DIR/kubeguard" audit -q -f json "$INPUT")
read -r KGH_W KGH_S KGH_RSS < <(measure kubeguard-half "$BUILD_DIR/kubeguard" audit -q -f json "$HALF")
ALERTS=$("$BUILD_DIR/kubeguard" audit -q -f json "$INPUT" | wc -l || true)

{
  echo "| command | MB | events | wall s | CPU s | MB/s per core | events/s per core | peak RSS (MB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  row "audit_floor (simdjson DOM, one parser)" "$BYTES" "$EVENTS" "$FLOOR_W" "$FLOOR_S" "$FLOOR_RSS"
  row "kubeguard audit -f json" "$BYTES" "$EVENTS" "$KG_W" "$KG_S" "$KG_RSS"
  row "kubeguard audit -f json (first half)" "$HALF_BYTES" "$HALF_EVENTS" "$KGH_W" "$KGH_S" "$KGH_RSS"
  echo
  awk -v f="$FLOOR_S" -v k="$KG_S" 'BEGIN { printf "kubeguard runs at %.0f%% of the floor'"'"'s speed (CPU time; both are single-threaded).\n", 100*f/k }'
  echo "Alerts written: $ALERTS. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load at start $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$RESULTS/audit.md"

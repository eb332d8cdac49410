#!/usr/bin/env bash
# Peak memory of `kubeguard scan -f json` as the input grows, and with the
# same objects in one file or in many: what memory grows with.
#
#   bench/scan_memory.sh [BUILD_DIR]      (default build)
#
# Inputs are those of bench/run_scan_bench.sh (corpus x1, x4, x38, each as a
# directory of files and as one concatenated file; generated when missing).
# Each run is one thread, findings to /dev/null; the table gives peak RSS from
# /usr/bin/time and CPU seconds, with every rule, and with the cross-object
# (inventory) rules disabled, which is when no facts about the input are kept.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-build}
KG=$BUILD_DIR/kubeguard
[[ -x $KG ]] || { echo "no $KG: build first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

ensure_input() {  # DIR MAKE_INPUT_ARGS...
  local dir=$1; shift
  if [[ ! -f $dir.json || ! -d $dir || ! -f $dir.yaml ]]; then
    python3 bench/make_input.py -o "$dir" --single "$@" >&2
  fi
}
ensure_input "$BUILD_DIR/bench-input-1x" --size-mb 0 --min-objects 0
ensure_input "$BUILD_DIR/bench-input-quick" --size-mb 20 --min-objects 0
ensure_input "$BUILD_DIR/bench-input"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Every cross-object rule off: KG-NET-*, KG-RBAC-* and KG-IMG-004.
{
  echo "disabledRules:"
  "$KG" rules | awk '/^KG-(NET|RBAC)-|^KG-IMG-004 /{print "  - " $1}'
} >"$WORK/no-inventory.yaml"
echo "# nothing disabled" >"$WORK/all.yaml"

stat_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1.json" "$2"; }

printf '| input | files | objects | rules | peak RSS MB | CPU s |\n|---|---:|---:|---|---:|---:|\n'
for base in bench-input-1x bench-input-quick bench-input; do
  dir=$BUILD_DIR/$base
  objects=$(stat_of "$dir" objects)
  for form in dir single; do
    if [[ $form == dir ]]; then target=$dir files=$(stat_of "$dir" files); else target=$dir.yaml files=1; fi
    for rules in all no-inventory; do
      /usr/bin/time -o "$WORK/time" -f '%M %U %S' env KG_THREADS=1 "$KG" scan --config "$WORK/$rules.yaml" \
        -f json -o /dev/null "$target" >/dev/null 2>&1 || true
      out=$(tail -1 "$WORK/time")
      read -r rss user sys <<<"$out"
      label=$([[ $rules == all ]] && echo "all" || echo "cross-object rules off")
      awk -v t="$(basename "$target")" -v f="$files" -v o="$objects" -v l="$label" -v r="$rss" -v u="$user" -v s="$sys" \
        'BEGIN { printf "| %s | %s | %s | %s | %.1f | %.2f |\n", t, f, o, l, r / 1024, u + s }'
    done
  done
done

#!/usr/bin/env bash
# From a fresh clone to a first report, in one command:
#   1. installs the Debian packages the build needs (scripts/install-deps.sh),
#   2. builds kubeguard in Release mode into build/ (binary: build/kubeguard),
#   3. scans the demo manifests in examples/demo/ and shows the report.
#
# The demo contains insecure manifests on purpose, so the scan's exit status
# 1 ("findings at or above the failure threshold") is the expected outcome and
# does not fail this script; exit status 2 (the scan itself failed) does.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${KG_JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { printf '[quickstart] %s\n' "$*"; }
die() {
  printf '[quickstart] error: %s\n' "$*" >&2
  exit 2
}

log "1/3 Debian packages"
bash "$ROOT/scripts/install-deps.sh" || die "installing the build dependencies failed"

log "2/3 Release build into build/"
generator=(-G Ninja)
[[ -f build/CMakeCache.txt ]] && generator=() # keep the generator an existing build dir was made with
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null ||
  die "cmake configure failed (run: cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release)"
cmake --build build -j "$JOBS" --target kubeguard || die "the build failed"
[[ -x build/kubeguard ]] || die "build/kubeguard was not produced"
log "built $ROOT/build/kubeguard ($(build/kubeguard --version 2>/dev/null || echo 'version unknown'))"

DEMO=examples/demo/
if [[ ! -d "$DEMO" ]] || [[ -z "$(find "$DEMO" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print -quit)" ]]; then
  log "3/3 no demo manifests in $DEMO; scan your own: build/kubeguard scan PATH"
  exit 0
fi

log "3/3 build/kubeguard scan $DEMO"
echo
status=0
build/kubeguard scan "$DEMO" </dev/null || status=$?
echo
case "$status" in
  0) log "scan finished: no finding at or above the failure threshold (exit 0)" ;;
  1) log "scan finished: findings at or above the failure threshold (exit 1, expected for the demo)" ;;
  *) die "the scan failed with exit status $status" ;;
esac
log "next: scripts/test.sh builds and runs every test; build/kubeguard --help lists the commands"

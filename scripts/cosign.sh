#!/usr/bin/env bash
# Real cosign for the supply-chain tests, built from its Go module into the
# cache (never into the tree), at nice 10, once per version.
#
#   scripts/cosign.sh build     build (or reuse) the cached binary
#   scripts/cosign.sh path      print the binary's path (exit 3 if not built)
#
# The module files (go.mod, go.sum) are locked in scripts/cosign/lock; without
# a lock the build resolves the module graph from the module proxy and the
# resulting files can be copied there. See docs/SUPPLY-CHAIN.md.
set -euo pipefail

VERSION="${KUBEGUARD_COSIGN_VERSION:-v2.6.5}"
MODULE="${KUBEGUARD_COSIGN_MODULE:-github.com/sigstore/cosign/v2}"
CACHE_ROOT="${KUBEGUARD_COSIGN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeguard/cosign}"
CACHE="$CACHE_ROOT/$VERSION"
BIN="$CACHE/bin/cosign"
GO="${KUBEGUARD_CP_GO:-}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK="$HERE/cosign/lock"

log() { printf 'cosign: %s\n' "$*" >&2; }
die() { printf 'cosign: error: %s\n' "$*" >&2; exit 1; }

find_go() {
  if [[ -n "$GO" ]]; then return; fi
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"
  elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
  else die "no Go toolchain found (set KUBEGUARD_CP_GO)"; fi
}

cmd_build() {
  [[ -x "$BIN" ]] && return 0
  find_go
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.build.lock"
  flock -w 7200 9 || die "timed out waiting for another build ($CACHE/.build.lock)"
  if [[ -x "$BIN" ]]; then exec 9>&-; return 0; fi
  export GOTOOLCHAIN=local
  local dir="$CACHE/module" mode=readonly t0 t1
  rm -rf "$dir" "$CACHE/bin.tmp"; mkdir -p "$dir" "$CACHE/bin.tmp"
  if [[ -f "$LOCK/cosign-$VERSION.go.mod" && -f "$LOCK/cosign-$VERSION.go.sum" ]]; then
    cp "$LOCK/cosign-$VERSION.go.mod" "$dir/go.mod"
    cp "$LOCK/cosign-$VERSION.go.sum" "$dir/go.sum"
  else
    mode=mod
    printf 'module kubeguard.test/cosign\n\ngo 1.24\n' >"$dir/go.mod"
  fi
  { echo "=== build $(date -u +%FT%TZ) $MODULE $VERSION"; "$GO" version; nproc; } >>"$CACHE/build.log"
  log "building cosign $VERSION (-mod=$mode, log: $CACHE/build.log)"
  t0=$(date +%s)
  (
    cd "$dir"
    export GOFLAGS="-mod=$mode -buildvcs=false"
    [[ "$mode" == readonly ]] || "$GO" get "$MODULE/cmd/cosign@$VERSION"
    nice -n 10 "$GO" build -p 2 -trimpath \
      -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$VERSION" \
      -o "$CACHE/bin.tmp/cosign" "$MODULE/cmd/cosign"
  ) >>"$CACHE/build.log" 2>&1 || { tail -n 40 "$CACHE/build.log" >&2; die "cosign build failed"; }
  rm -rf "$CACHE/bin"; mv "$CACHE/bin.tmp" "$CACHE/bin"
  t1=$(date +%s)
  printf 'build: %s s (cosign %s, %s, %s cores, %s)\n' "$((t1 - t0))" "$VERSION" \
    "$("$GO" version | awk '{print $3}')" "$(nproc)" "$(date -u +%F)" | tee -a "$CACHE/build-time.txt" >&2
  exec 9>&-
}

case "${1:-}" in
  build) cmd_build ;;
  path) [[ -x "$BIN" ]] || exit 3; printf '%s\n' "$BIN" ;;
  *) echo "usage: $0 build|path" >&2; exit 2 ;;
esac

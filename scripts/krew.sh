#!/usr/bin/env bash
# krew, the kubectl plugin manager, for the test that installs the release's
# kubectl plugin from its krew manifest and archive (offline: `krew install
# --manifest --archive`), built from its Go module sigs.k8s.io/krew and cached
# per version, like helm and the control plane's binaries.
#
#   scripts/krew.sh build    build (or reuse) the cached krew; prints nothing else
#   scripts/krew.sh path     print the cached krew's path (exit 1 when not built)
#
# The build runs at nice 10 under a lock (about 5 minutes on two busy cores).
# KUBEGUARD_KREW_VERSION overrides the version, KUBEGUARD_KREW_CACHE the cache root.
set -euo pipefail

KREW_VERSION="${KUBEGUARD_KREW_VERSION:-v0.4.3}"
CACHE_ROOT="${KUBEGUARD_KREW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeguard/krew}"
BIN="$CACHE_ROOT/$KREW_VERSION/bin"

log() { printf 'krew.sh: %s\n' "$*" >&2; }
die() {
  printf 'krew.sh: error: %s\n' "$*" >&2
  exit 1
}

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go
  else die "no Go toolchain found"; fi
}

cmd_build() {
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.lock"
  flock 9
  if [[ -x "$BIN/krew" ]]; then return 0; fi
  local go t0=$SECONDS
  go="$(find_go)"
  log "building krew $KREW_VERSION from sigs.k8s.io/krew (nice 10)"
  rm -rf "$BIN.tmp"
  mkdir -p "$BIN.tmp"
  GOBIN="$BIN.tmp" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 "$go" install \
    -ldflags "-s -w -X sigs.k8s.io/krew/internal/version.gitTag=$KREW_VERSION" \
    "sigs.k8s.io/krew/cmd/krew@$KREW_VERSION"
  rm -rf "$BIN"
  mv "$BIN.tmp" "$BIN"
  log "built $BIN/krew in $((SECONDS - t0)) s"
}

case "${1:-}" in
  build) cmd_build ;;
  path)
    [[ -x "$BIN/krew" ]] || exit 1
    echo "$BIN/krew"
    ;;
  *) die "usage: scripts/krew.sh build|path" ;;
esac

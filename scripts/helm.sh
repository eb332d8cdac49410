#!/usr/bin/env bash
# Helm for the tests (chart lint and template, scans of rendered charts),
# built from its Go module helm.sh/helm/v3 and cached per version, like the
# control plane's binaries.
#
#   scripts/helm.sh build    build (or reuse) the cached helm; prints nothing else
#   scripts/helm.sh path     print the cached helm's path (exit 1 when not built)
#
# The build runs at nice 10 under a lock, so concurrent callers wait for one
# build. KUBEGUARD_HELM_VERSION overrides the version, KUBEGUARD_HELM_CACHE
# the cache root.
set -euo pipefail

HELM_VERSION="${KUBEGUARD_HELM_VERSION:-v3.22.1}"
CACHE_ROOT="${KUBEGUARD_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeguard/helm}"
BIN="$CACHE_ROOT/$HELM_VERSION/bin"

log() { printf 'helm.sh: %s\n' "$*" >&2; }
die() {
  printf 'helm.sh: error: %s\n' "$*" >&2
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
  if [[ -x "$BIN/helm" ]]; then return 0; fi
  local go t0=$SECONDS
  go="$(find_go)"
  log "building helm $HELM_VERSION from helm.sh/helm/v3 (nice 10)"
  mkdir -p "$BIN.tmp"
  # Version stamping as Helm's Makefile does it.
  GOBIN="$BIN.tmp" CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 "$go" install \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -rf "$BIN"
  mv "$BIN.tmp" "$BIN"
  log "built $BIN/helm in $((SECONDS - t0)) s"
}

case "${1:-}" in
  build) cmd_build ;;
  path)
    [[ -x "$BIN/helm" ]] || exit 1
    echo "$BIN/helm"
    ;;
  *) die "usage: scripts/helm.sh build|path" ;;
esac

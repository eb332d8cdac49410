#!/usr/bin/env bash
# The kubectl oracle for long differential runs (docs/YAML.md, "Longer runs"):
#
#   scripts/kubectl-oracle.sh build          builds tests/doc/oracle into the cache, prints its path
#   scripts/kubectl-oracle.sh fuzz [SECONDS] [SEED]
#                                            mutates and generates documents, reads each with the
#                                            oracle and with `kubeguard convert -o json`, keeps
#                                            every disagreement (tests/doc/oracle_fuzz.py)
#
# The oracle is kubectl v1.33.13's own reading code (k8s.io/cli-runtime, apimachinery,
# sigs.k8s.io/yaml at the versions that release pins), so thousands of files are read in one
# process instead of one kubectl run per file. Never run by CI: it needs the Go module proxy
# once (then the module cache) and about two minutes of build at nice 10.
#
# Environment: KG_ORACLE_CACHE (default ~/.cache/kubeguard/oracle), KUBEGUARD (the binary to
# compare, default build/kubeguard), GO (default: go on PATH or /usr/local/go/bin/go).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KG_ORACLE_CACHE:-$HOME/.cache/kubeguard/oracle}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
BIN=$CACHE/kubectl-oracle

die() {
  echo "kubectl-oracle: $*" >&2
  exit 2
}

build() {
  [[ -x "$GO" ]] || die "Go not found (set GO=)"
  mkdir -p "$CACHE"
  local src=$ROOT/tests/doc/oracle
  # The versions kubectl v1.33.13 reads with; a change of go.mod that moves them is refused.
  local want="sigs.k8s.io/yaml v1.4.0
k8s.io/apimachinery v0.33.13
k8s.io/cli-runtime v0.33.13
sigs.k8s.io/json v0.0.0-20241010143419-9aa6b5e7a4b3
gopkg.in/evanphx/json-patch.v4 v4.12.0"
  local got
  got=$(cd "$src" && GOFLAGS=-buildvcs=false "$GO" list -m sigs.k8s.io/yaml k8s.io/apimachinery k8s.io/cli-runtime \
    sigs.k8s.io/json gopkg.in/evanphx/json-patch.v4)
  [[ "$got" == "$want" ]] || die "module versions differ from kubectl v1.33.13's:"$'\n'"$got"
  if [[ ! -x "$BIN" || "$src/main.go" -nt "$BIN" || "$src/go.mod" -nt "$BIN" ]]; then
    (cd "$src" && GOFLAGS=-buildvcs=false nice -n 10 "$GO" build -p 2 -trimpath -o "$BIN.tmp" . && mv "$BIN.tmp" "$BIN")
  fi
  echo "$BIN"
}

case "${1:-}" in
build) build ;;
fuzz)
  build >/dev/null
  exec python3 "$ROOT/tests/doc/oracle_fuzz.py" --oracle "$BIN" --kubeguard "${KUBEGUARD:-$ROOT/build/kubeguard}" \
    --seconds "${2:-300}" --seed "${3:-1}" --keep "$ROOT/tests/doc/data/kubectl"
  ;;
*) die "usage: $0 build | fuzz [SECONDS] [SEED]" ;;
esac

#!/usr/bin/env bash
# Builds Kyverno's admission controller (github.com/kyverno/kyverno v1.19.1,
# cmd/kyverno) from the Go module, for the admission benchmark's peer column
# only (never CI). Cached in ~/.cache/kubeguard/kyverno/VERSION; runs at
# nice 19 so it takes only what CPU others leave.
#   bench/kyverno/build.sh [download]   # "download": fetch the modules only
set -euo pipefail
version=v1.19.1
cache=${KG_KYVERNO_CACHE:-$HOME/.cache/kubeguard/kyverno/$version}
mkdir -p "$cache/src"
cd "$cache/src"
if [[ ! -f go.mod ]]; then
  cat >go.mod <<MOD
module kubeguard.local/kyverno-peer

go 1.24
MOD
fi
export GOFLAGS=-mod=mod
nice -n 19 go get "github.com/kyverno/kyverno@$version" >>"$cache/build.log" 2>&1
[[ "${1:-}" == download ]] && { echo "kyverno $version modules downloaded"; exit 0; }
nice -n 19 go build -p 1 -o "$cache/bin/kyverno" github.com/kyverno/kyverno/cmd/kyverno >>"$cache/build.log" 2>&1
echo "kyverno $version built: $cache/bin/kyverno"

#!/usr/bin/env bash
# Prints the paths of the policy report CRDs, one a line: wgpolicyk8s.io
# PolicyReport and ClusterPolicyReport (from the Kyverno Go module, which
# ships them) and openreports.io Report and ClusterReport (from the
# reports-api Go module). Modules come through the Go module proxy into the
# module cache (about 11 MB the first time, nothing after); the tests apply
# the CRDs to the test control plane so the API server validates what
# `kubeguard cluster scan --write-reports` writes.
set -euo pipefail

KYVERNO_VERSION=v1.19.1
OPENREPORTS_VERSION=v0.2.1

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || {
  echo "policy-report-crds: go not found (scripts/controlplane.sh installs it)" >&2
  exit 1
}

module_dir() {
  # Outside any module: `go mod download` of module@version only fills the cache.
  (cd / && GOFLAGS=-mod=mod nice -n 10 go mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

kyverno=$(module_dir "github.com/kyverno/kyverno@${KYVERNO_VERSION}")
openreports=$(module_dir "github.com/openreports/reports-api@${OPENREPORTS_VERSION}")
for f in \
  "$kyverno/config/crds/policyreport/wgpolicyk8s.io_policyreports.yaml" \
  "$kyverno/config/crds/policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml" \
  "$openreports/config/crd/openreports.io_reports.yaml" \
  "$openreports/config/crd/openreports.io_clusterreports.yaml"; do
  [[ -f "$f" ]] || {
    echo "policy-report-crds: missing $f" >&2
    exit 1
  }
  echo "$f"
done

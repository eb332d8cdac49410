#!/usr/bin/env bash
# Writes the krew plugin manifest of a release (plugins/kubeguard.yaml in a
# krew index) to standard output:
#
#   scripts/krew-manifest.sh VERSION ARCHIVE_URL ARCHIVE [ARCHIVE_URL ARCHIVE ...]
#
# Each ARCHIVE is a release tarball (kubeguard-<version>-<os>-<arch>.tar.gz)
# holding the binary as `kubectl-kubeguard`; its sha256 is computed here and
# its os and arch are read from its name. The binary is built on Debian 12
# and links that release's shared libraries (see the container image for a
# self-contained way to run it).
set -euo pipefail

die() {
  printf 'krew-manifest: error: %s\n' "$*" >&2
  exit 1
}

(($# >= 3 && $# % 2 == 1)) || die "usage: scripts/krew-manifest.sh VERSION ARCHIVE_URL ARCHIVE [ARCHIVE_URL ARCHIVE ...]"
version="$1"
shift
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "VERSION '$version' is not vMAJOR.MINOR.PATCH"

cat <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: kubeguard
spec:
  version: ${version}
  homepage: https://github.com/kubeguard/kubeguard
  shortDescription: Scan manifests and clusters for security problems
  description: |
    kubeguard checks Kubernetes manifests and live clusters against one rule
    catalog: Pod Security Standards, privileged and injected containers
    (sidecar injection, MS-TA9011), RBAC escalation paths, network exposure,
    secrets and images. It writes text, JSON, SARIF, JUnit, HTML and policy
    reports.

      kubectl kubeguard scan k8s/ --fail-on high
      kubectl kubeguard cluster scan -f html -o report.html
      kubectl kubeguard rbac who-can-inject --cluster
  platforms:
YAML
while (($# > 0)); do
  url="$1" archive="$2"
  shift 2
  [[ -f "$archive" ]] || die "no such archive: $archive"
  name="$(basename "$archive")"
  [[ "$name" =~ -(linux|darwin|windows)-(amd64|arm64)\.tar\.gz$ ]] || die "$name: expected a name ending in -<os>-<arch>.tar.gz"
  os="${BASH_REMATCH[1]}" arch="${BASH_REMATCH[2]}"
  tar -tzf "$archive" | grep -qx 'kubectl-kubeguard' || die "$name does not hold kubectl-kubeguard at its top"
  sha="$(sha256sum "$archive" | cut -d' ' -f1)"
  cat <<YAML
  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${url}
    sha256: ${sha}
    bin: kubectl-kubeguard
    files:
    - from: kubectl-kubeguard
      to: .
YAML
done

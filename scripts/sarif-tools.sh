#!/usr/bin/env bash
# Microsoft's SARIF Multitool (with GitHub's ingestion rules) and the SARIF
# 2.1.0 schema, from the npm package @microsoft/sarif-multitool-linux, for the
# SARIF tests (SarifReport.*Validate*; docs/report-sarif.md). CI runs it in its
# deps step, so those tests run instead of skipping.
#
#   scripts/sarif-tools.sh     install (or keep) it under KG_TOOLS_DIR (default /opt/kubeguard-tools)
#
# About 100 MB, a few seconds from the npm registry; nothing when present.
set -euo pipefail

VERSION=5.7.0
DIR=${KG_TOOLS_DIR:-/opt/kubeguard-tools}
PKG=$DIR/node_modules/@microsoft/sarif-multitool-linux

die() {
  printf 'sarif-tools: error: %s\n' "$*" >&2
  exit 1
}

if [[ -x "$PKG/Sarif.Multitool" && -f "$PKG/sarif-2.1.0.json" ]] &&
  grep -q "\"version\": \"$VERSION\"" "$PKG/package.json"; then
  exit 0
fi
command -v npm >/dev/null || die "npm is needed to install @microsoft/sarif-multitool-linux"
mkdir -p "$DIR"
npm install --no-audit --no-fund --prefix "$DIR" "@microsoft/sarif-multitool-linux@$VERSION" >&2 ||
  die "npm install @microsoft/sarif-multitool-linux@$VERSION failed"
# The package's own postinstall does this; npm may be set not to run install scripts.
chmod u+x "$PKG/Sarif.Multitool"
[[ -f "$PKG/sarif-2.1.0.json" ]] || die "the package has no sarif-2.1.0.json"
printf 'sarif-tools: SARIF Multitool %s in %s\n' "$VERSION" "$PKG" >&2

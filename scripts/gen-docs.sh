#!/usr/bin/env bash
# Regenerates docs/rules.md from the rule catalog (a test fails when it is stale).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KUBEGUARD:-$ROOT/build/kubeguard}
[[ -x "$BIN" ]] || { echo "gen-docs: $BIN not built (bash scripts/quickstart.sh)" >&2; exit 2; }
"$BIN" rules -f markdown >"$ROOT/docs/rules.md"
echo "wrote docs/rules.md ($("$BIN" rules -f json | grep -c '"id"') rules)"

#!/usr/bin/env bash
# Install peer Kubernetes manifest scanners, for benchmark comparison only.
#
# Everything goes under ${KG_PEERS_DIR:-~/.cache/kubeguard/peers}:
#   bin/    Go binaries (GOBIN=... go install module@version)
#   venv/   a Python virtualenv holding checkov
# It also installs Debian's `time` package when /usr/bin/time is missing
# (bench/run_scan_bench.sh uses `/usr/bin/time -v` for wall time and peak RSS).
#
# Idempotent: a peer already at the pinned version is left alone.
# A peer that cannot be installed is reported and skipped; the script exits 0.
# Builds run under `nice -n 10`.
#
# Environment overrides: KG_PEERS_DIR, GO (path to the go binary),
# PYTHON (interpreter for the venv), KUBE_LINTER_VERSION, KUBE_SCORE_VERSION,
# POLARIS_VERSION, CHECKOV_VERSION, KG_PEERS_ONLY (space-separated subset of
# "kube-linter kube-score polaris checkov").
set -u

PEERS_DIR=${KG_PEERS_DIR:-$HOME/.cache/kubeguard/peers}
BIN_DIR=$PEERS_DIR/bin
VENV_DIR=$PEERS_DIR/venv
STAMP_DIR=$PEERS_DIR/stamps

# Pinned versions. kube-score v1.20.0 and checkov 3.3.30 are verified to
# install on Debian 12 with Go 1.26 / CPython 3.11. kube-linter and polaris are
# refused by the Go module proxy this project's machines reach (HTTP 403), so
# here they are reported as FAILED and skipped.
KUBE_LINTER_VERSION=${KUBE_LINTER_VERSION:-v0.7.2}
KUBE_SCORE_VERSION=${KUBE_SCORE_VERSION:-v1.20.0}
# Polaris tags (v8, v9, v10...) are not valid Go module versions for the module
# path github.com/fairwindsops/polaris (its go.mod has no /vN suffix), so it is
# pinned by commit; go resolves that to a pseudo-version.
POLARIS_VERSION=${POLARIS_VERSION:-006bc00abda47d5d4a639a7ec246c2850b2c2450}
CHECKOV_VERSION=${CHECKOV_VERSION:-3.3.30}
ONLY=${KG_PEERS_ONLY:-kube-linter kube-score polaris checkov}

GO=${GO:-}
if [[ -z $GO ]]; then
  if command -v go >/dev/null 2>&1; then GO=$(command -v go)
  elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
  fi
fi
PYTHON=${PYTHON:-$(command -v python3 || true)}

mkdir -p "$BIN_DIR" "$STAMP_DIR"
LOG_DIR=$PEERS_DIR/logs
mkdir -p "$LOG_DIR"

declare -A RESULT

log() { printf '[install-peers] %s\n' "$*"; }
wanted() { [[ " $ONLY " == *" $1 "* ]]; }

# --- /usr/bin/time (Debian package "time") ------------------------------------
ensure_time() {
  if [[ -x /usr/bin/time ]]; then
    RESULT[time]="present (/usr/bin/time)"
    return
  fi
  log "installing Debian package 'time' for /usr/bin/time"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  if $sudo apt-get install -y -q time >"$LOG_DIR/time.log" 2>&1 ||
     { $sudo apt-get update -q >>"$LOG_DIR/time.log" 2>&1 &&
       $sudo apt-get install -y -q time >>"$LOG_DIR/time.log" 2>&1; }; then
    RESULT[time]="installed (apt: time)"
  else
    RESULT[time]="FAILED: apt-get install time (see $LOG_DIR/time.log)"
  fi
}

# --- Go peers -------------------------------------------------------------------
# go_peer NAME MODULE_PATH VERSION BINARY
go_peer() {
  local name=$1 pkg=$2 version=$3 binary=$4
  local stamp=$STAMP_DIR/$name
  if [[ -x $BIN_DIR/$binary && -f $stamp && $(cat "$stamp") == "$pkg@$version" ]]; then
    RESULT[$name]="already installed: $pkg@$version -> $BIN_DIR/$binary"
    return
  fi
  if [[ -z $GO ]]; then
    RESULT[$name]="FAILED: no go toolchain found"
    return
  fi
  log "go install $pkg@$version (nice -n 10; log: $LOG_DIR/$name.log)"
  if GOBIN=$BIN_DIR GOFLAGS="${GOFLAGS:-} -trimpath" nice -n 10 "$GO" install "$pkg@$version" \
       >"$LOG_DIR/$name.log" 2>&1; then
    echo "$pkg@$version" >"$stamp"
    RESULT[$name]="installed: $pkg@$version -> $BIN_DIR/$binary"
  else
    rm -f "$stamp"
    local why
    # Keep the useful tail of go's message: "403 Forbidden", the proxy's reply.
    why=$(grep -oE '(reading https?://[^ ]+: )?[0-9]{3} [A-Za-z ]+$|server response: .*|invalid version: .*|cannot .*' \
          "$LOG_DIR/$name.log" | sed -E 's#reading (https?://[^/]+)/[^ ]*: #\1: #' | head -2 | paste -sd ';' - | cut -c1-220)
    RESULT[$name]="FAILED: go install $pkg@$version: ${why:-see $LOG_DIR/$name.log}"
  fi
}

# --- checkov (PyPI) -------------------------------------------------------------
checkov_peer() {
  local stamp=$STAMP_DIR/checkov
  if [[ -x $VENV_DIR/bin/checkov && -f $stamp && $(cat "$stamp") == "checkov==$CHECKOV_VERSION" ]]; then
    RESULT[checkov]="already installed: checkov==$CHECKOV_VERSION -> $VENV_DIR/bin/checkov"
    ln -sf "$VENV_DIR/bin/checkov" "$BIN_DIR/checkov"
    return
  fi
  if [[ -z $PYTHON ]]; then
    RESULT[checkov]="FAILED: no python3 found"
    return
  fi
  log "pip install checkov==$CHECKOV_VERSION into $VENV_DIR (log: $LOG_DIR/checkov.log)"
  if { [[ -x $VENV_DIR/bin/python ]] || "$PYTHON" -m venv "$VENV_DIR"; } >"$LOG_DIR/checkov.log" 2>&1 &&
     nice -n 10 "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check \
       "checkov==$CHECKOV_VERSION" >>"$LOG_DIR/checkov.log" 2>&1 &&
     [[ -x $VENV_DIR/bin/checkov ]]; then
    echo "checkov==$CHECKOV_VERSION" >"$stamp"
    ln -sf "$VENV_DIR/bin/checkov" "$BIN_DIR/checkov"
    RESULT[checkov]="installed: checkov==$CHECKOV_VERSION -> $VENV_DIR/bin/checkov"
  else
    rm -f "$stamp"
    local why
    why=$(grep -m1 -E 'ERROR|error' "$LOG_DIR/checkov.log" | cut -c1-200)
    RESULT[checkov]="FAILED: pip install checkov==$CHECKOV_VERSION: ${why:-see $LOG_DIR/checkov.log}"
  fi
}

ensure_time
wanted kube-linter && go_peer kube-linter golang.stackrox.io/kube-linter/cmd/kube-linter "$KUBE_LINTER_VERSION" kube-linter
wanted kube-score  && go_peer kube-score  github.com/zegl/kube-score/cmd/kube-score        "$KUBE_SCORE_VERSION"  kube-score
wanted polaris     && go_peer polaris     github.com/fairwindsops/polaris                  "$POLARIS_VERSION"     polaris
wanted checkov     && checkov_peer

echo
echo "Peer scanners in $PEERS_DIR:"
for k in time kube-linter kube-score polaris checkov; do
  [[ -n ${RESULT[$k]:-} ]] && printf '  %-12s %s\n' "$k" "${RESULT[$k]}"
done
# Version strings as the tools report them, for the record.
for b in kube-linter kube-score polaris checkov; do
  if [[ -x $BIN_DIR/$b ]]; then
    case $b in
      kube-linter) v=$("$BIN_DIR/$b" version 2>/dev/null | head -1) ;;
      kube-score)  v=$("$BIN_DIR/$b" version 2>/dev/null | head -1) ;;
      polaris)     v=$("$BIN_DIR/$b" version 2>/dev/null | head -1) ;;
      checkov)     v=$("$BIN_DIR/$b" --version 2>/dev/null | head -1) ;;
    esac
    printf '  %-12s reports: %s\n' "$b" "${v:-?}"
  fi
done
exit 0

#!/usr/bin/env bash
# Installs the Debian packages that kubeguard's build, tests and developer
# tools need (Debian 12 "bookworm"). Idempotent: a machine that already has
# everything does no apt work at all; `apt-get update` runs only when
# something is missing.
#
#   scripts/install-deps.sh            install what is missing
#   scripts/install-deps.sh --check    list what is missing, install nothing
#                                      (exit 1 when something is missing)
#
# Runs as root, or through sudo when it is available. The peer scanners and
# the local control plane have their own installers (scripts/install-peers.sh,
# scripts/controlplane.sh); this script does not duplicate them.
set -euo pipefail

# --- What the project needs ---------------------------------------------------
# Add a package to the list that matches its use; keep one package a line.

# Compilers and build system.
BUILD_PACKAGES=(
  cmake
  ninja-build
  g++
  pkg-config
  git
  ccache
)

# Libraries the engine, the fronts, the tests and the benchmarks link.
LIBRARY_PACKAGES=(
  libyaml-dev
  libfmt-dev
  libcli11-dev
  libgtest-dev
  googletest
  libsimdjson-dev
  libre2-dev
  libbenchmark-dev
  libcurl4-openssl-dev
  libboost-dev
  libssl-dev
)

# Sanitizers, libFuzzer, formatting and static analysis (scripts/test.sh,
# scripts/lint.sh).
TOOL_PACKAGES=(
  clang
  clang-tidy
  clang-format
  libclang-rt-14-dev
  libxml2-utils # xmllint: checks that the JUnit report is well-formed XML
  time          # /usr/bin/time -v for the benchmarks
  python3       # bench/make_input.py
)

# Packages that later work needs; add them here (e.g. python3-jsonschema for
# validating reports against a schema). KG_EXTRA_DEPS (space-separated) adds
# more from the environment without editing this file.
EXTRA_PACKAGES=(
  openssl            # certificates for the webhook server and the test control plane
  curl               # end-to-end tests talk to the API server and the webhook like an attacker would
  python3-jsonschema # validates JSON and SARIF reports against their schemas in tests
  graphviz           # kubeguard rbac -f svg renders the attack-path graph with dot
  docker-registry    # the real OCI registry of the supply-chain tests (scripts/registry.sh)
  apache2-utils      # htpasswd: the test registry's basic-auth file
  skopeo             # pushes the test images and signed fixtures to the test registry
  python3-cryptography # signs the token server's JWTs (scripts/registry/token_server.py, token mode)
  umoci              # builds the tiny test images from a tar of files
  libarchive-dev     # reads image layers (tar with gzip or zstd) for their contents (src/supply/layer_reader.cc)
  chromium           # loads the HTML report headless: no console error, no request, a screenshot (~60 s, 124 MB)
  zsh                # shell completion tested in the shells it is written for (zsh and fish: ~30 s together)
  fish
)
# ------------------------------------------------------------------------------

log() { printf '[install-deps] %s\n' "$*"; }
die() {
  printf '[install-deps] error: %s\n' "$*" >&2
  exit 1
}

check_only=0
case "${1:-}" in
  "") ;;
  --check) check_only=1 ;;
  -h | --help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

read -r -a env_extra <<<"${KG_EXTRA_DEPS:-}"
wanted=("${BUILD_PACKAGES[@]}" "${LIBRARY_PACKAGES[@]}" "${TOOL_PACKAGES[@]}" "${EXTRA_PACKAGES[@]}" "${env_extra[@]}")

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian and its derivatives only"

# A package counts as present only when dpkg says "installed" (not merely
# "config-files" left behind by a removal).
missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  log "all ${#wanted[@]} packages are installed; nothing to do"
  exit 0
fi

log "missing: ${missing[*]}"
if ((check_only)); then
  exit 1
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available; run as root: apt-get install ${missing[*]}"
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
"${sudo[@]}" apt-get update -q || die "apt-get update failed"
log "apt-get install ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
  die "apt-get install failed for: ${missing[*]}"

# Confirm, so a silently skipped package is caught here rather than in the build.
still_missing=()
for pkg in "${missing[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || still_missing+=("$pkg")
done
((${#still_missing[@]} == 0)) || die "still not installed after apt-get: ${still_missing[*]}"
log "installed ${#missing[@]} package(s)"

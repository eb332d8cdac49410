#!/usr/bin/env bash
# The container image of kubeguard, built with Debian's tools and no base
# image: the binary, the shared libraries it links (as ldd lists them),
# Debian's CA certificates and a non-root user, nothing else.
#
#   scripts/image.sh build [BINARY] [LAYOUT]   OCI image layout (default build/image) tagged with the
#                                              version; prints the manifest digest
#   scripts/image.sh push LAYOUT REF           copy to a registry (skopeo); prints the pushed digest
#
# The entrypoint is /usr/bin/kubeguard, the user 65532:65532; the image has no
# shell. Tools: umoci (image layout), skopeo (push), both from Debian
# (scripts/install-deps.sh). Registry credentials and CA for push come from
# REGISTRY_AUTH_FILE and KUBEGUARD_REG_CA (scripts/registry.sh env prints both).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'image: %s\n' "$*" >&2; }
die() {
  printf 'image: error: %s\n' "$*" >&2
  exit 1
}

version() { sed -n 's/^project(kubeguard VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt"; }

# Copies a file into the root file system at the path ldd gave, as a regular
# file (symlinks followed): the loader finds each library where ldd did.
copy_in() {
  local file=$1 rootfs=$2
  mkdir -p "$rootfs$(dirname "$file")"
  cp -L "$file" "$rootfs$file"
}

cmd_build() {
  local binary=${1:-$ROOT/build/kubeguard} layout=${2:-$ROOT/build/image}
  [[ -x "$binary" ]] || die "no binary at $binary (build it first)"
  command -v umoci >/dev/null || die "umoci is missing (scripts/install-deps.sh)"
  local tag work rootfs
  tag=$(version)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  rootfs="$work/bundle/rootfs"

  rm -rf "$layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null
  # The binary and every library it links, at the paths the loader looks in.
  install -D -m 0755 "$binary" "$rootfs/usr/bin/kubeguard"
  local lib
  while read -r lib; do
    [[ -n "$lib" && -e "$lib" ]] && copy_in "$lib" "$rootfs"
  done < <(ldd "$binary" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
  # TLS roots for the registry client and the API server client.
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  umoci repack --image "$layout:$tag" "$work/bundle" >/dev/null
  umoci config --image "$layout:$tag" \
    --config.user 65532:65532 \
    --config.entrypoint /usr/bin/kubeguard \
    --config.cmd --help \
    --config.workingdir / \
    --config.env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --config.label "org.opencontainers.image.title=kubeguard" \
    --config.label "org.opencontainers.image.version=$tag" \
    --config.label "org.opencontainers.image.source=https://github.com/kubeguard/kubeguard" \
    --os linux --architecture amd64 >/dev/null
  umoci gc --layout "$layout"
  # The manifest digest of the tag.
  umoci stat --image "$layout:$tag" --json >/dev/null
  local digest
  digest=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]+"/index.json")); print([m["digest"] for m in i["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")==sys.argv[2]][0])' "$layout" "$tag")
  log "built $layout:$tag ($digest)"
  echo "$digest"
}

cmd_push() {
  local layout=${1:?layout} ref=${2:?reference}
  command -v skopeo >/dev/null || die "skopeo is missing (scripts/install-deps.sh)"
  local tag certs=()
  tag=$(version)
  if [[ -n "${KUBEGUARD_REG_CA:-}" ]]; then
    local d
    d=$(mktemp -d)
    cp "$KUBEGUARD_REG_CA" "$d/ca.crt"
    certs=(--dest-cert-dir "$d")
  fi
  local digest_file
  digest_file=$(mktemp)
  skopeo copy --quiet "${certs[@]}" ${REGISTRY_AUTH_FILE:+--dest-authfile "$REGISTRY_AUTH_FILE"} \
    --digestfile "$digest_file" "oci:$layout:$tag" "docker://$ref"
  cat "$digest_file"
  echo
  rm -f "$digest_file"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  push) shift; cmd_push "$@" ;;
  *) die "usage: scripts/image.sh build [BINARY] [LAYOUT] | push LAYOUT REF" ;;
esac

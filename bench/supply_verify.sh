#!/usr/bin/env bash
# Cost of verifying an image with `kubeguard verify` against the real test
# registry (scripts/registry.sh: TLS, basic auth) holding the cosign-signed
# fixtures of tests/supply/data.
#
#   bench/supply_verify.sh [BUILD_DIR]     (default build/)
#
# Prints, for signed images:
#   cold    one process per image: TLS handshake, 401 challenge, manifest,
#           signature manifest, payload blob (what a CLI run or a first
#           admission request pays)
#   warm    more distinct images in one process (connection and auth reused)
#   cached  the same image again in one process (answered from the cache)
# with wall time and the requests the registry saw (its log counts them);
# and, for image contents (--inspect-images), a tiny image and a larger one
# made from this machine's /usr/lib/python3.* (thousands of files, tens of MB):
#   contents cold    one process per image: manifest, config, every layer
#                    downloaded, gunzipped and listed
#   contents cached  the same image again in one process
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD="${1:-$ROOT/build}"
KG="$BUILD/kubeguard"
[[ -x "$KG" ]] || { echo "no $KG (build it first)" >&2; exit 2; }
WORK="$(mktemp -d /tmp/kg-supply-bench.XXXXXX)"
export KUBEGUARD_REG_DIR="$WORK/registry" KUBEGUARD_REG_PORT="${KUBEGUARD_REG_PORT:-5109}"
trap 'bash "$ROOT/scripts/registry.sh" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
eval "$(bash "$ROOT/scripts/registry.sh" start 2>/dev/null)"
REG="$KUBEGUARD_REG_ADDR"
mkdir -p "$WORK/certs"; cp "$KUBEGUARD_REG_CA" "$WORK/certs/ca.crt"
DATA="$ROOT/tests/supply/data"
refs=$(python3 -c 'import json,sys; [print(m["annotations"]["org.opencontainers.image.ref.name"]) for m in json.load(open(sys.argv[1]))["manifests"]]' "$DATA/layout/index.json")
for r in $refs; do
  skopeo copy -q --preserve-digests --dest-cert-dir "$WORK/certs" --dest-authfile "$KUBEGUARD_REG_AUTH" \
    "oci:$DATA/layout:$r" "docker://$REG/$r"
done
cat >"$WORK/kubeguard.yaml" <<YAML
imagePolicies:
  - images: ["$REG/kg/*"]
    keys: [$DATA/keys/cosign.pub, $DATA/keys/rsa.pub]
    certificates: {roots: $DATA/keys/ca.pem, identities: [{subject: ci@kubeguard.test}]}
registryAuth:
  dockerConfig: $KUBEGUARD_REG_DOCKER_CONFIG/config.json
  caFile: $KUBEGUARD_REG_CA
YAML
now() { date +%s%N; }
# best (lowest) wall time in ns of 5 runs of the command
best() {
  local b=0 t i
  for ((i = 0; i < 5; i++)); do
    t=$(now); "$@" >/dev/null 2>&1 || true; t=$(( $(now) - t ))
    if ((b == 0 || t < b)); then b=$t; fi
  done
  echo "$b"
}
ms() { echo "scale=2; $1 / 1000000" | bc; }
signed=("$REG/kg/signed:v1" "$REG/kg/rsa:v1" "$REG/kg/cert:v1")
cfg=(--config "$WORK/kubeguard.yaml")
N=50
many=()
for ((i = 0; i < N; i++)); do many+=("${signed[@]}"); done

start=$(best "$KG" verify "${cfg[@]}" registry.invalid/not-in-any-policy:v1)
one=$(best "$KG" verify "${cfg[@]}" "${signed[0]}")
three=$(best "$KG" verify "${cfg[@]}" "${signed[@]}")
repeated=$(best "$KG" verify "${cfg[@]}" "${many[@]}")
echo "process start, config and keys read, no network:      $(ms "$start") ms"
echo "cold: one image in a fresh process (TLS, 401, 3 GETs):  $(ms "$one") ms ($(ms $((one - start))) ms over the start)"
echo "warm: 3 distinct images, one process:                   $(ms $(( (three - start) / 3 ))) ms per image over the start"
echo "cached: the same 3 images x $N in one process:           $(echo "scale=4; ($repeated - $three) / (3 * ($N - 1)) / 1000" | bc) us per cached image"
echo "best of 5 runs each; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Image contents: a one-file image and one built from /usr/lib/python3.* and a shell.
mkdir -p "$WORK/big/root/usr/lib" "$WORK/tiny/root/bin"
py=$(ls -d /usr/lib/python3.* | head -n 1)
cp -a "$py" "$WORK/big/root/usr/lib/"
mkdir -p "$WORK/big/root/bin"; cp /bin/dash "$WORK/big/root/bin/sh"
printf '#!/bin/true\n' >"$WORK/tiny/root/bin/app"; chmod 755 "$WORK/tiny/root/bin/app"
for name in tiny big; do
  tar -C "$WORK/$name/root" --owner=0 --group=0 --numeric-owner -cf "$WORK/$name/layer.tar" .
  umoci init --layout "$WORK/$name/oci" >/dev/null
  umoci new --image "$WORK/$name/oci:v1" >/dev/null
  umoci raw add-layer --image "$WORK/$name/oci:v1" "$WORK/$name/layer.tar" >/dev/null
  skopeo copy -q --dest-cert-dir "$WORK/certs" --dest-authfile "$KUBEGUARD_REG_AUTH" \
    "oci:$WORK/$name/oci:v1" "docker://$REG/contents/$name:v1"
done
files=$(tar -tf "$WORK/big/layer.tar" | wc -l)
unpacked=$(stat -c %s "$WORK/big/layer.tar")
compressed=$(du -b "$WORK/big/oci/blobs/sha256" | tail -n 1 | cut -f1)
tiny_cold=$(best "$KG" verify "${cfg[@]}" --inspect-images "$REG/contents/tiny:v1")
big_cold=$(best "$KG" verify "${cfg[@]}" --inspect-images "$REG/contents/big:v1")
big_plain=$(best "$KG" verify "${cfg[@]}" "$REG/contents/big:v1")
many_tiny=()
for ((i = 0; i < 1000; i++)); do many_tiny+=("$REG/contents/tiny:v1"); done
tiny_1000=$(best "$KG" verify "${cfg[@]}" --inspect-images "${many_tiny[@]}")
tiny_2000=$(best "$KG" verify "${cfg[@]}" --inspect-images "${many_tiny[@]}" "${many_tiny[@]}")
echo "contents cold, tiny image (1 file):                       $(ms $((tiny_cold - start))) ms over the start"
echo "contents cold, $files entries, $((unpacked / 1048576)) MiB tar, ~$((compressed / 1048576)) MiB gzip: $(ms $((big_cold - big_plain))) ms more than verify alone"
echo "contents cached, the same image 1000 more times:           $(echo "scale=2; ($tiny_2000 - $tiny_1000) / 1000 / 1000" | bc) us per cached image (verdict and contents, text output)"
echo "best of 5 runs each; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

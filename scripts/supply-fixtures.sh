#!/usr/bin/env bash
# Makes the signed test images of the supply-chain tests with the real cosign
# and keeps them as an OCI layout in tests/supply/data (run on purpose, not in
# CI: building cosign takes longer than CI's budget; see docs/SUPPLY-CHAIN.md).
#
#   scripts/supply-fixtures.sh      rebuild tests/supply/data from scratch
#
# Steps: tiny images made with umoci from a tar of files; a private registry
# (scripts/registry.sh, TLS and basic auth); cosign key pairs (ECDSA P-256 from
# cosign itself, RSA and Ed25519 imported) and a test CA with a code-signing
# certificate (cosign's bring-your-own-PKI signing); cosign signs by digest
# with no transparency log (this machine reaches no Rekor); skopeo copies every
# image and signature manifest, digests preserved, into one OCI layout whose
# ref names are "repository:tag".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="$ROOT/tests/supply/data"
WORK="$(mktemp -d /tmp/kg-supply-fixtures.XXXXXX)"
export KUBEGUARD_REG_DIR="$WORK/registry" KUBEGUARD_REG_PORT="${KUBEGUARD_REG_PORT:-5101}"
trap 'bash "$HERE/registry.sh" stop || true; rm -rf "$WORK"' EXIT

log() { printf 'supply-fixtures: %s\n' "$*" >&2; }

bash "$HERE/cosign.sh" build
COSIGN="$(bash "$HERE/cosign.sh" path)"
eval "$(bash "$HERE/registry.sh" start)"
REG="$KUBEGUARD_REG_ADDR"
mkdir -p "$WORK/certs"; cp "$KUBEGUARD_REG_CA" "$WORK/certs/ca.crt"
SKOPEO_DEST=(--dest-cert-dir "$WORK/certs" --dest-authfile "$KUBEGUARD_REG_AUTH")
SKOPEO_SRC=(--src-cert-dir "$WORK/certs" --src-authfile "$KUBEGUARD_REG_AUTH")
# cosign (Go) trusts the test CA through SSL_CERT_FILE and reads the docker config.
export SSL_CERT_FILE="$KUBEGUARD_REG_CA" DOCKER_CONFIG="$KUBEGUARD_REG_DOCKER_CONFIG"
export COSIGN_PASSWORD="" COSIGN_YES=true

# image NAME TEXT: a one-layer image whose /etc/motd says TEXT, pushed as kg/NAME:v1.
# Prints the digest.
image() {
  local name="$1" text="$2" dir="$WORK/img-$1"
  mkdir -p "$dir/root/etc" "$dir/root/bin"
  printf '%s\n' "$text" >"$dir/root/etc/motd"
  printf '#!/bin/sh\necho %s\n' "$name" >"$dir/root/bin/hello"; chmod 755 "$dir/root/bin/hello"
  tar -C "$dir/root" --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$dir/layer.tar" .
  umoci init --layout "$dir/oci" >/dev/null
  umoci new --image "$dir/oci:v1" >/dev/null
  umoci raw add-layer --image "$dir/oci:v1" "$dir/layer.tar" >/dev/null
  umoci config --image "$dir/oci:v1" --config.user 1000:1000 --config.cmd /bin/hello \
    --created 2026-01-01T00:00:00Z --history.created 2026-01-01T00:00:00Z >/dev/null
  skopeo copy -q --preserve-digests "${SKOPEO_DEST[@]}" "oci:$dir/oci:v1" "docker://$REG/kg/$name:v1" >&2
  skopeo inspect --raw "${SKOPEO_SRC[@]/--src-/--}" "docker://$REG/kg/$name:v1" | sha256sum | awk '{print "sha256:"$1}'
}

cd "$WORK"
log "keys"
"$COSIGN" generate-key-pair --output-key-prefix cosign >/dev/null 2>&1
"$COSIGN" generate-key-pair --output-key-prefix wrong >/dev/null 2>&1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed25519.pem 2>/dev/null
"$COSIGN" import-key-pair --key rsa.pem --output-key-prefix rsa >/dev/null 2>&1
"$COSIGN" import-key-pair --key ed25519.pem --output-key-prefix ed25519 >/dev/null 2>&1 || log "cosign cannot import Ed25519 keys: no Ed25519 fixture"

log "test CA and a code-signing certificate (bring-your-own PKI)"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/CN=kubeguard-test-signing-ca" -days 7300 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key 2>/dev/null
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=codeSigning" "subjectAltName=email:ci@kubeguard.test" \
  "1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:https://issuer.kubeguard.test" >leaf.ext
openssl req -new -key leaf.key -subj "/CN=ci@kubeguard.test" -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7300 -sha256 -extfile leaf.ext \
  -out leaf.pem 2>/dev/null
"$COSIGN" import-key-pair --key leaf.key --output-key-prefix leaf >/dev/null 2>&1

sign() {  # sign KEYPREFIX REF [extra cosign flags]
  local key="$1" ref="$2"; shift 2
  "$COSIGN" sign --key "$key.key" --tlog-upload=false "$@" "$ref" >&2
}

log "images and signatures"
A="$(image signed 'signed v1')";    sign cosign "$REG/kg/signed@$A"
B="$(image unsigned 'unsigned v1')"
C="$(image retag 'retag original')"; sign cosign "$REG/kg/retag@$C"
D="$(image retag-moved 'retag moved')"
# Move kg/retag:v1 to D (unsigned): the signed C stays reachable by digest.
skopeo copy -q --preserve-digests "${SKOPEO_SRC[@]}" "${SKOPEO_DEST[@]}" "docker://$REG/kg/retag-moved:v1" "docker://$REG/kg/retag:v1" >&2
E="$(image wrongkey 'wrong key')";  sign wrong "$REG/kg/wrongkey@$E"
F="$(image cert 'certificate')";    sign leaf "$REG/kg/cert@$F" --certificate leaf.pem --certificate-chain ca.pem
G="$(image rsa 'rsa')";             sign rsa "$REG/kg/rsa@$G"
if [[ -f ed25519.key ]]; then H="$(image ed25519 'ed25519')"; sign ed25519 "$REG/kg/ed25519@$H"; fi

log "exporting to an OCI layout"
rm -rf "$OUT"; mkdir -p "$OUT/keys"
export_ref() {  # export_ref REPO TAG
  skopeo copy -q --preserve-digests "${SKOPEO_SRC[@]}" "docker://$REG/$1:$2" "oci:$OUT/layout:$1:$2" >&2
}
for repo in signed unsigned retag wrongkey cert rsa ed25519; do
  [[ "$repo" == ed25519 && ! -f ed25519.key ]] && continue
  export_ref "kg/$repo" v1
done
export_ref kg/retag-moved v1
for pair in "signed $A" "retag $C" "wrongkey $E" "cert $F" "rsa $G" ${H:+"ed25519 $H"}; do
  set -- $pair
  export_ref "kg/$1" "$(printf '%s' "$2" | tr ':' '-').sig"
done
# The retagged repository also keeps the original, signed image by digest.
skopeo copy -q --preserve-digests "${SKOPEO_SRC[@]}" "docker://$REG/kg/retag@$C" "oci:$OUT/layout:kg/retag:original" >&2

cp cosign.pub wrong.pub rsa.pub ca.pem leaf.pem "$OUT/keys/"
[[ -f ed25519.pub ]] && cp ed25519.pub "$OUT/keys/"
{
  echo "# Made by scripts/supply-fixtures.sh with $("$COSIGN" version 2>/dev/null | awk '/GitVersion/{print $2}') on $(date -u +%F)."
  echo "signed=$A"; echo "unsigned=$B"; echo "retag_original=$C"; echo "retag_moved=$D"
  echo "wrongkey=$E"; echo "cert=$F"; echo "rsa=$G"; [[ -n "${H:-}" ]] && echo "ed25519=$H"
} >"$OUT/digests.txt"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"

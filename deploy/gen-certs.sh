#!/usr/bin/env bash
# Makes the serving certificate for the kubeguard webhook and wires it in:
#   deploy/gen-certs.sh OUTDIR [NAMESPACE [CONTROL-PLANE-CIDR]]
# writes OUTDIR/ca.crt, OUTDIR/ca.key, OUTDIR/tls.crt, OUTDIR/tls.key and
# OUTDIR/kubeguard-tls.yaml (the Secret the Deployment mounts), puts the
# CA, base64-encoded, into caBundle of deploy/70-webhook.yaml, and, when
# given, the API server's source addresses into deploy/60-networkpolicy.yaml
# (docs/ADMISSION.md, "Who may call"). Then:
#   kubectl apply -f deploy/00-namespace.yaml -f OUTDIR/kubeguard-tls.yaml && kubectl apply -f deploy/
# Keep OUTDIR out of version control: it holds private keys. Run again before
# the certificate expires (365 days); kubeguard reloads the mounted files.
set -euo pipefail

out=${1:?usage: gen-certs.sh OUTDIR [NAMESPACE [CONTROL-PLANE-CIDR]]}
ns=${2:-kubeguard}
cidr=${3:-}
if [[ -n "$cidr" && ! "$cidr" =~ ^[0-9a-fA-F.:]+/[0-9]+$ ]]; then
  echo "gen-certs: '$cidr' is not a CIDR (e.g. 10.0.0.0/24)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
webhook="$here/70-webhook.yaml"
service="kubeguard.$ns.svc"

mkdir -p "$out"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
  -subj "/CN=kubeguard-webhook-ca" -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=$service" -keyout "$out/tls.key" -out "$out/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.cluster.local,DNS:kubeguard.%s\nextendedKeyUsage=serverAuth\n' \
  "$service" "$service" "$ns" >"$out/tls.ext"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 365 \
  -extfile "$out/tls.ext" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/tls.ext"

b64() { base64 -w0 <"$1"; }
cat >"$out/kubeguard-tls.yaml" <<SECRET
apiVersion: v1
kind: Secret
metadata:
  name: kubeguard-tls
  namespace: $ns
type: kubernetes.io/tls
data:
  tls.crt: $(b64 "$out/tls.crt")
  tls.key: $(b64 "$out/tls.key")
SECRET

bundle=$(b64 "$out/ca.crt")
sed -i -E "s|^(    caBundle: ).*$|\1\"$bundle\"|" "$webhook"
echo "gen-certs: $out/kubeguard-tls.yaml written; caBundle of $webhook set to $out/ca.crt"
if [[ -n "$cidr" ]]; then
  sed -i -E "s|^(        cidr: ).*$|\1$cidr|" "$here/60-networkpolicy.yaml"
  echo "gen-certs: the webhook port of $here/60-networkpolicy.yaml is open to $cidr"
fi

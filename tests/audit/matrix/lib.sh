# Helpers for the labelled audit matrix (attacks.sh, benign.sh): kubectl as
# the cluster administrator, curl with a service account's token (minted by
# the TokenRequest API), curl with the administrator's client certificate
# (raw PUT and every patch type), anonymous curl. Sourced by record.sh.
#
# Every variant runs with NS set to its own namespace (already created, its
# default service account present) and ID to its identifier; cluster-scoped
# objects it makes carry ID in their names.

k() { kubectl "$@"; }

# The API server and the administrator's credentials (scripts/controlplane.sh's run dir).
matrix_init() {
  SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  PKI="$KUBEGUARD_CP_DIR/pki"
  [[ -n "$SERVER" && -r "$PKI/ca.crt" && -r "$PKI/admin.crt" ]] || {
    echo "matrix: no API server or PKI (KUBEGUARD_CP_DIR=$KUBEGUARD_CP_DIR)" >&2
    return 1
  }
}

# A container and a pod spec, as JSON; extra JSON text is appended inside
# the container (c_extra) and the pod spec (p_extra).
container_json() { printf '{"name":"%s","image":"%s"%s}' "${1:-app}" "${2:-nginx:1.25}" "${3:-}"; }
pod_spec_json() { printf '{"containers":[%s]%s}' "$1" "${2:-}"; }
pod_json() {
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s","labels":{"app":"%s"}},"spec":%s}' \
    "$1" "$NS" "$1" "$2"
}
# workload_json KIND NAME POD_SPEC: a workload of every pod-bearing kind around POD_SPEC.
workload_json() {
  local kind=$1 name=$2 spec=$3
  local labels selector template never
  labels=$(printf '{"app":"%s"}' "$name")
  selector=$(printf '"selector":{"matchLabels":%s}' "$labels")
  template=$(printf '{"metadata":{"labels":%s},"spec":%s}' "$labels" "$spec")
  never=$(printf '{"metadata":{"labels":%s},"spec":%s}' "$labels" "${spec/#\{/\{\"restartPolicy\":\"Never\",}")
  local head
  head=$(printf '"metadata":{"name":"%s","namespace":"%s"}' "$name" "$NS")
  case $kind in
    Deployment | ReplicaSet) printf '{"apiVersion":"apps/v1","kind":"%s",%s,"spec":{"replicas":2,%s,"template":%s}}' "$kind" "$head" "$selector" "$template" ;;
    StatefulSet) printf '{"apiVersion":"apps/v1","kind":"StatefulSet",%s,"spec":{"replicas":2,"serviceName":"%s",%s,"template":%s}}' "$head" "$name" "$selector" "$template" ;;
    DaemonSet) printf '{"apiVersion":"apps/v1","kind":"DaemonSet",%s,"spec":{%s,"template":%s}}' "$head" "$selector" "$template" ;;
    Job) printf '{"apiVersion":"batch/v1","kind":"Job",%s,"spec":{"template":%s}}' "$head" "$never" ;;
    CronJob) printf '{"apiVersion":"batch/v1","kind":"CronJob",%s,"spec":{"schedule":"*/1 * * * *","jobTemplate":{"spec":{"template":%s}}}}' "$head" "$never" ;;
    ReplicationController) printf '{"apiVersion":"v1","kind":"ReplicationController",%s,"spec":{"replicas":2,"selector":%s,"template":%s}}' "$head" "$labels" "$template" ;;
  esac
}

kcreate() { kubectl create -f - <<<"$1"; }

# sa NAME VERBS RESOURCES [API_GROUP]: a service account allowed VERBS on RESOURCES in NS.
sa() {
  kubectl -n "$NS" create serviceaccount "$1" &&
    kubectl -n "$NS" create role "$1" --verb="$2" --resource="$3" &&
    kubectl -n "$NS" create rolebinding "$1" --role="$1" --serviceaccount="$NS:$1"
}

# token SA [NS]: a token for the service account (TokenRequest, as `kubectl create token`), into a file.
token() {
  local ns=${2:-$NS}
  kubectl -n "$ns" create token "$1" --duration=10m >"$WORK/token-$ns-$1" && chmod 600 "$WORK/token-$ns-$1"
}

# The HTTP status of the last curl call: an error status fails the variant
# (its body goes to standard error), so a label never rests on a request
# the API server refused.
http_ok() {
  local code
  code=$(cat)
  echo "$code"
  [[ $code =~ ^2 ]] || { echo "HTTP $code: $(head -c 300 "$WORK/last-response")" >&2; return 1; }
}

# sa_curl SA METHOD PATH [CONTENT_TYPE DATA]: the API as the service account, with its token.
sa_curl() {
  local who=$1 method=$2 path=$3 ctype=${4:-application/json} data=${5:-}
  [[ -s "$WORK/token-$NS-$who" ]] || token "$who" >/dev/null || return 1
  printf 'Authorization: Bearer %s\n' "$(cat "$WORK/token-$NS-$who")" >"$WORK/hdr"
  curl -sS -o "$WORK/last-response" -w '%{http_code}\n' --cacert "$PKI/ca.crt" -H @"$WORK/hdr" \
    -H "Content-Type: $ctype" -X "$method" ${data:+--data "$data"} "$SERVER$path" | http_ok
  local rc=$?
  rm -f "$WORK/hdr"
  return $rc
}

# admin_curl METHOD PATH [CONTENT_TYPE DATA]: the API with the administrator's client certificate.
admin_curl() {
  local method=$1 path=$2 ctype=${3:-application/json} data=${4:-}
  curl -sS -o "$WORK/last-response" -w '%{http_code}\n' --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" -H "Content-Type: $ctype" -X "$method" ${data:+--data "$data"} "$SERVER$path" | http_ok
}

anon_curl() { curl -sS -o "$WORK/last-response" -w '%{http_code}\n' --cacert "$PKI/ca.crt" -X "$1" "$SERVER$2" | http_ok; }

# A CSR's spec.request for a subject ("/O=system:masters/CN=x"): a fresh EC key, never kept.
csr_request() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /dev/null -subj "$1" 2>/dev/null |
    base64 -w0
}
csr_json() {
  printf '{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"%s"},"spec":{"request":"%s","signerName":"%s","usages":["client auth"%s]}}' \
    "$1" "$(csr_request "$2")" "$3" "$([[ $3 == *kubelet* ]] && printf ',"digital signature"')"
}

# wait_for TIMEOUT_S COMMAND...: polls until COMMAND succeeds, for at most TIMEOUT_S seconds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# serving_pki DIR: a fresh CA (DIR/ca.crt) and a serving certificate for
# 127.0.0.1 (DIR/server.crt, DIR/server.key), for the webhooks the matrix runs.
serving_pki() {
  local d=$1
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=kubeguard-matrix-ca \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
      -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null &&
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 1 \
      -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') -out "$d/server.crt" 2>/dev/null
}

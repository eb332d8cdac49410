#!/usr/bin/env bash
# Runs the labelled audit matrix against the running control plane
# (scripts/controlplane.sh) and records what the API server logged.
#
#   record.sh OUT_DIR
#
# Writes OUT_DIR/labels.tsv (id, technique, rules, min severity, namespace,
# exit status, description), OUT_DIR/slices.tsv (id, first and last byte of
# the audit log written while the variant ran) and OUT_DIR/native.log (the
# audit log from the first variant on). Needs KUBECONFIG and KUBEGUARD_CP_DIR
# (eval "$(scripts/controlplane.sh env)") and kubectl on PATH.
#
# With KG_MATRIX_KUBEGUARD=BINARY the watch and admission fronts run beside
# the audit log on the same requests (fronts.sh): OUT_DIR/watch.jsonl and
# OUT_DIR/admission.log; slices.tsv then also holds each variant's time window
# (epoch milliseconds), by which alerts on objects that carry no variant's
# name are attributed.
set -uo pipefail

OUT=${1:?usage: record.sh OUT_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CORPUS=${KG_CORPUS_DIR:-$ROOT/../shared/corpus}
LOG=${KUBEGUARD_AUDIT_LOG:-$KUBEGUARD_CP_DIR/audit.log}
mkdir -p "$OUT"
WORK=$(mktemp -d)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=fronts.sh
source "$HERE/fronts.sh"
trap 'fronts_stop; rm -rf "$WORK"' EXIT
matrix_init || exit 2

# A suffix that keeps two runs on one control plane apart.
RUN=${KG_MATRIX_RUN:-$(printf '%x' $(($(date +%s) % 65536)))}
V_ID=() V_TECH=() V_RULES=() V_MIN=() V_DESC=() V_NS=()
variant() {
  local n=${#V_ID[@]}
  V_TECH[n]=$1
  V_ID[n]="$1-$2-$RUN"
  V_RULES[n]=$3
  V_MIN[n]=$4
  V_DESC[n]=$5
  if [[ $1 == benign ]]; then V_NS[n]="b-${V_ID[n]}"; else V_NS[n]="m-${V_ID[n]}"; fi
  cat >"$WORK/body-$n.sh"
}
# shellcheck source=attacks.sh
source "$HERE/attacks.sh"
# shellcheck source=benign.sh
source "$HERE/benign.sh"

# Every namespace in one request (a List), then their default service accounts.
{
  printf '{"apiVersion":"v1","kind":"List","items":['
  sep=
  for ns in "${V_NS[@]}"; do
    printf '%s{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$sep" "$ns"
    sep=,
  done
  printf ']}'
} | kubectl create -f - >/dev/null || exit 2
for ns in "${V_NS[@]}"; do
  wait_for 30 kubectl -n "$ns" get serviceaccount default || { echo "matrix: $ns has no default service account" >&2; exit 2; }
done

if [[ -n ${KG_MATRIX_KUBEGUARD:-} ]]; then
  fronts_start "$KG_MATRIX_KUBEGUARD" "$OUT" || exit 2
fi

size() { stat -c %s "$LOG"; }
now_ms() { date +%s%3N; }
START=$(size)
: >"$OUT/labels.tsv"
: >"$OUT/slices.tsv"
for ((n = 0; n < ${#V_ID[@]}; n++)); do
  before=$(size) t0=$(now_ms)
  (
    export NS=${V_NS[n]} ID=${V_ID[n]}
    set -e
    # shellcheck disable=SC1090
    source "$WORK/body-$n.sh"
  ) >"$WORK/out-$n" 2>&1
  rc=$?
  sleep 0.3  # the log backend writes each request as it completes
  after=$(size) t1=$(now_ms)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${V_ID[n]}" "${V_TECH[n]}" "${V_RULES[n]}" "${V_MIN[n]}" "${V_NS[n]}" "$rc" \
    "${V_DESC[n]}" >>"$OUT/labels.tsv"
  printf '%s\t%s\t%s\t%s\t%s\n' "${V_ID[n]}" $((before - START)) $((after - START)) "$t0" "$t1" >>"$OUT/slices.tsv"
  if ((rc != 0)); then
    echo "matrix: variant ${V_ID[n]} exited $rc:" >&2
    tail -n 5 "$WORK/out-$n" >&2
  fi
done
sleep 2  # controllers finish what the last variants started
tail -c +$((START + 1)) "$LOG" >"$OUT/native.log"
fronts_stop  # after the cut: removing the webhook is no variant's request

# Cluster-scoped leftovers (namespaced ones go with their namespaces): only the names
# that exist are deleted (asking for every possible name cost minutes).
for kind in clusterrolebinding clusterrole mutatingwebhookconfiguration validatingwebhookconfiguration csr; do
  existing=()
  mapfile -t existing < <(kubectl get "$kind" -o name 2>/dev/null | grep -E '/(system:)?m-|/b-' || true)
  if ((${#existing[@]} > 0)); then kubectl delete "${existing[@]}" --ignore-not-found >/dev/null 2>&1 || true; fi
done
kubectl delete namespace "${V_NS[@]}" --wait=false --ignore-not-found >/dev/null 2>&1
echo "matrix: ${#V_ID[@]} variants recorded, $(wc -l <"$OUT/native.log") audit events"

# The other live fronts beside the audit log, on the same requests: sourced
# by record.sh when KG_MATRIX_KUBEGUARD names a kubeguard binary.
#
#   watch:     `kubeguard cluster watch -f json --min-severity low`, every
#              alert a JSON line in OUT/watch.jsonl
#   admission: `kubeguard serve --mode warn` (failOn low: every finding is
#              counted and logged with its severity) behind a
#              ValidatingWebhookConfiguration made from deploy/70-webhook.yaml
#              (its rules and namespace selector) with failurePolicy Ignore,
#              so no attack is refused; the API server presents the control
#              plane's webhook client certificate, which serve checks
#              (--client-ca); one line per decision in OUT/admission.log
#
# fronts_start waits until the watch has listed every resource and the API
# server calls the webhook; fronts_stop ends both and removes the webhook.

FRONT_WATCH_PID='' FRONT_SERVE_PID='' FRONT_WEBHOOK=''

fronts_fail() {
  echo "matrix: fronts: $*" >&2
  fronts_stop
  return 1
}

fronts_start() {
  local kg=$1 out=$2 d="$WORK/fronts"
  mkdir -p "$d"
  serving_pki "$d" || fronts_fail "cannot make the serving certificate" || return 1
  printf 'failOn: low\n' >"$d/config.yaml"
  "$kg" serve --tls-cert "$d/server.crt" --tls-key "$d/server.key" --listen 127.0.0.1:0 --threads 2 --mode warn \
    --config "$d/config.yaml" --client-ca "$KUBEGUARD_CP_DIR/pki/webhook-client-ca.crt" 2>"$out/admission.log" &
  FRONT_SERVE_PID=$!
  local port='' deadline=$((SECONDS + 20))
  while [[ -z $port ]] && ((SECONDS < deadline)); do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$out/admission.log" | head -n 1)
    [[ -n $port ]] || sleep 0.2
  done
  [[ -n $port ]] || fronts_fail "serve did not start: $(tail -n 3 "$out/admission.log")" || return 1

  # deploy/'s webhook with this server's URL and CA, failing open.
  FRONT_WEBHOOK="kubeguard-matrix-$RUN"
  kubectl create --dry-run=client -o json -f "$ROOT/deploy/70-webhook.yaml" |
    python3 -c '
import json, sys
o = json.load(sys.stdin)
name, url, ca = sys.argv[1:4]
o["metadata"] = {"name": name}
for w in o["webhooks"]:
    w["clientConfig"] = {"url": url, "caBundle": ca}
    w["failurePolicy"] = "Ignore"
print(json.dumps(o))' "$FRONT_WEBHOOK" "https://127.0.0.1:$port/validate" "$(base64 -w0 "$d/ca.crt")" |
    kubectl create -f - >/dev/null || fronts_fail "cannot register the webhook" || return 1

  "$kg" cluster watch -f json --min-severity low >"$out/watch.jsonl" 2>"$out/watch.err" &
  FRONT_WATCH_PID=$!

  # Ready when a server-side dry run reaches serve and the watch has synced.
  local probe="${V_NS[0]}"
  deadline=$((SECONDS + 30))
  until grep -q "object=$probe/matrix-probe" "$out/admission.log"; do
    ((SECONDS < deadline)) || fronts_fail "the API server never called the webhook" || return 1
    kubectl -n "$probe" run matrix-probe --image=nginx:1.25 --dry-run=server >/dev/null 2>&1
    sleep 0.3
  done
  until grep -q "watching .* resources" "$out/watch.err"; do
    ((SECONDS < deadline)) || fronts_fail "the watch did not sync: $(tail -n 3 "$out/watch.err")" || return 1
    sleep 0.2
  done
}

fronts_stop() {
  [[ -n $FRONT_WEBHOOK ]] && kubectl delete validatingwebhookconfiguration "$FRONT_WEBHOOK" --ignore-not-found >/dev/null 2>&1
  local pid
  for pid in $FRONT_WATCH_PID $FRONT_SERVE_PID; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  FRONT_WATCH_PID='' FRONT_SERVE_PID='' FRONT_WEBHOOK=''
  return 0
}

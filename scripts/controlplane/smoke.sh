#!/usr/bin/env bash
# Smoke test for scripts/controlplane.sh: start the control plane, create a
# Deployment, see the controllers make a ReplicaSet and a Pod, find the create
# in the audit log at RequestResponse, ask RBAC through access reviews, stop.
#
# If a control plane was already running in the same run dir it is reused and
# left running; otherwise the one started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CP="$HERE/../controlplane.sh"
WAIT="${KUBEGUARD_SMOKE_TIMEOUT:-60}"
fails=0
passes=0

ok() { printf 'ok   %s\n' "$*"; passes=$((passes + 1)); }
bad() { printf 'FAIL %s\n' "$*"; fails=$((fails + 1)); }

# poll SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS.
poll() {
  local deadline=$((SECONDS + $1)); shift
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

started_here=0
if ! "$CP" status >/dev/null 2>&1; then started_here=1; fi
cleanup() {
  if ((started_here)); then "$CP" stop || true; fi
}
trap cleanup EXIT

t0=$SECONDS
eval "$("$CP" start)"
echo "start took $((SECONDS - t0)) s"
: "${KUBECONFIG:?}" "${KUBEGUARD_AUDIT_LOG:?}"
kubectl version 2>/dev/null | sed 's/^/  /' || true

# 1. API reachable with the admin kubeconfig.
if kubectl get --raw /readyz >/dev/null; then ok "apiserver /readyz"; else bad "apiserver /readyz"; fi

# 2. Deployment -> ReplicaSet -> Pod through the controller manager.
kubectl -n default delete deployment nginx --ignore-not-found --wait=true >/dev/null
if kubectl create deployment nginx --image=nginx:1.27 -n default >/dev/null; then
  ok "kubectl create deployment nginx"
else
  bad "kubectl create deployment nginx"
fi
has() { [[ -n "$(kubectl -n default get "$1" -l app=nginx -o name 2>/dev/null)" ]]; }
if poll "$WAIT" has replicasets; then ok "ReplicaSet created by the deployment controller"; else bad "no ReplicaSet after ${WAIT}s"; fi
if poll "$WAIT" has pods; then ok "Pod created by the replicaset controller"; else bad "no Pod after ${WAIT}s"; fi
kubectl -n default get deployments,replicasets,pods -l app=nginx 2>&1 | sed 's/^/  /'

# 3. Audit log: the Deployment create at RequestResponse with both bodies, and
#    the Pod create made by the replicaset controller's own service account.
audit_has() {
  python3 - "$KUBEGUARD_AUDIT_LOG" "$@" <<'EOF'
import json, sys
path, resource, user_prefix = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path) as f:
    for line in f:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        ref = e.get("objectRef") or {}
        if (e.get("level") == "RequestResponse" and e.get("stage") == "ResponseComplete"
                and e.get("verb") == "create" and ref.get("resource") == resource
                and ref.get("namespace") == "default"
                and e.get("user", {}).get("username", "").startswith(user_prefix)
                and (e.get("responseStatus") or {}).get("code") == 201
                and "requestObject" in e and "responseObject" in e):
            if resource == "deployments" and ref.get("name") != "nginx":
                continue
            sys.exit(0)
sys.exit(1)
EOF
}
if poll 10 audit_has deployments kubeguard-admin; then
  ok "audit log has a RequestResponse create of deployments/nginx"
else
  bad "audit log ($KUBEGUARD_AUDIT_LOG) has no RequestResponse create of deployments/nginx"
fi
if poll 10 audit_has pods system:serviceaccount:kube-system:replicaset-controller; then
  ok "audit log has the Pod create by system:serviceaccount:kube-system:replicaset-controller"
else
  bad "audit log has no Pod create by the replicaset-controller service account"
fi
if grep -q '"stage":"RequestReceived"' "$KUBEGUARD_AUDIT_LOG"; then
  bad "audit log has RequestReceived events (policy should omit them)"
else
  ok "audit log omits the RequestReceived stage"
fi

# 4. Authorization through access reviews (RBAC).
ans="$(kubectl auth can-i --as=system:serviceaccount:default:default create pods -n default 2>/dev/null || true)"
if [[ "$ans" == no ]]; then ok "can-i: default/default may not create pods"; else bad "can-i default/default create pods said '$ans', want 'no'"; fi
ans="$(kubectl auth can-i --as=system:serviceaccount:kube-system:replicaset-controller create pods -n default 2>/dev/null || true)"
if [[ "$ans" == yes ]]; then ok "can-i: replicaset-controller may create pods"; else bad "can-i replicaset-controller create pods said '$ans', want 'yes'"; fi
sar="$(kubectl create -o jsonpath='{.status.allowed}' -f - 2>&1 <<'EOF' || true
apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: system:serviceaccount:default:default
  resourceAttributes:
    namespace: default
    verb: create
    resource: pods
EOF
)"
if [[ "$sar" == false ]]; then ok "SubjectAccessReview: allowed=false"; else bad "SubjectAccessReview answered '$sar', want 'false'"; fi

# 5. Status agrees.
if "$CP" status >/dev/null; then ok "status says running"; else bad "status does not say running"; fi

if ((started_here)); then
  trap - EXIT
  "$CP" stop
  if "$CP" status >/dev/null 2>&1; then bad "still running after stop"; else ok "stopped"; fi
fi

echo "smoke: $passes passed, $fails failed"
((fails == 0))

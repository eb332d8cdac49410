# Benign churn from the same API server, for precision: controllers at work,
# rollouts, scaling, CronJobs firing, leader election, CSR auto-approval by
# the controller manager, ordinary kubectl use. Declared like the attacks
# (attacks.sh) with technique "benign": no alert at high or above may name
# them. NS=b-ID here.

variant benign rollout - - "a Deployment created, scaled, restarted, rolled to a new version and back, deleted" <<'EOF'
k -n "$NS" create deployment web --image=nginx:1.25 --replicas=2
k -n "$NS" scale deployment web --replicas=4
k -n "$NS" rollout restart deployment web
k -n "$NS" set image deployment/web nginx=nginx:1.26
k -n "$NS" rollout undo deployment web
k -n "$NS" scale deployment web --replicas=0
k -n "$NS" delete deployment web
EOF
variant benign apply - - "kubectl apply of a hardened Deployment, changed and applied again" <<'EOF'
spec='{"securityContext":{"runAsNonRoot":true,"runAsUser":1000},"containers":[{"name":"api","image":"registry.example/api:2.1","resources":{"limits":{"memory":"128Mi"}},"securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}'
k apply -f - <<<"$(workload_json Deployment api "$spec")"
k apply -f - <<<"$(workload_json Deployment api "${spec/api:2.1/api:2.2}")"
k -n "$NS" label deployment api team=payments
k -n "$NS" annotate deployment api owner=payments@example.com
EOF
variant benign workloads - - "a StatefulSet, a DaemonSet, a Job and a ReplicationController, unprivileged" <<'EOF'
for kind in StatefulSet DaemonSet Job ReplicationController; do
  kcreate "$(workload_json $kind "w-${kind,,}" "$(pod_spec_json "$(container_json app registry.example/app:1.0)")")"
done
k -n "$NS" scale statefulset w-statefulset --replicas=3
EOF
variant benign cronjob - - "a CronJob firing every minute (the CronJob and Job controllers at work)" <<'EOF'
k -n "$NS" create cronjob tick --image=busybox:1.36 --schedule='*/1 * * * *' -- date
# Whatever the controllers managed in the time given is what is measured.
wait_for 90 bash -c "kubectl -n $NS get jobs -o name | grep -q job/" || true
wait_for 30 bash -c "kubectl -n $NS get pods -o name | grep -q pod/" || true
EOF
variant benign leader-election - - "an application's service account renews its leader-election lease" <<'EOF'
k -n "$NS" create serviceaccount elector
k -n "$NS" create role lease --verb=get,create,update --resource=leases.coordination.k8s.io
k -n "$NS" create rolebinding elector --role=lease --serviceaccount="$NS:elector"
sa_curl elector POST "/apis/coordination.k8s.io/v1/namespaces/$NS/leases" application/json '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15}}'
for i in 1 2 3 4; do
  rv=$(k -n "$NS" get lease leader -o jsonpath='{.metadata.resourceVersion}')
  sa_curl elector PUT "/apis/coordination.k8s.io/v1/namespaces/$NS/leases/leader" application/json "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"leader\",\"resourceVersion\":\"$rv\"},\"spec\":{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,\"renewTime\":\"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)\"}}"
done
EOF
variant benign csr-auto-approval - - "a kubelet client CSR approved and signed by the controller manager" <<'EOF'
kcreate "$(csr_json "b-$ID" "/O=system:nodes/CN=system:node:b-$ID" kubernetes.io/kube-apiserver-client-kubelet)"
wait_for 30 bash -c "kubectl get csr b-$ID -o jsonpath='{.status.certificate}' | grep -q ."
k delete csr "b-$ID"
EOF
variant benign kubectl - - "ordinary kubectl use: reads, config maps, a secret, a service, a view binding, a token for CI" <<'EOF'
k -n "$NS" get pods,deployments,services >/dev/null
k -n "$NS" create configmap settings --from-literal=mode=prod
k -n "$NS" create secret generic db --from-literal=password=not-a-real-one
k -n "$NS" get secrets >/dev/null
k -n "$NS" get secret db -o name >/dev/null
k -n "$NS" create service clusterip web --tcp=80:8080
k -n "$NS" create serviceaccount ci
k -n "$NS" create rolebinding dev-view --clusterrole=view --user=dev
k -n "$NS" create role ci --verb=get,list,patch --resource=deployments.apps,configmaps
k -n "$NS" create rolebinding ci --role=ci --serviceaccount="$NS:ci"
k -n "$NS" create token ci --duration=10m >/dev/null
k -n "$NS" delete configmap settings
k -n "$NS" delete rolebinding dev-view
EOF
variant benign ci-service-account - - "a CI service account reads config and scales a Deployment" <<'EOF'
k -n "$NS" create deployment api --image=registry.example/api:3.0
sa ci get,list,patch deployments.apps,configmaps
k -n "$NS" create role ci-scale --verb=get,patch,update --resource=deployments.apps/scale
k -n "$NS" create rolebinding ci-scale --role=ci-scale --serviceaccount="$NS:ci"
sa_curl ci GET "/api/v1/namespaces/$NS/configmaps"
sa_curl ci PATCH "/apis/apps/v1/namespaces/$NS/deployments/api/scale" application/merge-patch+json '{"spec":{"replicas":3}}'
EOF
variant benign istio-injected - - "a pod carrying istio's approved sidecar" <<'EOF'
k -n "$NS" apply -f "$CORPUS/manifests/istio/injected-sidecars/pod.injected.yaml"
EOF
variant benign namespace-teardown - - "a namespace with workloads deleted (the namespace and garbage collectors at work)" <<'EOF'
k -n "$NS" create deployment web --image=nginx:1.25 --replicas=2
k -n "$NS" create configmap c --from-literal=a=b
k -n "$NS" create rolebinding v --clusterrole=view --user=dev
wait_for 20 bash -c "kubectl -n $NS get pods -o name | grep -q pod/"
k delete namespace "$NS" --wait=false
EOF

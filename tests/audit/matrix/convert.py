#!/usr/bin/env python3
"""Native API server audit events (JSON lines) to the forms the clouds export.

    convert.py gke|aks < native.log > converted.log

gke: Cloud Logging LogEntry with an AuditLog protoPayload, as GKE exports
     them: methodName io.k8s.<group>.<version>.<resource>[.<sub>].<verb>,
     resourceName without a query, the decision in authorizationInfo[].granted
     and the entry's labels, request and response bodies with an "@type" and
     without "kind", the exec command in the request (PodExecOptions) since
     there is no URI; a request made with Impersonate-User keeps the caller in
     authenticationInfo.principalEmail and names the identity it acted as in
     authenticationInfo.authoritySelector, the shape of a GKE entry quoted in
     kyma-project/kyma#2811. One entry per request (the ResponseComplete stage).
aks: Azure diagnostic records (category kube-audit), the event as JSON text
     in properties.log, without apiVersion and kind (as exported events often are).
"""
import json
import sys
from urllib.parse import parse_qs, urlsplit


def gke(event):
    if event.get("stage") not in ("ResponseComplete", "Panic"):
        return None
    ref = event.get("objectRef") or {}
    group = ref.get("apiGroup") or "core"
    version = ref.get("apiVersion") or "v1"
    resource = ref.get("resource", "")
    parts = [group, version]
    if ref.get("namespace"):
        parts += ["namespaces", ref["namespace"]]
    if resource:
        parts.append(resource)
    if ref.get("name"):
        parts.append(ref["name"])
    if ref.get("subresource"):
        parts.append(ref["subresource"])
    method = ".".join(["io.k8s", group, version] + [p for p in (resource, ref.get("subresource")) if p] + [event.get("verb", "")])
    code = (event.get("responseStatus") or {}).get("code", 200)
    decision = (event.get("annotations") or {}).get("authorization.k8s.io/decision", "")
    user = (event.get("user") or {}).get("username", "")
    if user == "kubeguard-admin":
        user = "admin@example.com"  # GKE names people by their Google account
    payload = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": {"principalEmail": user},
        "authorizationInfo": [{"granted": decision == "allow", "permission": method, "resource": "/".join(parts)}],
        "methodName": method,
        "requestMetadata": {"callerIp": (event.get("sourceIPs") or [""])[0],
                            "callerSuppliedUserAgent": event.get("userAgent", "")},
        "resourceName": "/".join(parts),
        "serviceName": "k8s.io",
        "status": {"code": 0 if 200 <= code < 300 else 7 if code == 403 else 16 if code == 401 else 3},
    }
    if event.get("impersonatedUser"):
        payload["authenticationInfo"]["authoritySelector"] = event["impersonatedUser"].get("username", "")

    def typed(body):
        if not isinstance(body, dict):
            return body
        body = dict(body)
        kind = body.pop("kind", None)
        if kind:
            api = body.get("apiVersion", "v1")
            group, _, version = api.rpartition("/")
            body["@type"] = "{}.k8s.io/{}.{}".format(group or "core", version, kind)
        return body

    if "requestObject" in event:
        payload["request"] = typed(event["requestObject"])
    if "responseObject" in event:
        payload["response"] = typed(event["responseObject"])
    if ref.get("subresource") in ("exec", "attach") and "request" not in payload:
        query = parse_qs(urlsplit(event.get("requestURI", "")).query)
        options = {"@type": "core.k8s.io/v1.PodExecOptions"}
        if "command" in query:
            options["command"] = query["command"]
        if "container" in query:
            options["container"] = query["container"][0]
        payload["request"] = options
    return {
        "insertId": event.get("auditID", ""),
        "logName": "projects/kubeguard-eval/logs/cloudaudit.googleapis.com%2Factivity",
        "operation": {"id": event.get("auditID", ""), "first": True, "last": True, "producer": "k8s.io"},
        "protoPayload": payload,
        "resource": {"type": "k8s_cluster", "labels": {"cluster_name": "eval", "location": "europe-west1", "project_id": "kubeguard-eval"}},
        "timestamp": event.get("stageTimestamp") or event.get("requestReceivedTimestamp"),
        "labels": {"authorization.k8s.io/decision": decision} if decision else {},
    }


def aks(event):
    inner = dict(event)
    inner.pop("apiVersion", None)
    inner.pop("kind", None)
    return {
        "category": "kube-audit",
        "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
        "resourceId": "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/EVAL/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/EVAL",
        "time": event.get("stageTimestamp") or event.get("requestReceivedTimestamp"),
        "properties": {"log": json.dumps(inner, separators=(",", ":")), "stream": "stdout", "pod": "kube-apiserver-0"},
    }


def main():
    form = sys.argv[1] if len(sys.argv) > 1 else ""
    convert = {"gke": gke, "aks": aks}.get(form)
    if convert is None:
        sys.exit("usage: convert.py gke|aks < native.log")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        out = convert(json.loads(line))
        if out is not None:
            print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()

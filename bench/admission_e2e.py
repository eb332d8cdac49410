#!/usr/bin/env python3
"""Pods created through the real API server at a fixed rate (server-side dry
run, so nothing is stored or scheduled; validating webhooks are called all the
same), each request timed from its scheduled start (no coordinated omission).

  admission_e2e.py --run-dir DIR --namespace NS --rate R --seconds S [--workers W] [--label TEXT]

DIR is the control plane's run dir (scripts/controlplane.sh env: KUBEGUARD_CP_DIR),
whose admin certificate authenticates the requests. Prints one line:
label, target rate, achieved rate, p50/p99/p99.9 in ms, errors.
"""
import argparse
import http.client
import json
import re
import ssl
import threading
import time


def pod(i):
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"bench-{i}"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                 "securityContext": {"allowPrivilegeEscalation": False,
                                                     "capabilities": {"drop": ["ALL"]},
                                                     "runAsNonRoot": True, "runAsUser": 1000,
                                                     "readOnlyRootFilesystem": True,
                                                     "seccompProfile": {"type": "RuntimeDefault"}},
                                 "resources": {"limits": {"cpu": "100m", "memory": "64Mi"},
                                               "requests": {"cpu": "100m", "memory": "64Mi"}}}],
                 "automountServiceAccountToken": False},
    })


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run-dir", required=True)
    p.add_argument("--namespace", required=True)
    p.add_argument("--rate", type=float, default=50)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--label", default="")
    a = p.parse_args()
    with open(f"{a.run_dir}/admin.kubeconfig") as f:
        port = int(re.search(r"server: https://127\.0\.0\.1:(\d+)", f.read()).group(1))
    ctx = ssl.create_default_context(cafile=f"{a.run_dir}/pki/ca.crt")
    ctx.load_cert_chain(f"{a.run_dir}/pki/admin.crt", f"{a.run_dir}/pki/admin.key")
    total = int(a.rate * a.seconds)
    start = time.monotonic() + 0.2
    latencies, errors, lock = [], [0], threading.Lock()
    path = f"/api/v1/namespaces/{a.namespace}/pods?dryRun=All"

    def worker(w):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
        for i in range(w, total, a.workers):
            due = start + i / a.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            try:
                conn.request("POST", path, body=pod(i), headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                ok = r.status == 201
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
                ok = False
            done = time.monotonic()
            with lock:
                latencies.append((done - due) * 1000)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    print(f"{a.label:<28} target {a.rate:>6.0f}/s achieved {len(latencies) / elapsed:>7.1f}/s "
          f"p50 {pct(0.5):7.2f} ms p99 {pct(0.99):7.2f} ms p99.9 {pct(0.999):7.2f} ms errors {errors[0]}")


main()

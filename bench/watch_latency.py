#!/usr/bin/env python3
"""Alert delay of `kubeguard cluster watch`: from an API write to the alert.

Starts a control plane of its own (scripts/controlplane.sh with a private run
dir and ports), runs `kubeguard cluster watch -f json`, then N times swaps the
image of a Deployment with kubectl and times, with a monotonic clock, the
moment the KG-DRIFT-002 alert for that image is read from the watch's output.

    bench/watch_latency.py [--writes N] [--binary build/kubeguard]

The image swap is a strategic-merge PATCH sent over one kept-alive HTTPS
connection with the admin client certificate, so the figure is the delay from
the moment the write is sent (and, second row, from the moment the API server
answered it: the write is stored then) to the moment the alert line is read.
Prints a markdown table of min, median, p90 and max.
"""
import argparse
import http.client
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORTS = {"KUBEGUARD_CP_PORT": "6943", "KUBEGUARD_CP_ETCD_PORT": "24290",
         "KUBEGUARD_CP_ETCD_PEER_PORT": "24300", "KUBEGUARD_CP_KCM_PORT": "10857"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writes", type=int, default=30)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "kubeguard"))
    args = ap.parse_args()

    run_dir = tempfile.mkdtemp(prefix="kg-watch-bench.")
    env = dict(os.environ, KUBEGUARD_CP_DIR=os.path.join(run_dir, "cp"), **PORTS)
    cp = os.path.join(ROOT, "scripts", "controlplane.sh")
    subprocess.run(["bash", cp, "start"], env=env, check=True, stdout=subprocess.DEVNULL)
    watch = None
    try:
        kubeconfig = os.path.join(run_dir, "cp", "admin.kubeconfig")
        env_out = subprocess.run(["bash", cp, "env"], env=env, check=True, capture_output=True, text=True).stdout
        kubectl = [line.split("=", 1)[1] for line in env_out.splitlines() if line.startswith("export KUBECTL=")][0]
        kenv = dict(env, KUBECONFIG=kubeconfig)

        def k(*a):
            subprocess.run([kubectl, *a], env=kenv, check=True, stdout=subprocess.DEVNULL)

        k("create", "namespace", "bench")
        k("-n", "bench", "create", "deployment", "web", "--image=registry.example.com/web:0")

        seen = {}
        ready = threading.Event()
        watch = subprocess.Popen([args.binary, "cluster", "watch", "-f", "json", "--kubeconfig", kubeconfig],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)

        def read_out():
            for line in watch.stdout:
                t = time.monotonic()
                try:
                    alert = json.loads(line)
                except ValueError:
                    continue
                if alert.get("rule") == "KG-DRIFT-002":
                    seen.setdefault(alert["message"].rsplit("-> ", 1)[-1], t)

        def read_err():
            for line in watch.stderr:
                if "objects known" in line:
                    ready.set()

        threading.Thread(target=read_out, daemon=True).start()
        threading.Thread(target=read_err, daemon=True).start()
        if not ready.wait(60):
            sys.exit("the watch did not sync in 60 s")

        pki = os.path.join(run_dir, "cp", "pki")
        tls = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
        tls.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
        api = http.client.HTTPSConnection("127.0.0.1", int(PORTS["KUBEGUARD_CP_PORT"]), context=tls)
        path = "/apis/apps/v1/namespaces/bench/deployments/web"

        from_start, from_end = [], []
        for i in range(1, args.writes + 1):
            image = f"registry.example.com/web:{i}"
            body = json.dumps({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}})
            t0 = time.monotonic()
            api.request("PATCH", path, body, {"Content-Type": "application/strategic-merge-patch+json"})
            answer = api.getresponse()
            answer.read()
            t1 = time.monotonic()
            if answer.status != 200:
                sys.exit(f"PATCH answered {answer.status}")
            deadline = t1 + 30
            while image not in seen and time.monotonic() < deadline:
                time.sleep(0.001)
            if image not in seen:
                sys.exit(f"no alert for {image} within 30 s")
            from_start.append((seen[image] - t0) * 1000)
            from_end.append(max(0.0, seen[image] - t1) * 1000)

        def row(name, values):
            values = sorted(values)
            p90 = values[max(0, int(round(0.9 * len(values))) - 1)]
            return (f"| {name} | {len(values)} | {values[0]:.1f} | {statistics.median(values):.1f} | "
                    f"{p90:.1f} | {values[-1]:.1f} |")

        print("| delay (ms) | writes | min | median | p90 | max |")
        print("|---|---|---|---|---|---|")
        print(row("PATCH sent -> alert read", from_start))
        print(row("PATCH answered -> alert read", from_end))
    finally:
        if watch is not None:
            watch.terminate()
            watch.wait(10)
        subprocess.run(["bash", cp, "stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds a large audit log from real events for bench/run_audit_bench.sh.

Source events: the test control plane's audit log (every line of it: pods,
workloads, exec, ephemeral containers, webhooks, RBAC, secrets, written by the
real kube-apiserver) and the elastic-integrations samples of the corpus
(native, GKE and AKS forms). They are replicated until the output reaches
--size-mb, each copy with its own auditID and its namespace renamed to one of
--namespaces names, so the detector's per-object state sees many objects
(and stays bounded) instead of the same few again and again.

  bench/make_audit_input.py --log /tmp/kg-cp/audit.log -o build/bench-audit.log --size-mb 520
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "..", "shared", "corpus", "audit", "elastic-integrations", "packages", "kubernetes",
                       "data_stream", "audit_logs", "_dev", "test", "pipeline")

AUDIT_ID = re.compile(r'"auditID":"[^"]*"')
NAMESPACE = re.compile(r'("namespace":"|/namespaces/)([a-z0-9-]+)')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True, help="a real audit log (the control plane's)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--size-mb", type=float, default=520)
    ap.add_argument("--namespaces", type=int, default=2000)
    args = ap.parse_args()

    templates = []
    with open(args.log, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                json.loads(line)  # only whole events
                templates.append(line)
    for name in ("test-audit.log", "test-kube-audit.log"):
        with open(os.path.join(SAMPLES, name), encoding="utf-8") as f:
            templates.extend(l.rstrip("\n") for l in f if l.strip())
    if not templates:
        sys.exit("no events in " + args.log)

    target = int(args.size_mb * 1e6)
    written = events = 0
    copy = 0
    with open(args.output, "w", encoding="utf-8") as out:
        while written < target:
            suffix = copy % args.namespaces
            for i, line in enumerate(templates):
                line = AUDIT_ID.sub('"auditID":"bench-%08d-%06d"' % (copy, i), line)
                if suffix:
                    line = NAMESPACE.sub(lambda m: "%s%s-r%d" % (m.group(1), m.group(2), suffix), line)
                out.write(line)
                out.write("\n")
                written += len(line) + 1
                events += 1
            copy += 1
    stats = {"bytes": written, "events": events, "templates": len(templates), "copies": copy,
             "source_log": os.path.abspath(args.log)}
    with open(args.output + ".json", "w") as f:
        json.dump(stats, f, indent=2)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the AdmissionReview bodies the admission benchmark sends:

  small-pod.json          CREATE of a small pod
  injected-deployment.json CREATE of the largest istio-injected Deployment of the corpus
  injected-update.json    UPDATE of that Deployment: the application image gets a new tag

usage: make_admission_bodies.py CORPUS_DIR OUT_DIR
"""
import copy
import json
import os
import sys

import yaml


def review(obj, old=None, operation="CREATE", uid="bench-0001"):
    group, _, version = obj["apiVersion"].rpartition("/")
    request = {
        "uid": uid,
        "kind": {"group": group, "version": version, "kind": obj["kind"]},
        "resource": {"group": group, "version": version, "resource": obj["kind"].lower() + "s"},
        "operation": operation,
        "namespace": "bench",
        "name": obj["metadata"].get("name", ""),
        "userInfo": {"username": "system:serviceaccount:bench:deployer", "groups": ["system:authenticated"]},
        "object": obj,
        "dryRun": False,
    }
    if old is not None:
        request["oldObject"] = old
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    pod = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "bench"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
    }
    folder = os.path.join(corpus, "manifests/istio/injected-sidecars")
    largest, size = None, 0
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and doc.get("kind") == "Deployment":
                    n = len(json.dumps(doc))
                    if n > size:
                        largest, size = doc, n
    updated = copy.deepcopy(largest)
    container = updated["spec"]["template"]["spec"]["containers"][0]
    container["image"] = container["image"].rsplit(":", 1)[0] + ":bench-next"
    bodies = {
        "small-pod.json": review(pod),
        "injected-deployment.json": review(largest),
        "injected-update.json": review(updated, largest, "UPDATE"),
    }
    for name, body in bodies.items():
        with open(os.path.join(out, name), "w") as f:
            json.dump(body, f, separators=(",", ":"), default=str)
        print(f"{name}: {os.path.getsize(os.path.join(out, name))} bytes")


main()

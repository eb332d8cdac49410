#!/usr/bin/env python3
"""Long differential runs against kubectl's own reading code (docs/YAML.md).

  oracle_fuzz.py --oracle BIN --kubeguard BIN [--seconds N] [--seed S] [--keep DIR]

Rounds of a few hundred inputs until the time is up. Each input is a document
stream from tests/doc/yaml_variants.py (YAML variants, metadata types, JSON
streams), a seed file (tests/doc/data/kubectl, the shared corpus's
manifests), or a mutation of one: bytes and tokens YAML and JSON care about
inserted, replaced or removed, lines duplicated, swapped, re-indented or
dropped, two inputs spliced. The oracle (tests/doc/oracle, kubectl v1.33.13's
code) reads the whole round in one process; `kubeguard convert -o json
--stop-at-error` reads each input. A difference in the objects, or in whether
an error is reported, is a disagreement: the input is written to --keep as
fuzz-HASH.yaml (or .json when it starts with '{'), where the differential
test replays it from then on, and the run exits 1 after the time is up.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import yaml_variants  # noqa: E402

TOKENS = ["y", "n", "on", "off", "~", "null", "0x1F", "0o17", "1_0", ".inf", "1e3", "1.0", "<<: *a", "&a ", "*a",
          "!!binary ", "!!str ", "!!int ", "!!merge ", "---\n", "--- x\n", "...\n", "{", "}", "[", "]", ",", ": ",
          "- ", "'", '"', "\\/", "\\u00e9", "\t", "\u00a0", "\u2028", "\ufeff", "#", "|\n", ">-\n", "? ",
          "items:\n- ", "kind: List\n", "metadata: []\n", "namespace: n\n", "name: 123\n", "labels: {a: 1}\n",
          "creationTimestamp: 2020-01-01\n", "generation: 1.5\n", '{"kind": "Pod", "apiVersion": "v1"}', "\n"]


def mutate(r, data):
    for _ in range(r.randint(1, 4)):
        lines = data.split("\n")
        op = r.random()
        if op < 0.3 and data:
            i = r.randrange(len(data) + 1)
            data = data[:i] + r.choice(TOKENS) + data[i:]
        elif op < 0.45 and data:
            i = r.randrange(len(data))
            data = data[:i] + data[i + r.randint(1, 8):]
        elif op < 0.55 and len(lines) > 1:
            i = r.randrange(len(lines))
            lines.insert(i, lines[r.randrange(len(lines))])
            data = "\n".join(lines)
        elif op < 0.65 and len(lines) > 1:
            i, j = r.randrange(len(lines)), r.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = "\n".join(lines)
        elif op < 0.8 and lines:
            i = r.randrange(len(lines))
            lines[i] = " " * r.choice([0, 1, 2, 4]) + lines[i].lstrip(" ")
            data = "\n".join(lines)
        elif op < 0.9 and data:
            i = r.randrange(len(data))
            data = data[:i] + chr(r.choice([0x20, 0x09, 0x0A, 0x22, 0x27, 0x3A, 0x2D, 0x7B, 0x5B, 0xE9, 0x30 + r.randint(0, 9)])) \
                + data[i + 1:]
        elif lines:
            del lines[r.randrange(len(lines))]
            data = "\n".join(lines)
    return data


def split_objects(out):
    objects = []
    pos = 0
    while pos < len(out):
        end = out.find("\n}\n", pos)
        if end < 0:
            objects.append(out[pos:])
            break
        objects.append(out[pos:end + 3])
        pos = end + 3
    return objects


def kubeguard_read(binary, path):
    p = subprocess.run([binary, "convert", "-o", "json", "--stop-at-error", path], capture_output=True, timeout=60)
    return split_objects(p.stdout.decode("utf-8", "replace")), p.returncode == 2, p.returncode


def seeds(keep):
    found = []
    roots = [keep, os.path.join(HERE, "..", "..", "..", "shared", "corpus")]
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith((".yaml", ".yml", ".json")) and len(found) < 3000:
                    path = os.path.join(dirpath, f)
                    if os.path.getsize(path) < 65536:
                        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                            found.append(fh.read())
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--kubeguard", required=True)
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--round", type=int, default=300)
    ap.add_argument("--keep", required=True)
    args = ap.parse_args()
    r = random.Random(args.seed)
    gen = yaml_variants.Gen(r)
    pool = seeds(args.keep)
    deadline = time.time() + args.seconds
    inputs = disagreements = rounds = 0
    kept = []
    work = tempfile.mkdtemp(prefix="kg-oracle-")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as threads:
        while time.time() < deadline:
            rounds += 1
            paths = []
            for i in range(args.round):
                pick = r.random()
                if pick < 0.35:
                    text = gen.document(i)
                elif pick < 0.45:
                    text = yaml_variants.meta_document(r, "m%d" % i)
                elif pick < 0.55:
                    text, _ = yaml_variants.json_file(r, gen, i)
                elif pick < 0.9 and pool:
                    text = mutate(r, r.choice(pool))
                else:
                    a, b = r.choice(pool or ["a: 1\n"]), r.choice(pool or ["b: 2\n"])
                    text = a[:r.randrange(len(a) + 1)] + b[r.randrange(len(b) + 1):]
                if r.random() < 0.3:
                    text = mutate(r, text)
                path = os.path.join(work, "in-%05d%s" % (i, r.choice([".yaml", ".json"])))
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(text)
                paths.append(path)
            oracle = subprocess.run([args.oracle], input="\n".join(paths) + "\n", capture_output=True, text=True,
                                    timeout=600)
            if oracle.returncode != 0:
                print("oracle failed:", oracle.stderr[:2000], file=sys.stderr)
                return 2
            theirs = {}
            for line in oracle.stdout.split("\n"):
                if not line:
                    continue
                rec = json.loads(line)
                theirs[rec["file"]] = rec
            ours = dict(zip(paths, threads.map(lambda p: kubeguard_read(args.kubeguard, p), paths)))
            for path in paths:
                objects, error, code = ours[path]
                rec = theirs[path]
                if code not in (0, 2):
                    same = False  # a crash or a signal is always a disagreement
                else:
                    same = objects == rec["objects"] and error == bool(rec["errors"])
                inputs += 1
                if same:
                    continue
                disagreements += 1
                with open(path, "rb") as f:
                    data = f.read()
                stripped = data.lstrip(b" \t\r\n")
                name = "fuzz-%s%s" % (hashlib.sha256(data).hexdigest()[:12],
                                       ".json" if stripped.startswith(b"{") else ".yaml")
                with open(os.path.join(args.keep, name), "wb") as f:
                    f.write(data)
                kept.append(name)
                print("disagreement %s: kubectl %d objects%s, kubeguard %d objects%s (exit %d)" %
                      (name, len(rec["objects"]), " and an error" if rec["errors"] else "", len(objects),
                       " and an error" if error else "", code), file=sys.stderr)
            for path in paths:
                os.unlink(path)
    os.rmdir(work)
    print("oracle fuzz: seed %d, %d rounds, %d inputs, %d disagreements%s" %
          (args.seed, rounds, inputs, disagreements, (" kept: " + ", ".join(kept)) if kept else ""))
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())

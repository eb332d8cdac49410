#!/usr/bin/env python3
"""The hostile manifests that bench/hostile_inputs.sh times.

  make_hostile_inputs.py -o DIR

Each is the input of a test in tests/doc/yaml_hostile_test.cc (built the
same way), or the largest shape of its kind the reader has to bound:

  bomb.yaml         a 4 KiB string aliased a million times (13 KB)
  chain.yaml        a 40,000-deep alias chain (1 MB)
  biglist.yaml      a List of 100,000 pods (one document, 14 MB)
  latelist.yaml     a List of 40,000 privileged pods whose document fails
                    after its last item (kubectl sends none of them; 7 MB)
  deep.yaml         flow sequences nested 100,000 deep in one line
  wide.yaml         one 3 MiB ConfigMap (the API server's request limit)
  tags.yaml         3 MiB of flow items with tags that take ',' (`!a,`),
                    which go-yaml and libyaml end at different places
  colons.yaml       3 MiB of flow scalars with a ':' before ',' ']' or '}',
                    text to go-yaml and an error to libyaml
  boms.yaml         3 MiB of values with a byte-order mark inside, every
                    one of go-yaml's 512-byte reads holding some
  after.yaml        a privileged pod: the file read after each of them
"""

import argparse
import os


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    d = args.out

    bomb = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  s: &s ", "x" * 4096,
            "\n  l0: &l0 [*s", ", *s" * 999, "]\n  l1: &l1 [*l0", ", *l0" * 999, "]\n"]
    write(os.path.join(d, "bomb.yaml"), "".join(bomb))

    chain = ["a0: &a0 [x]\n"] + ["a%d: &a%d [*a%d]\n" % (i, i, i - 1) for i in range(1, 40000)]
    write(os.path.join(d, "chain.yaml"), "".join(chain))

    pod = ("- apiVersion: v1\n  kind: Pod\n  metadata: {name: pod-%d, namespace: shop}\n  spec:\n"
           "    containers:\n    - {name: web, image: \"nginx:1.25\"}\n")
    write(os.path.join(d, "biglist.yaml"),
          "apiVersion: v1\nkind: List\nitems:\n" + "".join(pod % i for i in range(100000)))

    privileged = ("- apiVersion: v1\n  kind: Pod\n  metadata: {name: pod-%d, namespace: shop}\n  spec:\n"
                  "    containers:\n    - {name: web, image: \"nginx:1.25\", securityContext: {privileged: true}}\n")
    write(os.path.join(d, "latelist.yaml"),
          "apiVersion: v1\nkind: List\nitems:\n" + "".join(privileged % i for i in range(40000)) + "  bad: [\n")

    write(os.path.join(d, "deep.yaml"), "a: " + "[" * 100000 + "]" * 100000 + "\n")

    limit = 3 * 1024 * 1024
    lines = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n"]
    size = len(lines[0])
    i = 0
    while size < limit:
        line = "  k%06d: %s\n" % (i, "v" * 100)
        lines.append(line)
        size += len(line)
        i += 1
    write(os.path.join(d, "wide.yaml"), "".join(lines))

    lines = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tags}\ndata:\n"]
    size = len(lines[0])
    i = 0
    while size < limit:
        line = "  k%06d: [!a, x, !b[c] y, !!str, z]\n" % i
        lines.append(line)
        size += len(line)
        i += 1
    write(os.path.join(d, "tags.yaml"), "".join(lines))

    lines = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: colons}\ndata:\n"]
    size = len(lines[0])
    i = 0
    while size < limit:
        line = "  k%06d: [a:, b c:, {d: e:}, 'f:]', g]\n" % i
        lines.append(line)
        size += len(line)
        i += 1
    write(os.path.join(d, "colons.yaml"), "".join(lines))

    lines = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: boms}\ndata:\n"]
    size = len(lines[0])
    i = 0
    while size < limit:
        line = "  k%06d: a\ufeffb%s\n" % (i, "v" * (i % 37))
        lines.append(line)
        size += len(line.encode())
        i += 1
    write(os.path.join(d, "boms.yaml"), "".join(lines))

    labels = ["apiVersion: v1\nkind: Pod\nmetadata:\n  name: labels\n  namespace: shop\n"]
    for field in ("labels", "annotations"):
        labels.append("  %s:\n" % field)
        labels.extend("    example.com/k%d: v%d\n" % (i, i) for i in range(200000))
    labels.append("spec:\n  containers:\n  - {name: web, image: \"nginx:1.25\"}\n")
    write(os.path.join(d, "labels.yaml"), "".join(labels))

    # One namespace of 10,000 workloads, each with its own NetworkPolicy and Service.
    pairs = []
    for i in range(10000):
        pairs.append("apiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: shop, labels: {app: a%d}}\n"
                     "spec:\n  containers:\n  - {name: c, image: \"nginx:1.25\"}\n" % (i, i))
        pairs.append("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n%d, namespace: shop}\n"
                     "spec:\n  podSelector: {matchLabels: {app: a%d}}\n  ingress:\n"
                     "  - from: [{podSelector: {matchLabels: {app: b%d}}}]\n" % (i, i, i))
        pairs.append("apiVersion: v1\nkind: Service\nmetadata: {name: s%d, namespace: shop}\n"
                     "spec:\n  selector: {app: a%d}\n  ports: [{port: 80}]\n" % (i, i))
    write(os.path.join(d, "policies.yaml"), "---\n".join(pairs))

    # A pod of 20,000 privileged containers: a rule lists 100 findings per object and counts the rest.
    wide = ["apiVersion: v1\nkind: Pod\nmetadata: {name: wide, namespace: shop}\nspec:\n  containers:\n"]
    wide.extend("  - {name: c%d, image: \"nginx:1.25\", securityContext: {privileged: true}}\n" % i
                for i in range(20000))
    write(os.path.join(d, "wide-pod.yaml"), "".join(wide))

    write(os.path.join(d, "after.yaml"),
          "apiVersion: v1\nkind: Pod\nmetadata: {name: after, namespace: shop}\nspec:\n  containers:\n"
          "  - {name: web, image: \"nginx:1.25\", securityContext: {privileged: true}}\n")
    for name in sorted(os.listdir(d)):
        print("%-14s %12d bytes" % (name, os.path.getsize(os.path.join(d, name))))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that the folders under src/ include each other only downwards.

Every `#include "folder/file.h"` under src/ is an edge between two folders
(the first path component, or the first two under fronts/). A folder may
include its own layer's folders and those below; an edge to a higher layer,
any cycle between folders, a folder this script does not place and an
include of a project header that does not exist all fail, naming the file
and line. The order is docs/ARCHITECTURE.md's (Layers).

  scripts/check-layers.py [SRC_DIR]   check a tree (default: src next to this script)
  scripts/check-layers.py --self-test check that the check fails where it must
"""

import os
import re
import sys
import tempfile

# Lowest first. Folders of one layer may include each other, but not in a cycle.
LAYERS = [
    ["util"],  # JSON writing, client errors, file opening, redaction, terminal text
    ["doc"],  # the document model: YAML/JSON to nodes with positions
    ["k8s"],  # objects, kinds, pod specs, containers, selectors
    ["pss", "rbac", "node"],  # models over objects: PSS checks, RBAC policy, node components
    ["rules"],  # the rule catalog and the rule families
    ["supply"],  # image signatures and registries, read by the configuration
    ["engine"],  # configuration, suppression, scanner, drift, watch
    ["report"],  # reporters
    ["admission", "audit", "cluster", "fronts/node"],  # the ways in
    ["fronts/server"],  # the HTTPS server (admission and audit webhooks)
    ["fronts/cli"],  # the command line
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(rel_path):
    parts = rel_path.split("/")
    if parts[0] == "fronts" and len(parts) > 2:
        return "fronts/" + parts[1]
    return parts[0] if len(parts) > 1 else ""


def layer_index():
    index = {}
    for i, layer in enumerate(LAYERS):
        for name in layer:
            index[name] = i
    return index


def find_cycle(graph):
    """One cycle of the folder graph as a list of folders, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {node: WHITE for node in graph}
    stack = []

    def visit(node):
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt, WHITE) == GREY:
                return stack[stack.index(nxt):] + [nxt]
            if colour.get(nxt, WHITE) == WHITE:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def check(src):
    index = layer_index()
    problems = []
    graph = {}
    witness = {}
    for directory, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            here = folder_of(rel)
            if here not in index:
                problems.append(f"src/{rel}: folder '{here}' has no layer in scripts/check-layers.py")
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for line_no, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    where = f"src/{rel}:{line_no}"
                    if not os.path.isfile(os.path.join(src, target)):
                        problems.append(f'{where}: #include "{target}" is not a path under src/')
                        continue
                    there = folder_of(target)
                    if there == here:
                        continue
                    if there not in index:
                        problems.append(f"{where}: folder '{there}' has no layer in scripts/check-layers.py")
                        continue
                    if index[there] > index[here]:
                        problems.append(f'{where}: {here} (layer {index[here]}) includes "{target}" '
                                        f"of {there} (layer {index[there]}), a higher layer")
                    graph.setdefault(here, set()).add(there)
                    graph.setdefault(there, set())
                    witness.setdefault((here, there), where)
    cycle = find_cycle(graph)
    if cycle:
        steps = [f"{a} -> {b} ({witness[(a, b)]})" for a, b in zip(cycle, cycle[1:])]
        problems.append("cycle between folders: " + "; ".join(steps))
    return problems


def self_test():
    """The check must find an upward edge, a cycle and an unplaced folder."""

    def tree(files):
        root = tempfile.mkdtemp(prefix="kg-layers-")
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return root

    clean = tree({"util/a.h": "", "doc/b.h": '#include "util/a.h"\n', "k8s/c.cc": '#include "doc/b.h"\n'})
    upward = tree({"util/a.h": '#include "doc/b.h"\n', "doc/b.h": ""})
    cycle = tree({"pss/a.h": '#include "rbac/b.h"\n', "rbac/b.h": '#include "pss/a.h"\n'})
    unplaced = tree({"newfolder/a.h": ""})
    missing = tree({"doc/a.h": '#include "doc/nothere.h"\n'})
    failures = []
    if check(clean):
        failures.append(f"a clean tree fails: {check(clean)}")
    if not any("higher layer" in p for p in check(upward)):
        failures.append("an upward include passes")
    if not any("cycle" in p for p in check(cycle)):
        failures.append("a cycle within one layer passes")
    if not any("has no layer" in p for p in check(unplaced)):
        failures.append("a folder without a layer passes")
    if not any("not a path under src/" in p for p in check(missing)):
        failures.append("an include of a missing header passes")
    for message in failures:
        print(f"self-test: {message}", file=sys.stderr)
    return 1 if failures else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    src = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    problems = check(src)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} layer problem(s); the order is in scripts/check-layers.py and docs/ARCHITECTURE.md",
              file=sys.stderr)
        return 1
    print("layers hold: no upward include, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

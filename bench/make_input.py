#!/usr/bin/env python3
"""Build a large manifest-scan benchmark input from the real corpus manifests.

Copies every .yaml/.yml file of the corpus manifests (except the deliberately
malformed linkerd input, and any file a quick YAML check rejects) again and
again into OUT/cNNNN/<original path> until the input holds at least
--size-mb megabytes AND --min-objects Kubernetes objects.

Besides OUT it writes OUT.json (statistics read by bench/run_scan_bench.sh;
kept outside OUT so no scanner picks it up) and, with --single, one
concatenated multi-document YAML file holding the same documents.

Counting is done on the source files once and multiplied:
  documents  non-empty YAML documents
  objects    documents with a top-level `kind:`; items of a `kind: *List`
             are counted one by one (the list itself is not)

Standard library only. If PyYAML happens to be importable it is used for the
validity check; otherwise only the known-bad file is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "manifests"
if not DEFAULT_CORPUS.is_dir():
    DEFAULT_CORPUS = Path("/work/shared/corpus/manifests")
KNOWN_BAD = {"linkerd2/inject/inject_gettest_deployment.bad.input.yml"}
MB = 1_000_000

DOC_SEP = re.compile(r"^---(\s|$)")
DOC_END = re.compile(r"^\.\.\.\s*$")
TOP_KIND = re.compile(r"^kind:\s*['\"]?([A-Za-z0-9]+)")
ITEMS_KEY = re.compile(r"^items:\s*(#.*)?$")
TOP_KEY = re.compile(r"^[^\s#-]")


def split_documents(text: str) -> list[list[str]]:
    """Split a YAML stream into documents (lists of lines) at `---` / `...`."""
    docs: list[list[str]] = [[]]
    for line in text.splitlines():
        if DOC_SEP.match(line):
            docs.append([line[3:]] if line[3:].strip() else [])
        elif DOC_END.match(line):
            docs.append([])
        else:
            docs[-1].append(line)
    return docs


def count_list_items(content: list[str]) -> int:
    """Entries of the top-level `items:` sequence of a List document."""
    n = 0
    indent = None
    in_items = False
    for l in content:
        if not in_items:
            in_items = ITEMS_KEY.match(l) is not None
            continue
        if TOP_KEY.match(l):  # next top-level key: the sequence is over
            break
        stripped = l.lstrip(" ")
        if not stripped.startswith("-"):
            continue
        col = len(l) - len(stripped)
        if indent is None:
            indent = col
        if col == indent and (stripped == "-" or stripped.startswith("- ")):
            n += 1
    return n


def count_file(text: str) -> tuple[int, int]:
    """Return (documents, objects) for one YAML stream, line-based."""
    documents = objects = 0
    for doc in split_documents(text):
        content = [l for l in doc if l.strip() and not l.lstrip().startswith("#")]
        if not content:
            continue
        documents += 1
        kind = None
        for l in content:
            m = TOP_KIND.match(l)
            if m:
                kind = m.group(1)
                break
        if kind is None:
            continue
        if kind.endswith("List"):
            objects += count_list_items(content)
        else:
            objects += 1
    return documents, objects


def marker_lines(data: bytes) -> tuple[bool, bool]:
    """(first content line is `---`, last content line is `---`)."""
    lines = [l for l in data.decode("utf-8", errors="replace").splitlines()
             if l.strip() and not l.lstrip().startswith("#")]
    if not lines:
        return False, False
    return DOC_SEP.match(lines[0]) is not None, DOC_SEP.match(lines[-1]) is not None


def quick_yaml_check(path: Path):
    """None if the file parses (or no parser is available), else a reason."""
    try:
        import yaml  # type: ignore
    except ImportError:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, "rb") as f:
            for _ in yaml.load_all(f, Loader=loader):
                pass
    except yaml.YAMLError as e:  # type: ignore[attr-defined]
        return str(e).splitlines()[0]
    return None


def collect(corpus: Path, verbose: bool):
    sources = []
    for p in sorted(corpus.rglob("*")):
        if not p.is_file() or p.suffix not in (".yaml", ".yml"):
            continue
        rel = p.relative_to(corpus).as_posix()
        if rel in KNOWN_BAD:
            if verbose:
                print(f"skip (malformed on purpose): {rel}", file=sys.stderr)
            continue
        why = quick_yaml_check(p)
        if why:
            print(f"skip (not valid YAML: {why}): {rel}", file=sys.stderr)
            continue
        data = p.read_bytes()
        docs, objs = count_file(data.decode("utf-8", errors="replace"))
        sources.append((rel, data, docs, objs))
    return sources


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="corpus manifests directory (default: %(default)s)")
    ap.add_argument("-o", "--out", type=Path, default=REPO / "build" / "bench-input",
                    help="output directory (default: %(default)s)")
    ap.add_argument("--size-mb", type=float, default=200.0,
                    help="minimum input size in MB (10^6 bytes) (default: %(default)s)")
    ap.add_argument("--min-objects", type=int, default=40_000,
                    help="minimum number of Kubernetes objects (default: %(default)s)")
    ap.add_argument("--single", nargs="?", const="", default=None, metavar="FILE",
                    help="also write one concatenated YAML file (default FILE: OUT.yaml)")
    ap.add_argument("--force", action="store_true", help="rebuild even if OUT is up to date")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    out: Path = args.out.resolve()
    stats_path = out.with_name(out.name + ".json")
    single = None
    if args.single is not None:
        single = Path(args.single).resolve() if args.single else out.with_name(out.name + ".yaml")

    sources = collect(args.corpus, not args.quiet)
    if not sources:
        print("no manifests found", file=sys.stderr)
        return 2
    copy_bytes = sum(len(s[1]) for s in sources)
    copy_docs = sum(s[2] for s in sources)
    copy_objs = sum(s[3] for s in sources)
    copies = 1
    while copies * copy_bytes < args.size_mb * MB or copies * copy_objs < args.min_objects:
        copies += 1

    stats = {
        "corpus": str(args.corpus),
        "source_files": len(sources),
        "copies": copies,
        "files": copies * len(sources),
        "bytes": copies * copy_bytes,
        "documents": copies * copy_docs,
        "objects": copies * copy_objs,
        "dir": str(out),
        "single": str(single) if single else None,
    }

    up_to_date = False
    if not args.force and stats_path.is_file() and out.is_dir():
        try:
            old = json.loads(stats_path.read_text())
            up_to_date = all(old.get(k) == stats[k] for k in
                             ("corpus", "source_files", "copies", "bytes", "objects", "dir"))
            if single and (old.get("single") != str(single) or not single.is_file()
                           or single.stat().st_size < stats["bytes"]):
                up_to_date = False
        except (OSError, ValueError):
            up_to_date = False

    t0 = time.monotonic()
    if not up_to_date:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        for c in range(copies):
            base = out / f"c{c:04d}"
            for rel, data, _, _ in sources:
                dst = base / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(data)
        if single:
            single.parent.mkdir(parents=True, exist_ok=True)
            with open(single, "wb") as f:
                for _ in range(copies):
                    open_doc = True  # stream start: the first document needs no marker
                    for _, data, _, _ in sources:
                        first, last = marker_lines(data)
                        # A `---` between files, unless one side already has it
                        # (two markers in a row would add an empty document).
                        if not (first or (last and open_doc)):
                            f.write(b"---\n")
                        f.write(data)
                        if not data.endswith(b"\n"):
                            f.write(b"\n")
                        open_doc = last
            stats["single_bytes"] = single.stat().st_size
        stats_path.write_text(json.dumps(stats, indent=2) + "\n")
    elif single:
        stats["single_bytes"] = single.stat().st_size

    if not args.quiet:
        state = "up to date" if up_to_date else f"written in {time.monotonic() - t0:.1f} s"
        print(f"{out}: {state}")
        print(f"  files     {stats['files']:>12,}  ({len(sources)} corpus files x {copies} copies)")
        print(f"  bytes     {stats['bytes']:>12,}  ({stats['bytes'] / MB:.1f} MB)")
        print(f"  documents {stats['documents']:>12,}")
        print(f"  objects   {stats['objects']:>12,}")
        if single:
            print(f"  single    {single} ({stats.get('single_bytes', 0) / MB:.1f} MB)")
        print(f"  stats     {stats_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

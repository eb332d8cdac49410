#!/usr/bin/env python3
"""YAML variants for the differential test against kubectl (docs/YAML.md).

  yaml_variants.py --seed S --docs N --out DIR

writes DIR/case-00000.yaml, ... holding at least N generated documents in
all. Each file starts with a marker object (a ConfigMap named case-NNNNN)
so the objects kubectl prints for many files in one run can be told apart.
The same seed gives the same files.

The documents cover every scalar form go-yaml v2 resolves (booleans, nulls,
integers in every base, floats, timestamps, strings), quoting styles, block
scalars, flow and block collections, anchors and aliases (also redefined
inside their own node), merge keys in every position, tags, duplicate keys,
non-string keys, Lists (typed, untyped, items on any kind, nested), multi-
document streams, separators with comments, comments, and a few broken
documents; then (from a random stream of their own) documents whose
metadata fields have wrong types, and files that start with '{' (JSON
streams, JSON then YAML, neither). Map keys never mix types that would give the same string (kubectl
itself gives a random result there).
"""

import argparse
import os
import random

PLAIN_SCALARS = """y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false False FALSE tRUE yEs
~ null Null NULL nULL 0 -0 +0 00 07 08 09 010 0o17 0O17 0o8 0x1F 0X1f 0x 0o 0b 0b101 0B101 0b-101 0b+101
-0b101 -0b-101 +0x10 -0x10 0x_1F 1_000 1__0 _1 1_ +_1 -_1 0_7 0.5 .5 -.5 +.5 ._5 .5_5 .5_ 1. 1.e5 1e3 1E3
1e+3 1e-3 1e400 -1e400 1e-400 1.5e308 2e308 nan inf 1_0.5 1.5_0 12345678901234567890 9223372036854775807
9223372036854775808 -9223372036854775808 -9223372036854775809 18446744073709551615 18446744073709551616
0x7FFFFFFFFFFFFFFF 0x8000000000000000 0xFFFFFFFFFFFFFFFF 0x10000000000000000 1e20 1e21 1e-6 1e-7
123456789.123456789 0.1 100000000000000000000 1.0 3.0e0 -0.0 190:20:30 1:20 2001-12-14
2001-12-14t21:59:43.10-05:00 2002-1-2 2001-12-14T21:59:43Z + . .. 0.0.0 1e 1e+ e3 12e 0x1p3 0xG $1 a-b
hello nginx:1.25 /usr/bin/x http://x.example/y 1.2.3 v1 apps/v1 0755 0o755 3000m 1Gi 1e3Gi 5M +1 -1
""".split()

BAD_FLOATS = [".inf", "-.inf", ".nan", "+.INF", ".NaN"]

WORDS = ["alpha", "beta", "gamma", "delta", "web", "db", "cache", "x", "privileged", "hostPID", "spec", "items"]

DQ_ESCAPES = ["\\n", "\\t", "\\\\", "\\\"", "\\x41", "\\u00e9", "\\U0001F600", "\\0", "\\a", "\\e", "\\ ", "\\/",
              "\\N", "\\_", "\\L", "\\P"]

TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!", "!custom", "!!binary",
        "!<tag:yaml.org,2002:str>", "!!merge", "!!seq", "!!map"]

TIMESTAMPS = ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2002-1-2", "2001-02-30",
              "2001-12-14T21:59:43Z", "2001-12-14T25:00:00Z", "2001-12-14 21:59:43.10 -5"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.anchors = []  # (name, kind) of finished anchored nodes: kind in map/seq/scalar
        self.anchor_seq = 0

    def chance(self, p):
        return self.r.random() < p

    # ---------------------------------------------------------------- scalars
    def plain(self):
        r = self.r
        pick = r.random()
        if pick < 0.55:
            return r.choice(PLAIN_SCALARS)
        if pick < 0.7:
            return str(r.randint(-100000, 100000))
        if pick < 0.8:
            return "%s%d" % (r.choice(WORDS), r.randint(0, 99))
        if pick < 0.9:
            return repr(round(r.uniform(-1e6, 1e6), r.randint(0, 8)))
        return r.choice(WORDS) + " " + r.choice(WORDS)

    def single_quoted(self):
        body = self.r.choice(PLAIN_SCALARS + WORDS + ["it''s", "a: b", "# no", "", "  spaced  "])
        if "'" in body and "''" not in body:
            body = body.replace("'", "''")
        return "'%s'" % body

    def double_quoted(self):
        parts = []
        for _ in range(self.r.randint(0, 3)):
            if self.chance(0.4):
                parts.append(self.r.choice(DQ_ESCAPES))
            else:
                parts.append(self.r.choice(PLAIN_SCALARS + WORDS).replace("\\", "").replace('"', ""))
        return '"%s"' % "".join(parts)

    def tagged(self, flow):
        tag = self.r.choice(TAGS)
        if tag == "!!binary":
            value = self.r.choice(["aGVsbG8=", "aGVsbG8", "AAEC/w==", "", "'aGk='", "not*base64"])
        elif tag == "!!timestamp":
            value = self.r.choice(TIMESTAMPS)
            if " " in value:
                value = "'%s'" % value
        else:
            value = self.r.choice([self.plain(), self.double_quoted(), self.single_quoted()])
        if flow and not value.startswith(("'", '"')) and any(c in value for c in ",[]{}#"):
            value = '"x"'
        return "%s %s" % (tag, value)

    def scalar(self, flow=False, allow_alias=True, allow_bad=True):
        r = self.r
        pick = r.random()
        if allow_alias and self.anchors and pick < 0.08:
            name, _ = r.choice(self.anchors)
            return "*" + name
        if pick < 0.55:
            v = self.plain()
            if flow and any(c in v for c in ",[]{}#"):
                v = '"%s"' % v
            if v.startswith(("*", "&", "!", "|", ">", "%", "@", "`", "-", "?", ":", "[", "{", "#", "'", '"')) \
                    and v not in ("-0", "-1", "-.5", "-0b101", "-0b-101", "-0x10", "-_1", "-1e400", "-0.0",
                                  "-9223372036854775808", "-9223372036854775809"):
                v = '"%s"' % v
            if v in ("+", "-", "?", ":"):
                v = '"%s"' % v
            return v
        if pick < 0.68:
            return self.single_quoted()
        if pick < 0.8:
            return self.double_quoted()
        if pick < 0.92:
            return self.tagged(flow)
        if allow_bad and pick < 0.93:
            return r.choice(BAD_FLOATS)
        return r.choice(["", "~", "null", "''", '""'])

    def block_scalar(self, indent):
        header = self.r.choice(["|", "|-", "|+", ">", ">-", ">+", "|2", ">1"])
        lines = []
        pad = " " * (indent + 2)
        for _ in range(self.r.randint(1, 3)):
            lines.append(pad + self.r.choice(WORDS + ["", "  indented", "# not a comment", "a: b"]))
        if header[-1].isdigit():
            # An explicit indentation indicator counts from the parent's indent.
            pad = " " * (indent + int(header[-1]))
            lines = [pad + l.strip() for l in lines]
            if not lines[0].strip():
                lines[0] = pad + "x"
        if not lines[0].strip():
            lines[0] = pad + "first"
        return header, lines

    # ---------------------------------------------------------------- keys
    def key(self, used):
        r = self.r
        pick = r.random()
        if used and pick < 0.12:
            k = r.choice(used)  # a duplicate key
        else:
            k = "k%d" % r.randint(0, 30)
        if pick > 0.85:
            return '"%s"' % k, k
        if pick > 0.8:
            return "'%s'" % k, k
        if 0.75 < pick <= 0.8:
            return "!!str %s" % k, k
        return k, k

    def anchor(self):
        self.anchor_seq += 1
        if self.anchors and self.chance(0.2):
            return self.r.choice(self.anchors)[0]  # an anchor name defined again
        return "a%d" % self.anchor_seq

    def remember(self, name, kind):
        self.anchors = [(n, k) for (n, k) in self.anchors if n != name]
        self.anchors.append((name, kind))

    # ---------------------------------------------------------------- collections
    def flow_value(self, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.6:
            return self.scalar(flow=True)
        if r.random() < 0.5:
            return "[" + ", ".join(self.flow_value(depth - 1) for _ in range(r.randint(0, 3))) + "]"
        return self.flow_map(depth - 1)

    def flow_map(self, depth):
        used = []
        parts = []
        for _ in range(self.r.randint(0, 3)):
            if self.chance(0.1) and self.map_anchors():
                parts.append("<<: *" + self.r.choice(self.map_anchors()))
                continue
            text, k = self.key(used)
            used.append(k)
            parts.append("%s: %s" % (text, self.flow_value(depth)))
        return "{" + ", ".join(parts) + "}"

    def map_anchors(self):
        return [n for (n, k) in self.anchors if k == "map"]

    def block_map(self, indent, depth, lines, first_prefix=None):
        """Appends a block mapping at `indent`; the first line may carry a prefix (e.g. "- ")."""
        r = self.r
        used = []
        count = r.randint(1, 4)
        for i in range(count):
            prefix = first_prefix if (i == 0 and first_prefix is not None) else " " * indent
            if r.random() < 0.06:
                lines.append(" " * indent + "# comment " + r.choice(WORDS))
            if self.map_anchors() and r.random() < 0.15:
                # A merge key in any position among the explicit keys.
                pick = r.random()
                if pick < 0.5:
                    lines.append(prefix + "<<: *" + r.choice(self.map_anchors()))
                elif pick < 0.8:
                    names = [r.choice(self.map_anchors()) for _ in range(r.randint(1, 3))]
                    lines.append(prefix + "<<: [" + ", ".join("*" + n for n in names) + "]")
                else:
                    lines.append(prefix + "<<: " + self.flow_map(1))
                continue
            if r.random() < 0.03:
                lines.append(prefix + r.choice(['"<<": {k1: lit}', "'<<': x", "!!str <<: {k2: y}",
                                                "!!merge <<: {k3: z}"]))
                continue
            text, k = self.key(used)
            used.append(k)
            self.value_after_key(prefix + text + ":", indent, depth, lines)

    def value_after_key(self, head, indent, depth, lines):
        r = self.r
        pick = r.random()
        anchor = ""
        name = None
        if r.random() < 0.12:
            name = self.anchor()
            anchor = " &" + name
        if depth <= 0 or pick < 0.45:
            if r.random() < 0.12:
                header, body = self.block_scalar(indent)
                lines.append(head + anchor + " " + header)
                lines.extend(body)
                if name:
                    self.remember(name, "scalar")
                return
            value = self.scalar(allow_alias=name is None)
            if value.startswith("*") and name:
                value = "x"
            lines.append(head + anchor + (" " + value if value != "" else ""))
            if name:
                self.remember(name, "scalar")
            return
        if pick < 0.6:
            lines.append(head + anchor + " " + self.flow_value(depth))
            if name:
                kind = "map" if lines[-1].rstrip().endswith("}") and "{" in lines[-1] else "seq"
                self.remember(name, kind)
            return
        if pick < 0.8:
            lines.append(head + anchor + (" # c" if r.random() < 0.1 else ""))
            self.block_map(indent + 2, depth - 1, lines)
            if name:
                self.remember(name, "map")
            return
        lines.append(head + anchor)
        self.block_seq(indent + r.choice([0, 2]), depth - 1, lines)
        if name:
            self.remember(name, "seq")

    def block_seq(self, indent, depth, lines):
        r = self.r
        for _ in range(r.randint(1, 3)):
            prefix = " " * indent + "- "
            pick = r.random()
            if depth <= 0 or pick < 0.5:
                value = self.scalar()
                lines.append(prefix + value if value != "" else prefix.rstrip())
            elif pick < 0.8:
                self.block_map(indent + 2, depth - 1, lines, first_prefix=prefix)
            else:
                lines.append(prefix + self.flow_value(depth))

    # ---------------------------------------------------------------- documents
    def object_body(self, lines, name, kind="ConfigMap", api="v1"):
        if kind is not None:
            lines.append("apiVersion: " + api)
            lines.append("kind: " + kind)
        lines.append("metadata:")
        lines.append("  name: " + name)
        if self.chance(0.3):
            lines.append("  labels: {app: %s}" % self.r.choice(WORDS))
        lines.append("data:")
        self.block_map(2, self.r.randint(0, 3), lines)
        if self.chance(0.6):
            lines.append("spec:")
            self.block_map(2, self.r.randint(1, 4), lines)

    def document(self, n):
        r = self.r
        self.anchors = []
        lines = []
        if r.random() < 0.1:
            lines.append("# a comment before the document")
        pick = r.random()
        name = "d-%d" % n
        if pick < 0.72:
            self.object_body(lines, name)
        elif pick < 0.8:
            # A list: untyped, typed (items without kind), or items on a kind
            # that is not a list, possibly nested.
            kind = r.choice(["List", "ConfigMapList", "ConfigMap", "Pod"])
            lines.append("apiVersion: v1")
            lines.append("kind: " + kind)
            if r.random() < 0.5:
                lines.append("metadata: {name: %s-list}" % name)
            lines.append("items:")
            for i in range(r.randint(0, 3)):
                sub = []
                pick_item = r.random()
                if pick_item < 0.3 and kind != "List":
                    self.object_body(sub, "%s-%d" % (name, i), kind=None)
                elif pick_item < 0.4:
                    sub.append("apiVersion: v1")
                    sub.append("kind: List")
                    sub.append("items:")
                    sub.append("- {apiVersion: v1, kind: Secret, metadata: {name: %s-n%d}}" % (name, i))
                else:
                    self.object_body(sub, "%s-%d" % (name, i))
                lines.append("- " + sub[0])
                lines.extend("  " + l for l in sub[1:])
        elif pick < 0.85:
            # Flow style at the top.
            lines.append("{apiVersion: v1, kind: ConfigMap, metadata: {name: %s}, data: %s}"
                         % (name, self.flow_map(2)))
        elif pick < 0.9:
            # Non-string keys in a map of their own (never mixed with strings).
            self.object_body(lines, name)
            keys = r.sample(["1", "2", "0x10", "1.5", "2.25", "y", "n", "123456789.0", "0.00001", "-7", "1e3",
                             "18446744073709551615", "~"], r.randint(1, 4))
            ints = {"1", "2", "0x10", "-7"}
            if len(ints & set(keys)) > 1 and "0x10" in keys and "16" in keys:
                keys.remove("16")
            lines.append("nk:")
            for k in keys:
                lines.append("  %s: %s" % (k, self.scalar()))
        elif pick < 0.95:
            # Anchors on whole objects and merges of them.
            lines.append("apiVersion: v1")
            lines.append("kind: ConfigMap")
            lines.append("metadata: {name: %s}" % name)
            lines.append("base: &base")
            self.block_map(2, 2, lines)
            self.remember("base", "map")
            lines.append("data:")
            lines.append("  " + r.choice(["<<: *base", "k0: before", "<<: [*base]"]))
            self.block_map(2, 2, lines)
            if r.random() < 0.5:
                lines.append("  <<: *base")
        else:
            # Broken or unusual documents.
            lines.extend(r.choice([
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "data: {a: *missing}"],
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "data: &s {a: *s}"],
                ["apiVersion: v1", "metadata: {name: %s}" % name],
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "data:", "\tk: v"],
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "data: {k: v"],
                ["- just", "- a list"],
                ["just a string"],
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "...", "junk: ["],
                ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: %s}" % name, "data: {<<: 5}"],
                ["apiVersion: v1", "kind: List", "items: {a: 1}"],
                ["apiVersion: v1", "kind: List", "items: [5]"],
                ["apiVersion: v1", "kind: List", "items:", "- {metadata: {name: %s}}" % name],
                ["apiVersion: a/b/c", "kind: ConfigMap", "metadata: {name: %s}" % name],
                ["kind: ConfigMap", "metadata: {name: %s}" % name],
            ]))
        if r.random() < 0.15:
            lines.append("# trailing comment")
        return "\n".join(lines) + "\n"


# Values for the fields kubectl type-checks (TypeMeta and ObjectMeta), as YAML
# text: right and wrong types, YAML 1.1 forms that change the type.
META_VALUES = {
    "namespace": ["n", "'n'", "ns1", "5", "~", '""', "[a]", "{a: 1}", "y", "0x10", "1.5"],
    "generateName": ["web-", "123", "true", "~"],
    "uid": ["abc", "5", "!!str 5"],
    "resourceVersion": ["'5'", "5", "~"],
    "selfLink": ["/x", "off"],
    "labels": ["{a: b}", "{a: 1}", "{a: '1'}", "{a: y}", "{a: ~}", "[a]", "x", "{a: {b: c}}", "{}", "~",
               "{a: 1.5, b: c}", "{1: a}"],
    "annotations": ["{a: b}", "{a: 1}", "{a: no}", "{a: [b]}", "~", "{a: '2001-12-14'}", "{a: 2001-12-14}"],
    "generation": ["1", "1.0", "1.5", "1e3", "'1'", "9223372036854775807", "9223372036854775808", "0x10", "-1",
                   "~", "1e21", "true", "0o17", "1_000"],
    "deletionGracePeriodSeconds": ["30", "30.0", "30.5", "'30'", "~", "-9223372036854775808"],
    "creationTimestamp": ["~", "2020-01-01", "'2020-01-01T00:00:00Z'", "2001-12-14t21:59:43.10-05:00",
                          "2001-12-14T21:59:43Z", "2020-01-01T1:00:00+24:00", "2020-01-01T00:00:00,5Z",
                          "2020-02-30T00:00:00Z", "2020-01-01T00:00:00+25:00", "5", "true", "[]", "''",
                          "2001-12-14 21:59:43.10 -5", "!!timestamp 2001-12-14T21:59:43Z"],
    "deletionTimestamp": ["~", "2020-01-01T00:00:00Z", "2020-01-01", "0"],
    "finalizers": ["[a, b]", "[a, 1]", "a", "[~]", "[]", "[[a]]", "{a: b}"],
    "ownerReferences": ["[{apiVersion: v1, kind: X, name: a, uid: u, controller: true}]", "[{controller: y}]",
                        "[{controller: 'true'}]", "[5]", "[~]", "{a: 1}", "[{blockOwnerDeletion: 1}]",
                        "[{uid: 5}]", "[{name: x, other: 5}]"],
    # Only refused forms: kubectl's printer leaves out managedFields it accepts
    # (kubeguard keeps them: they are sent), so the comparison could not see them.
    "managedFields": ["[{time: x}]", "[{manager: 5}]", "[a]", "[{time: '2020-01-01'}]", "[{subresource: [1]}]"],
    "Name": ["5"], "NAMESPACE": ["true"], "other": ["5", "[1]"],
}
TOP_VALUES = {
    "metadata": ["[]", "x", "~", "5", "[a]", "{}", "y"],
    "apiVersion": ["5", "~", "y", "1.0", "'v1'"],
    "Metadata": ["[]"], "Kind": ["5"],
}


def meta_document(r, name):
    """An object whose TypeMeta or ObjectMeta fields have right and wrong types."""
    lines = []
    top = r.random() < 0.2
    kind = r.choice(["ConfigMap"] * 4 + ["Pod", "List"])
    if top:
        key = r.choice(sorted(TOP_VALUES))
        value = r.choice(TOP_VALUES[key])
        if key != "apiVersion":
            lines.append("apiVersion: v1")
        lines.append("kind: " + kind)
        if key != "metadata":
            lines.append("metadata: {name: %s}" % name)
        lines.append("%s: %s" % (key, value))
    else:
        lines.append("apiVersion: v1")
        lines.append("kind: " + kind)
        lines.append("metadata:")
        lines.append("  name: " + name)
        for key in r.sample(sorted(META_VALUES), r.randint(1, 3)):
            lines.append("  %s: %s" % (key, r.choice(META_VALUES[key])))
    if kind == "List":
        lines.append("items:")
        lines.append("- {apiVersion: v1, kind: ConfigMap, metadata: {name: %s-item}}" % name)
    r.shuffle(lines) if r.random() < 0.2 and not any(l.startswith("  ") for l in lines) else None
    return "\n".join(lines) + "\n"


def json_value(r, name):
    """A JSON value as kubectl's JSON stream reader meets it: mostly objects."""
    import json
    pick = r.random()
    if pick < 0.06:
        return r.choice(["null", "[]", "5", '"s"', "[{\"kind\": \"ConfigMap\"}]", "{}", "true"])
    data = {}
    for i in range(r.randint(0, 4)):
        data["k%d" % i] = r.choice(["v", "a/b", "\u00e9", "x\ny", "<&>", "", "true", "1"])
    obj = {"apiVersion": "v1", "kind": r.choice(["ConfigMap"] * 5 + ["Secret"]), "metadata": {"name": name}}
    if r.random() < 0.3:
        obj["data"] = data
    else:
        obj["spec"] = {"n": r.choice([1, 1.5, -0.0, 12345678901234567890, 1e21, True, None, [1, "a"], {"b": 2}])}
    if r.random() < 0.1:
        obj["items"] = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name + "-i"}}]
    if r.random() < 0.1:
        obj["metadata"][r.choice(["namespace", "generation", "labels"])] = r.choice([5, "x", 1.5, {"a": 1}, None])
    text = json.dumps(obj, indent=r.choice([None, None, 2, 4]), ensure_ascii=r.random() < 0.5)
    if r.random() < 0.1:
        text = text.replace("/", "\\/")  # the \/ escape: JSON has it, go-yaml v2 does not
    if r.random() < 0.05:
        text = text.replace('"v1"', '"v1",', 1)  # a trailing comma: not JSON, but YAML reads it
    if r.random() < 0.05:
        text = text.replace("1.5", "1.50").replace("12345678901234567890", "1.2e3")
    return text


JSON_LEADS = ["", "", "\n", "  \n\t", "\u00a0", "\u2003\n", "\n\n", "\r\n", "\u3000 "]
JSON_GAPS = ["", "\n", " ", "\n\n", "\t", "\r\n", "\u00a0\n", " \u2028\n"]


def json_file(r, gen, case):
    """A file kubectl sniffs as JSON: a JSON marker, then more JSON values, a
    YAML tail (read after one value) or something neither reads."""
    import json
    marker = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "case-j%04d" % case}},
                        indent=r.choice([None, 2]))
    if r.random() < 0.05:
        marker = marker[:-1] + ",}"  # JSON fails on the first value: YAML reads the whole file
    text = r.choice(JSON_LEADS) + marker
    pick = r.random()
    docs = 1
    if pick < 0.45:
        for i in range(r.randint(1, 4)):
            text += r.choice(JSON_GAPS) + json_value(r, "j%d-%d" % (case, i))
            docs += 1
        if r.random() < 0.15:
            text += r.choice(["\n---\n" + gen.document(0), "\n{\"a\": ", "\nkind: x\n", "\n]"])
    elif pick < 0.8:
        tail = r.choice(["\n---\n", "\n", " \n", "\n\n---\n", "\n--- # c\n", "\n\u00a0\n---\n", "---\n",
                         "\t\n---\n"])
        text += tail
        for i in range(r.randint(1, 3)):
            if i > 0:
                text += separator(r)
            text += gen.document(0) if r.random() < 0.7 else meta_document(r, "jy%d-%d" % (case, i))
            docs += 1
    else:
        text += r.choice(["\nx", "\n ab", "\nabc", "\nabcd: 1\n", "  \u00a0", "\n\xff\xfe ab", "\n\ufffd ab: 1\n",
                          " garbage here\n", "\n[1, 2]\n", "\n- a\n"])
    if text.endswith("}") and r.random() < 0.5:
        text += "\n"
    return text, docs


def separator(r):
    return r.choice(["---\n"] * 6 + ["--- # next\n", "---   \n", "---\t# c\n", "...\n---\n"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-file", type=int, default=8)
    ap.add_argument("--meta-per-mille", type=int, default=30,
                    help="files of metadata-type documents per 1000 documents (1-4 documents each)")
    ap.add_argument("--json-per-mille", type=int, default=30,
                    help="files kubectl reads as JSON per 1000 documents")
    args = ap.parse_args()
    r = random.Random(args.seed)
    gen = Gen(r)
    os.makedirs(args.out, exist_ok=True)
    written = 0
    case = 0
    while written < args.docs:
        parts = ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: case-%05d\n" % case]
        for _ in range(r.randint(1, args.per_file)):
            parts.append(separator(r))
            parts.append(gen.document(written))
            written += 1
        text = "".join(parts)
        if r.random() < 0.02:
            text += r.choice(["--- junk\n", "----\n", "--- |\n  x\n"])
        with open(os.path.join(args.out, "case-%05d.yaml" % case), "w", encoding="utf-8") as f:
            f.write(text)
        case += 1
    # Metadata types and JSON streams, from a random stream of their own so
    # the documents above stay what they were for a seed.
    r2 = random.Random(args.seed * 7919 + 1)
    gen2 = Gen(r2)
    extra = 0
    for m in range(args.docs * args.meta_per_mille // 1000):
        parts = ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: case-m%04d\n" % m]
        for i in range(r2.randint(1, 4)):
            parts.append(separator(r2))
            parts.append(meta_document(r2, "m%d-%d" % (m, i)))
            extra += 1
        with open(os.path.join(args.out, "case-m%04d.yaml" % m), "w", encoding="utf-8") as f:
            f.write("".join(parts))
        case += 1
    for j in range(args.docs * args.json_per_mille // 1000):
        text, docs = json_file(r2, gen2, j)
        extra += docs
        ext = r2.choice([".yaml", ".json", ".yaml"])
        with open(os.path.join(args.out, "case-j%04d%s" % (j, ext)), "w", encoding="utf-8",
                  errors="surrogateescape") as f:
            f.write(text)
        case += 1
    print(case)


if __name__ == "__main__":
    main()

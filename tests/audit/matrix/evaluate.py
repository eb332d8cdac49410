#!/usr/bin/env python3
"""Scores one front's alerts on a recorded matrix (record.sh).

    evaluate.py RUN_DIR FRONT ALERTS [--markdown]
    evaluate.py RUN_DIR manifests        writes RUN_DIR/manifests/ for the scan front
    evaluate.py RUN_DIR summary          technique by front, from the files the gtest leaves

FRONT and ALERTS:
  native, gke, aks  the audit front: `kubeguard audit -f json` on the native
                    log or its converted form (convert.py), one alert a line
  watch             `kubeguard cluster watch -f json` (RUN_DIR/watch.jsonl)
  admission         `kubeguard serve`'s log (RUN_DIR/admission.log): one
                    decision a line, each counted rule with its severity
  scan              `kubeguard scan -f json RUN_DIR/manifests`: the whole
                    objects each variant sent (create, update, server-side
                    apply), taken from the requests in the audit log

An alert belongs to a variant when its namespace is the variant's, when the
object's name holds the variant's ID, or else (audit) when its auditID is one
of the requests the variant made, (watch, admission) when it came while the
variant ran, (scan) when it is on a manifest the variant sent.

A variant is detected when one of its alerts is of an expected rule at the
expected severity or above: for the audit front the rules attacks.sh
declares; for the others the rules of FRONT_RULES below, since each front
judges objects with its own rules. A technique (or a variant) a front
cannot see by design is listed as not visible, with the reason, and is
neither a miss nor a catch. Benign variants must raise no alert at high or
above: on the audit front every rule counts; on watch, admission and scan
the rules that detect the techniques (FRONT_RULES) count, while their
hygiene findings on benign workloads (an nginx container runs as root) are
counted and printed apart, since they are true of the objects. Exit 1 when
the recall of a technique the front can see is below 95%, when a benign
variant raised a counted high or critical alert, or when a variant failed to
run; prints the table either way.
"""
import contextlib
import json
import os
import re
import sys
from collections import defaultdict
from datetime import datetime

SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
RECALL_TARGET = 0.95
AUDIT_FORMS = ("native", "gke", "aks")

# What each object front sees, per technique: the rules that count as catching
# it and the lowest severity that counts, or why the front cannot see it.
POD_PRIVILEGE = {"KG-POD-001", "KG-POD-005", "KG-POD-007", "KG-POD-008", "KG-POD-009", "KG-POD-010", "KG-POD-011",
                 "KG-POD-015", "KG-POD-016", "KG-POD-017"}
INJECTION = {"KG-DRIFT-001", "KG-DRIFT-002", "KG-DRIFT-003", "KG-SC-001", "KG-SC-002", "KG-SC-006", "KG-SC-007"}
EPHEMERAL = {"KG-DRIFT-004", "KG-SC-009"}
WEBHOOK = {"KG-WH-001", "KG-WH-002", "KG-WH-004", "KG-WH-008"}
# Takeover-grade grants. KG-RBAC-001/002 (may create pods, may patch
# workloads) and KG-RBAC-018 describe what every CI account holds: they are
# counted with the hygiene findings, not as detections of an attack.
RBAC_GRANTS = {"KG-RBAC-%03d" % n for n in range(3, 18)}
# Two states of one role or binding: a change by hand to a built-in one, a delete.
RBAC_CHANGE = {"KG-RBAC-019"}
CSR_RULES = {"KG-SEC-004"}
# Pods and workloads where Kubernetes runs nothing (kube-public, kube-node-lease).
HIDDEN = {"KG-NS-002"}
EXEC = "exec and attach change no object: no watch event, and a pods/exec CONNECT is not an object to judge"
READS = "a read (get, list) changes no object"
TOKEN = "a TokenRequest creates no stored object (the token is returned, never kept)"
CORRELATION = "the incident is an exec followed by a write; the exec half is not an object change"
WHO = ("the object does not say who made it, and kube-system holds the cluster's own components "
       "legitimately; the signal is the requester (KG-AUD-019)")
FRONT_RULES = {
    "watch": {
        "privileged-workload": (POD_PRIVILEGE, "high"),
        "container-injection": (INJECTION, "medium"),
        "ephemeral-container": (EPHEMERAL, "high"),
        "exec": EXEC,
        "exec-then-write": CORRELATION,
        "webhook-config": (WEBHOOK, "high"),
        "rbac-by-name": (RBAC_GRANTS, "high"),
        "rbac-by-content": (RBAC_GRANTS, "high"),
        "rbac-change": (RBAC_CHANGE, "low"),
        "token-request": TOKEN,
        "secret-enumeration": READS,
        "csr-persistence": (CSR_RULES, "high"),
        "system-namespace": (HIDDEN, "high"),
        "impersonation": READS + " (kubectl get pods --as)",
        "anonymous": ({"KG-RBAC-015"}, "high"),
    },
    "admission": {
        "privileged-workload": (POD_PRIVILEGE, "high"),
        "container-injection": (INJECTION, "medium"),
        "ephemeral-container": (EPHEMERAL, "high"),
        "exec": "deploy/70-webhook.yaml registers no CONNECT on pods/exec or pods/attach (and serve judges objects, "
                "not commands)",
        "exec-then-write": CORRELATION,
        "webhook-config": "deploy/70-webhook.yaml does not register webhook configurations",
        "rbac-by-name": (RBAC_GRANTS, "high"),
        "rbac-by-content": (RBAC_GRANTS, "high"),
        "rbac-change": (RBAC_CHANGE, "high"),
        "token-request": "deploy/70-webhook.yaml does not register serviceaccounts/token",
        "secret-enumeration": READS,
        "csr-persistence": (CSR_RULES, "high"),
        "system-namespace": (HIDDEN, "high"),
        "impersonation": READS + " (kubectl get pods --as)",
        "anonymous": ({"KG-RBAC-015"}, "high"),
    },
    "scan": {
        "privileged-workload": (POD_PRIVILEGE, "high"),
        "container-injection": "an extra container in a manifest is its owner's design (KG-SC-001 is a low "
                               "inventory note there); injection shows as a difference, which one manifest has not",
        "ephemeral-container": "ephemeral containers are added through a subresource of a live pod, never in a manifest",
        "exec": "exec is no object",
        "exec-then-write": CORRELATION,
        "webhook-config": (WEBHOOK, "high"),
        "rbac-by-name": (RBAC_GRANTS, "high"),
        "rbac-by-content": (RBAC_GRANTS, "high"),
        "rbac-change": "a change of a built-in role or a delete is not a manifest",
        "token-request": TOKEN,
        "secret-enumeration": READS,
        "csr-persistence": (CSR_RULES, "high"),
        "system-namespace": (HIDDEN, "high"),
        "impersonation": READS,
        "anonymous": ({"KG-RBAC-015"}, "high"),
    },
}
PATCH = "the attack is a patch of a live object: the manifest sent before it is clean, and there is none of the patch"
KUBE_SYSTEM = "deploy/70-webhook.yaml leaves kube-system out (a broken webhook must not stop the control plane)"
DELETE = ("the attack is a delete: serve judges what is written, and deploy/70-webhook.yaml registers no DELETE "
          "(it would put the webhook in the path of every namespace teardown)")
# Variants a front cannot see although it sees their technique: (front, variant) -> why.
VARIANT_NOT_VISIBLE = {
    **{("scan", v): PATCH for v in ("patch-strategic", "patch-merge", "patch-json", "patch-sa-curl",
                                    "mutating-patch")},
    ("scan", "validating-delete"): "the attack is a delete; the manifest sent before it is not the attack",
    ("admission", "pod-kube-system"): KUBE_SYSTEM,
    ("admission", "curl-kube-system"): KUBE_SYSTEM,
    ("admission", "builtin-delete"): DELETE,
    ("admission", "binding-delete"): DELETE,
    ("admission", "masters-refused"): ("the API server's CertificateSubjectRestriction admission plugin refuses the "
                                       "request before it calls validating webhooks"),
    ("watch", "masters-refused"): "the API server refuses the request: nothing is stored, so nothing is watched",
    **{(front, v): WHO for front in ("watch", "scan") for v in ("pod-kube-system", "curl-kube-system")},
}
# Misses measured on a front that can see the technique, open and said so:
# counted in the recall printed, left out of the 95% gate so that the gate
# still fails on any other miss. (front, technique or variant) -> why.
SIGNERS = ("by design: approve on signers alone cannot approve a request (update on "
           "certificatesigningrequests/approval is needed too, and the subject holds neither elsewhere); KG-RBAC-016 "
           "reports a subject that holds both, from one role or several (KG-AUD-020 reads the grant from the log)")
KNOWN_MISSES = {
    ("admission", "command"): "by design of the UPDATE comparison: a changed command of an application container is "
                              "an ordinary rollout there (only an approved sidecar's command is held)",
    **{(front, "grant-signers"): SIGNERS for front in ("watch", "admission", "scan")},
}
# Findings on benign churn that are true of the objects and reported on
# purpose, counted apart: (variant, rule) -> why.
BENIGN_EXPECTED = {
    ("istio-injected", "KG-POD-005"): "istio's documented transparent-proxy mode: istio-init holds NET_ADMIN and "
                                      "NET_RAW (reported on purpose, worded as the injector's mode)",
}
# High alerts on benign churn that are false positives, open and said so:
# (front, variant, rule) -> why. Any other high alert on benign churn fails.
KNOWN_FALSE_POSITIVES = {}


def short_name(label):
    """The variant's name in attacks.sh: ID without the technique and the run suffix."""
    vid, tech = label["id"], label["technique"]
    return vid[len(tech) + 1:vid.rfind("-")]


def load_labels(run):
    labels = []
    with open(f"{run}/labels.tsv") as f:
        for line in f:
            vid, tech, rules, min_sev, ns, rc, desc = line.rstrip("\n").split("\t")
            labels.append({"id": vid, "technique": tech, "rules": set(rules.split(",")) if rules != "-" else set(),
                           "min": min_sev, "ns": ns, "rc": int(rc), "desc": desc})
    slices = []
    with open(f"{run}/slices.tsv") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            times = (int(cols[3]), int(cols[4])) if len(cols) >= 5 else None
            slices.append((int(cols[1]), int(cols[2]), cols[0], times))
    return labels, slices


def native_events(run, slices):
    """(event, owning variant or None) for every event of the native log, by byte range."""
    offset = 0
    with open(f"{run}/native.log", "rb") as f:
        for raw in f:
            try:
                event = json.loads(raw)
            except ValueError:
                event = {}
            owner = next((vid for start, end, vid, _ in slices if start <= offset < end), None)
            yield event, owner
            offset += len(raw)


def write_manifests(run):
    """The whole objects each variant sent (create, update, server-side apply) as files for `kubeguard scan`:
    RUN/manifests/<variant>/<n>.json. Requests by the control plane's own controllers are not manifests."""
    _, slices = load_labels(run)
    count = defaultdict(int)
    for event, owner in native_events(run, slices):
        if owner is None or event.get("stage") != "ResponseComplete":
            continue
        ref = event.get("objectRef") or {}
        body = event.get("requestObject")
        user = (event.get("user") or {}).get("username", "")
        if ref.get("subresource") or not isinstance(body, dict) or not body.get("kind"):
            continue
        if user.startswith("system:serviceaccount:kube-system:") or user.startswith("system:kube-"):
            continue
        code = (event.get("responseStatus") or {}).get("code", 200)
        # A patch body is no manifest, except server-side apply's whole object.
        # A refused create is still what its author wrote (the CSR for system:masters).
        if event.get("verb") not in ("create", "update", "patch") or (code >= 300 and event["verb"] != "create"):
            continue
        if event["verb"] == "patch" and "metadata" not in body:
            continue
        if body.get("kind") in ("DeleteOptions", "TokenRequest", "SelfSubjectAccessReview"):
            continue
        body = dict(body)
        body.setdefault("metadata", {})
        if ref.get("namespace"):
            body["metadata"] = dict(body["metadata"], namespace=ref["namespace"])
        os.makedirs(f"{run}/manifests/{owner}", exist_ok=True)
        count[owner] += 1
        with open(f"{run}/manifests/{owner}/{count[owner]:02}.json", "w") as out:
            json.dump(body, out)
    print(f"manifests: {sum(count.values())} objects from {len(count)} variants")


def epoch_ms(stamp):
    stamp = stamp.rstrip("Z")
    frac = 0.0
    if "." in stamp:
        stamp, digits = stamp.split(".")
        frac = float("0." + digits)
    return int((datetime.fromisoformat(stamp + "+00:00").timestamp() + frac) * 1000)


SERVE_LINE = re.compile(r"^(\S+) kubeguard serve: uid=\S+ kind=(\S+) op=(\S+) object=(\S+) user=\S+ verdict=(\S+) "
                        r"rules=(\S+)")


def read_alerts(front, path):
    """Every alert as {rule, severity, namespace, name, time (epoch ms or None), auditID, message, user}."""
    out = []
    if front == "admission":
        with open(path, errors="replace") as f:
            for line in f:
                m = SERVE_LINE.match(line)
                if not m or m.group(6) == "-":
                    continue
                stamp, kind, op, obj, verdict, rules = m.groups()
                ns, _, name = obj.rpartition("/")
                if name == "matrix-probe":
                    continue  # fronts.sh's readiness probe
                for item in rules.split(","):
                    rule, _, sev = item.partition(":")
                    out.append({"rule": rule, "severity": sev or "high", "namespace": ns, "name": name,
                                "time": epoch_ms(stamp), "message": f"{op} {kind} {obj} {verdict}", "user": ""})
        return out
    if front == "scan":
        with open(path) as f:
            report = json.load(f)
        for finding in report.get("findings", []):
            if finding.get("suppressed"):
                continue
            obj = finding.get("object") or {}
            parts = (finding.get("file") or "").split("/")
            variant = parts[-2] if len(parts) >= 2 else ""
            out.append({"rule": finding["rule"], "severity": finding["severity"], "namespace": obj.get("namespace", ""),
                        "name": obj.get("name", ""), "variant": variant, "time": None,
                        "message": finding.get("message", ""), "user": ""})
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            a = json.loads(line)
            if a.get("suppressed"):
                continue  # kept in the output, marked, as a scan does: not an alert
            if front == "watch":
                out.append({"rule": a["rule"], "severity": a["severity"], "namespace": a.get("namespace", ""),
                            "name": a.get("name", ""), "time": epoch_ms(a["time"]) if a.get("time") else None,
                            "message": f"{a.get('change', '')} {a.get('kind', '')}: {a.get('message', '')}",
                            "user": ""})
            else:
                ref = a.get("objectRef") or {}
                out.append({"rule": a["rule"], "severity": a["severity"], "namespace": ref.get("namespace", ""),
                            "name": ref.get("name", ""), "auditID": a.get("auditID", ""), "time": None,
                            "message": a.get("message", ""), "user": a.get("user", ""),
                            # A scan rule's finding on an object a request wrote: the scan
                            # front's verdict (KG-AUD-017 sums up the serious ones).
                            "scan_rule": not a["rule"].startswith("KG-AUD-")})
    return out


FRONT_FILES = {"native": "alerts-native.jsonl", "gke": "alerts-gke.jsonl", "aks": "alerts-aks.jsonl",
               "watch": "watch.jsonl", "admission": "admission.log", "scan": "scan.json"}


def summary(run):
    """One table, technique by front, from the alert files the gtest leaves in RUN (FRONT_FILES)."""
    results = {}
    for front, name in FRONT_FILES.items():
        if os.path.exists(f"{run}/{name}"):
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                results[front] = score(run, front, f"{run}/{name}", False)
    fronts = list(results)
    print("| technique | " + " | ".join(fronts) + " |")
    print("|---|" + "---|" * len(fronts))
    techniques = sorted({t for r in results.values() for t in list(r["per_tech"]) + list(r["not_visible"])})
    for tech in techniques:
        cells = []
        for front in fronts:
            r = results[front]
            if tech in r["per_tech"]:
                hit, total = r["per_tech"][tech]
                hidden = len(r["not_visible"].get(tech, []))
                cells.append(f"{hit}/{total} ({hit / total:.0%})" + (f", {hidden} not visible" if hidden else ""))
            else:
                cells.append("not visible")
        print(f"| {tech} | " + " | ".join(cells) + " |")
    cells = []
    for front in fronts:
        r = results[front]
        high = sum(v for k, v in r["benign_by_sev"].items() if SEVERITY[k] >= SEVERITY["high"])
        cells.append(f"{high} high+" + (f" ({len(r['known_fp'])} known)" if r["known_fp"] else ""))
    print("| benign churn: alerts at high or above | " + " | ".join(cells) + " |")
    return 1 if any(r["failures"] for r in results.values()) else 0


def main():
    run, front = sys.argv[1:3]
    if front == "manifests":
        write_manifests(run)
        return 0
    if front == "summary":
        return summary(run)
    return 1 if score(run, front, sys.argv[3], "--markdown" in sys.argv)["failures"] else 0


def score(run, front, alerts_path, markdown):
    audit = front in AUDIT_FORMS
    labels, slices = load_labels(run)
    owner_of_id = {}
    if audit:
        for event, owner in native_events(run, slices):
            if owner:
                owner_of_id.setdefault(event.get("auditID", ""), owner)
    by_ns = {l["ns"]: l["id"] for l in labels}
    ids = [l["id"] for l in labels]
    windows = [(t[0], t[1], vid) for _, _, vid, t in slices if t]

    def owner(alert):
        if alert.get("variant") in ids:
            return alert["variant"]
        if alert["namespace"] in by_ns:
            return by_ns[alert["namespace"]]
        for vid in ids:
            if vid in alert["name"]:
                return vid
        if audit:
            return owner_of_id.get(alert.get("auditID", ""))
        if front == "scan" or alert["time"] is None:
            return None
        return next((vid for start, end, vid in windows if start <= alert["time"] < end), None)

    found = defaultdict(list)
    unowned = []
    scan_findings = []  # audit: the scan rules' findings on written objects, scored by the scan front
    for alert in read_alerts(front, alerts_path):
        vid = owner(alert)
        if alert.get("scan_rule"):
            scan_findings.append((vid, alert))
            continue
        (found[vid] if vid else unowned).append(alert)

    spec = FRONT_RULES.get(front, {})
    detection_rules = set().union(*(v[0] for v in spec.values() if isinstance(v, tuple))) if spec else None

    def counted_on_benign(alert):
        return detection_rules is None or alert["rule"] in detection_rules

    failures = []
    known = []  # misses and false positives that are open and said so
    if scan_findings:
        benign_ids = {l["id"] for l in labels if l["technique"] == "benign"}
        scan_by_sev = defaultdict(int)
        for vid, a in scan_findings:
            scan_by_sev[a["severity"]] += 1
            if vid in benign_ids and SEVERITY[a["severity"]] >= SEVERITY["high"]:
                failures.append(f"benign {vid}: {a['rule']} {a['severity']}: {a['message']}")
        print(f"scan rule findings on written objects (scored with the scan front): {len(scan_findings)} (" +
              ", ".join(f"{k} {v}" for k, v in sorted(scan_by_sev.items())) + ")")
    gate = defaultdict(lambda: [0, 0])  # the recall the 95% target is held to, without the known misses
    per_tech = defaultdict(lambda: [0, 0])
    not_visible = defaultdict(list)  # technique -> [(variant, why)]
    rows = []
    benign_by_sev = defaultdict(int)
    hygiene = defaultdict(int)
    by_severity = defaultdict(lambda: defaultdict(int))  # technique -> severity of the catching alert -> variants
    for l in labels:
        got = found.get(l["id"], [])
        if l["rc"] != 0:
            failures.append(f"variant {l['id']} did not run (exit {l['rc']})")
        if l["technique"] == "benign":
            for a in got:
                expected = None if audit else BENIGN_EXPECTED.get((short_name(l), a["rule"]))
                if not counted_on_benign(a) or expected:
                    hygiene[f"{a['rule']} {a['severity']}" + (" (expected)" if expected else "")] += 1
                    continue
                benign_by_sev[a["severity"]] += 1
                if SEVERITY[a["severity"]] >= SEVERITY["high"]:
                    why = KNOWN_FALSE_POSITIVES.get((front, short_name(l), a["rule"]))
                    line = f"benign {l['id']}: {a['rule']} {a['severity']}: {a['message']}"
                    (known.append(f"{line} -- {why}") if why else failures.append(line))
            rows.append((l, None, got))
            continue
        if audit:
            rules, min_sev = l["rules"], l["min"]
        else:
            what = spec.get(l["technique"], "no rules of this front are declared for the technique")
            why = what if isinstance(what, str) else VARIANT_NOT_VISIBLE.get((front, short_name(l)))
            if not why and front == "scan" and not os.path.isdir(f"{run}/manifests/{l['id']}"):
                why = "the variant sent no whole object (patches, reads, subresources only)"
            if why:
                not_visible[l["technique"]].append((l["id"], why))
                continue
            rules, min_sev = what
        hit = [a for a in got if a["rule"] in rules and SEVERITY[a["severity"]] >= SEVERITY[min_sev]]
        per_tech[l["technique"]][1] += 1
        why = KNOWN_MISSES.get((front, l["technique"])) or KNOWN_MISSES.get((front, short_name(l)))
        if not hit and why:
            known.append(f"{l['id']} missed -- {why}")
        elif not why:
            gate[l["technique"]][1] += 1
            gate[l["technique"]][0] += bool(hit)
        if hit:
            per_tech[l["technique"]][0] += 1
            best = max(hit, key=lambda a: SEVERITY[a["severity"]])["severity"]
            by_severity[l["technique"]][best] += 1
        rows.append((l, bool(hit), got, rules, min_sev))

    print(f"== {front}: {sum(v[1] for v in per_tech.values())} attack variants it can see, "
          f"{sum(len(v) for v in not_visible.values())} it cannot, "
          f"{sum(1 for l in labels if l['technique'] == 'benign')} benign variants")
    if markdown:
        print("| technique | caught | recall | caught at critical / high / medium / low |")
        print("|---|---|---|---|")
    techniques = sorted(set(per_tech) | set(not_visible))
    for tech in techniques:
        if tech not in per_tech:
            why = not_visible[tech][0][1]
            if markdown:
                print(f"| {tech} | not visible to this front | | {why} |")
            else:
                print(f"{tech:24} not visible to this front: {why}")
            continue
        hit, total = per_tech[tech]
        recall = hit / total
        sev = " / ".join(str(by_severity[tech].get(k, 0)) for k in ("critical", "high", "medium", "low"))
        hidden = not_visible.get(tech, [])
        extra = f" ({len(hidden)} more not visible)" if hidden else ""
        if markdown:
            print(f"| {tech} | {hit}/{total}{extra} | {recall:.0%} | {sev} |")
        else:
            print(f"{tech:24} {hit:3}/{total:<3} recall {recall:.0%}  (critical/high/medium/low {sev}){extra}")
        for vid, why in hidden:
            print(f"  not visible: {vid}: {why}")
        g_hit, g_total = gate[tech]
        if g_total and g_hit / g_total < RECALL_TARGET:
            failures.append(f"technique {tech}: recall {g_hit}/{g_total} without the known misses < {RECALL_TARGET:.0%}")
    for row in rows:
        l, hit, got = row[:3]
        if hit is False:
            seen = ", ".join(sorted({f"{a['rule']}:{a['severity']}" for a in got})) or "no alert"
            print(f"MISSED {l['id']} ({l['desc']}): expected {','.join(sorted(row[3]))} >= {row[4]}; got {seen}")
    print("benign alerts by severity: " + (", ".join(f"{k} {v}" for k, v in sorted(benign_by_sev.items())) or "none"))
    benign_rules = defaultdict(int)
    for row in rows:
        if row[1] is None:
            for a in row[2]:
                if counted_on_benign(a) and (audit or not BENIGN_EXPECTED.get((short_name(row[0]), a["rule"]))):
                    benign_rules[f"{a['rule']} {a['severity']}"] += 1
    if benign_rules:
        print("benign alerts by rule: " + ", ".join(f"{k} x{v}" for k, v in sorted(benign_rules.items())))
    if hygiene:
        print("hygiene findings on benign workloads (true of the objects, not counted as alerts): " +
              ", ".join(f"{k} x{v}" for k, v in sorted(hygiene.items())))
    if markdown:
        # Per rule: alerts on attack variants and on benign ones; precision is
        # the share of a rule's alerts that named an attack. On the object
        # fronts, the rules that detect the techniques only (not the hygiene
        # findings, not the findings expected on benign churn).
        per_rule = defaultdict(lambda: [0, 0, 0])  # attack alerts, benign alerts, benign at high or above
        for row in rows:
            for a in row[2]:
                if not counted_on_benign(a) or (not audit and BENIGN_EXPECTED.get((short_name(row[0]), a["rule"]))):
                    continue
                r = per_rule[a["rule"]]
                if row[1] is None:
                    r[1] += 1
                    r[2] += SEVERITY[a["severity"]] >= SEVERITY["high"]
                else:
                    r[0] += 1
        print()
        print("| rule | alerts on attacks | on benign churn | of which high or critical | precision |")
        print("|---|---|---|---|---|")
        for rule, (att, ben, ben_high) in sorted(per_rule.items()):
            print(f"| {rule} | {att} | {ben} | {ben_high} | {att / (att + ben):.0%} |")
    high_unowned = [a for a in unowned if SEVERITY[a["severity"]] >= SEVERITY["high"]]
    print(f"alerts on no variant (the cluster's own start-up, other tests): {len(unowned)}, "
          f"{len(high_unowned)} at high or above")
    for a in high_unowned[:10]:
        print(f"  {a['rule']} {a['severity']} {a['user']}: {a['message']}")
    for k in known:
        print("KNOWN (open, not held to the target) " + k)
    for f in failures:
        print("FAIL " + f)
    return {"per_tech": per_tech, "not_visible": not_visible, "failures": failures, "benign_by_sev": benign_by_sev,
            "known_fp": [k for k in known if k.startswith("benign ")]}


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Validates kubeguard SARIF output.

Three layers, each failing the run when it finds a problem:
  1. the SARIF 2.1.0 JSON schema (--schema; draft 2020-12, checked with the
     python `jsonschema` package),
  2. the properties GitHub code scanning documents as required ("SARIF support
     for code scanning") and its upload limits, plus kubeguard's own
     invariants (ruleIndex names the rule of ruleId, fingerprints are unique),
  3. optionally (--multitool), Microsoft's SARIF Multitool `validate` with its
     GitHub ingestion rules (rule kinds Sarif;Gh), whose error-level results
     fail the run.

Installs nothing: the schema ships in the npm package
@microsoft/sarif-multitool-linux (sarif-2.1.0.json beside the Sarif.Multitool
binary).

usage: validate-sarif.py --schema sarif-2.1.0.json [--multitool Sarif.Multitool] FILE...
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

# GitHub's documented upload limits.
MAX_RUNS = 20
MAX_RESULTS = 25000
MAX_RULES = 25000
MAX_LOCATIONS = 1000
MAX_TAGS = 20
MAX_DESCRIPTION = 1024
MAX_RULE_NAME = 255


def nonempty_text(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    return isinstance(value, dict) and isinstance(value.get("text"), str) and value["text"] != ""


def github_problems(log):
    problems = []
    if log.get("$schema", "") == "":
        problems.append("$schema is required")
    if log.get("version") != "2.1.0":
        problems.append("version must be 2.1.0")
    runs = log.get("runs") or []
    if not runs:
        problems.append("runs[] is required")
    if len(runs) > MAX_RUNS:
        problems.append(f"{len(runs)} runs, GitHub accepts {MAX_RUNS}")
    for r, run in enumerate(runs):
        where = f"runs[{r}]"
        driver = run.get("tool", {}).get("driver", {})
        if driver.get("name", "") == "":
            problems.append(f"{where}.tool.driver.name is required")
        rules = driver.get("rules")
        if not isinstance(rules, list):
            problems.append(f"{where}.tool.driver.rules[] is required")
            rules = []
        if len(rules) > MAX_RULES:
            problems.append(f"{where}: {len(rules)} rules, GitHub accepts {MAX_RULES}")
        ids = [rule.get("id", "") for rule in rules]
        if len(set(ids)) != len(ids):
            problems.append(f"{where}: rule ids are not unique")
        for i, rule in enumerate(rules):
            at = f"{where}.tool.driver.rules[{i}]"
            if rule.get("id", "") == "":
                problems.append(f"{at}.id is required")
            for key in ("shortDescription", "fullDescription", "help"):
                if not nonempty_text(rule, key):
                    problems.append(f"{at}.{key}.text is required")
            for key in ("shortDescription", "fullDescription"):
                if nonempty_text(rule, key) and len(rule[key]["text"]) > MAX_DESCRIPTION:
                    problems.append(f"{at}.{key}.text is longer than {MAX_DESCRIPTION} characters")
            if len(rule.get("name", "")) > MAX_RULE_NAME:
                problems.append(f"{at}.name is longer than {MAX_RULE_NAME} characters")
            props = rule.get("properties", {})
            if len(props.get("tags", [])) > MAX_TAGS:
                problems.append(f"{at}: more than {MAX_TAGS} tags")
            if "security-severity" in props:
                try:
                    score = float(props["security-severity"])
                    if not 0.0 < score <= 10.0:
                        raise ValueError
                except (TypeError, ValueError):
                    problems.append(f"{at}.properties.security-severity is not a number in (0, 10]")
                if "security" not in props.get("tags", []):
                    problems.append(f"{at}: security-severity without the 'security' tag")
            if props.get("precision", "high") not in ("very-high", "high", "medium", "low"):
                problems.append(f"{at}.properties.precision is not very-high, high, medium or low")
        results = run.get("results")
        if not isinstance(results, list):
            problems.append(f"{where}.results[] is required")
            results = []
        if len(results) > MAX_RESULTS:
            problems.append(f"{where}: {len(results)} results, GitHub accepts {MAX_RESULTS}")
        fingerprints = set()
        for i, result in enumerate(results):
            at = f"{where}.results[{i}]"
            if not nonempty_text(result, "message"):
                problems.append(f"{at}.message.text is required")
            index = result.get("ruleIndex")
            if index is not None:
                if not 0 <= index < len(rules):
                    problems.append(f"{at}.ruleIndex {index} is out of range")
                elif rules[index].get("id") != result.get("ruleId"):
                    problems.append(f"{at}.ruleIndex names {rules[index].get('id')}, ruleId is {result.get('ruleId')}")
            locations = result.get("locations") or []
            if not locations:
                problems.append(f"{at}.locations[] is required for GitHub to show the result")
            if len(locations) > MAX_LOCATIONS:
                problems.append(f"{at}: more than {MAX_LOCATIONS} locations")
            for j, location in enumerate(locations):
                physical = location.get("physicalLocation")
                if physical is None:
                    problems.append(f"{at}.locations[{j}].physicalLocation is required")
                    continue
                if physical.get("artifactLocation", {}).get("uri", "") == "":
                    problems.append(f"{at}.locations[{j}].physicalLocation.artifactLocation.uri is required")
                region = physical.get("region")
                if region is not None and region.get("startLine", 0) < 1:
                    problems.append(f"{at}.locations[{j}].physicalLocation.region.startLine must be >= 1")
            partial = result.get("partialFingerprints") or {}
            if not partial:
                problems.append(f"{at}.partialFingerprints is required")
            if "primaryLocationLineHash" in partial:
                problems.append(f"{at}.partialFingerprints.primaryLocationLineHash is the upload action's to compute")
            key = tuple(sorted(partial.items()))
            if key in fingerprints:
                problems.append(f"{at}.partialFingerprints repeats an earlier result's")
            fingerprints.add(key)
    return problems


def schema_problems(log, schema):
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in validator.iter_errors(log)]


def multitool_problems(path, multitool):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        proc = subprocess.run([multitool, "validate", path, "--rule-kind", "Sarif;Gh", "--output", out,
                               "--log", "ForceOverwrite", "--quiet"],
                              capture_output=True, text=True, check=False)
        if not os.path.exists(out):
            return [f"multitool produced no log (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"]
        with open(out, encoding="utf-8") as f:
            report = json.load(f)
    problems = []
    for run in report.get("runs", []):
        for note in run.get("invocations", [{}])[0].get("toolExecutionNotifications", []):
            if note.get("level") == "error":
                problems.append(f"multitool: {note.get('message', {}).get('text', '')}")
        for result in run.get("results", []):
            if result.get("level", "warning") == "error":
                args = result.get("message", {}).get("arguments", [])
                problems.append(f"multitool {result.get('ruleId')}: {' | '.join(str(a) for a in args)}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schema", required=True, help="path of sarif-2.1.0.json")
    parser.add_argument("--multitool", help="path of the Sarif.Multitool binary (optional)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    failed = False
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        problems = schema_problems(log, schema) + github_problems(log)
        if args.multitool:
            problems += multitool_problems(path, args.multitool)
        for p in problems:
            print(f"{path}: {p}", file=sys.stderr)
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

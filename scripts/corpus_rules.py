"""How mac's generated boundary tests fare on real rule files (issue 13's measurement).

    .venv/bin/python scripts/corpus_rules.py [../shared/corpus/mixins] [--json report.json]

Every rule file of every mixin (alerts.yaml with the rules.yaml beside it, for the recording
rules it reads) is read into mac's model: AlertRule (severity from its labels) and
RecordingRule in their RuleGroups. For each alerting rule mac derives its boundary tests, or
says why it cannot; the derived tests are run with the real `promtool test rules`, one
folder per alert, one promtool run per mixin. Prints coverage, the pass rate and the reasons
for alerts without tests; nothing is written into the project."""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import promql_parser  # noqa: E402

from monitoring_as_code.dialect import prepare  # noqa: E402
from monitoring_as_code.model import AlertRule, RecordingRule, RuleGroup  # noqa: E402
from monitoring_as_code.model.durations import format_seconds, seconds  # noqa: E402
from monitoring_as_code.promql import text_of  # noqa: E402
from monitoring_as_code.testing.boundary import boundary_tests, find_target  # noqa: E402
from monitoring_as_code.testing.values import number  # noqa: E402
from monitoring_as_code.testing.inputs import CannotDrive  # noqa: E402
from monitoring_as_code.testing.layout import alert_keys, file_name, recording_index  # noqa: E402
from monitoring_as_code.emit.promtool_tests import alert_files  # noqa: E402

_SECTION = re.compile(r"^Unit Testing:\s+(\S+)\s*$")


def read_groups(paths):
    """RuleGroups of the files (recording-rule files first, so alerts can read them)."""
    groups = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for g in doc.get("groups") or ():
            rules = []
            for r in g.get("rules") or ():
                labels = {str(k): str(v) for k, v in (r.get("labels") or {}).items()}
                if "alert" in r:
                    severity = labels.pop("severity", "")
                    rules.append(AlertRule(name=str(r["alert"]), expr=str(r["expr"]), for_=r.get("for"),
                                           severity=severity, labels=labels,
                                           annotations={str(k): str(v) for k, v in (r.get("annotations") or {}).items()},
                                           keep_firing_for=r.get("keep_firing_for")))
                elif "record" in r:
                    rules.append(RecordingRule(str(r["record"]), str(r["expr"]), labels=labels))
            groups.append(RuleGroup(str(g.get("name", "")), rules, interval=g.get("interval")))
    return groups


def reason_class(message: str) -> str:
    """The reason without its particulars, for counting."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\{[^}]*\}|\d+(\.\d+)?", "…", message)
    return text[:90]


FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "!=", "!=": "=="}


def mutants(alert):
    """(kind, mutated alert) for the mutation score: the threshold moved 50 % toward not
    firing, the comparison flipped, `for` doubled (where the rule has each)."""
    out = []
    if alert.for_ and seconds(alert.for_) > 0:
        out.append(("for", dataclasses.replace(alert, for_=format_seconds(2 * seconds(alert.for_)))))
    whole = promql_parser.parse(prepare(alert.expr))
    target = find_target(whole)
    if target is None or target.difference:
        return out
    text, compared = text_of(whole), text_of(target.comparison)
    if compared not in text:
        return out
    t, op = target.threshold, target.op
    away = 0.5 * abs(t) if t else 1.0
    moved = t + away if op in (">", ">=") else t - away if op in ("<", "<=") else t + 1
    for kind, new_op, new_t in (("threshold", op, moved), ("comparison", FLIP[op], t)):
        expr = text.replace(compared, f"({text_of(target.node)}) {new_op} {number(new_t)}", 1)
        out.append((kind, dataclasses.replace(alert, expr=expr)))
    return out


def _write(where, alert, tests, group, groups, recorded):
    key = alert_keys([alert])[id(alert)]
    for rel, data in alert_files(alert, tests, group, groups, recorded, key).items():
        path = os.path.join(where, rel.split("/", 1)[1])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return os.path.join(where, "tests", file_name(key))


def _promtool(promtool, paths):
    """({test file: passed?}, {test file: promtool's lines}) for one run over many test files."""
    if not paths:
        return {}, {}
    # One stream: promtool writes results to stdout and failures to stderr, in order only together.
    done = subprocess.run([promtool, "test", "rules", *paths], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=900)
    sections, current = {}, None
    for line in done.stdout.splitlines():
        m = _SECTION.match(line)
        if m:
            current = m.group(1)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {path: any("SUCCESS" in l for l in sections.get(path, ())) and
            not any("FAILED" in l for l in sections.get(path, ())) for path in paths}, sections


def _mixin(args):
    """Everything measured on one mixin (run in a worker process)."""
    mixin, folder, promtool, with_mutants = args
    totals, reasons, failures, untested = collections.Counter(), collections.Counter(), [], []
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))
    files.sort(key=lambda p: "alerts" in os.path.basename(p))
    try:
        groups = read_groups(files)
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        totals["unreadable files"] += 1
        return totals, reasons, [f"{mixin}: cannot read: {exc}"], untested
    recorded = recording_index(groups)
    with tempfile.TemporaryDirectory(prefix=f"mac-corpus-{mixin}-") as tmp:
        originals, mutated = [], []
        for group in groups:
            for alert in group.alerts:
                totals["alerting rules"] += 1
                try:
                    tests = boundary_tests(alert)
                except (CannotDrive, ValueError) as exc:
                    reasons[reason_class(str(exc))] += 1
                    totals["not derived"] += 1
                    untested.append(f"{mixin}/{alert.name}: {exc}")
                    continue
                except Exception as exc:  # a crash is a bug to see, not to hide
                    reasons[f"CRASH {type(exc).__name__}: {reason_class(str(exc))}"] += 1
                    totals["crashed"] += 1
                    untested.append(f"{mixin}/{alert.name}: CRASH {exc}")
                    continue
                if not tests:
                    reasons["no tests and no reason (a bug)"] += 1
                    totals["silent"] += 1
                    continue
                totals["derived"] += 1
                where = os.path.join(tmp, str(len(originals)))
                originals.append((_write(where, alert, tests, group, groups, recorded), alert.name))
                for kind, mutant in mutants(alert) if with_mutants else ():
                    where = os.path.join(tmp, f"{len(originals) - 1}-{kind}")
                    mutated.append((_write(where, mutant, tests, group, groups, recorded), alert.name, kind,
                                    originals[-1][0]))
        passed, sections = _promtool(promtool, [p for p, _ in originals])
        for path, name in originals:
            if passed[path]:
                totals["passed"] += 1
            else:
                totals["failed"] += 1
                failures.append(f"{mixin}/{name}: " + " ".join(l.strip() for l in sections.get(path, []))[:300])
        survived, _ = _promtool(promtool, [p for p, *_ in mutated])  # a mutant that passes survives
        for path, name, kind, original in mutated:
            if not passed[original]:
                continue
            totals[f"mutants {kind}"] += 1
            if survived[path]:
                failures.append(f"{mixin}/{name}: the {kind} mutant passes the tests")
            else:
                totals[f"killed {kind}"] += 1
    return totals, reasons, failures, untested


def measure(mixins: str, promtool: str, with_mutants: bool = True, jobs: int = 0):
    """(totals, reasons, failures, untested) over every mixin, `jobs` mixins at a time."""
    import multiprocessing

    work = [(m, os.path.join(mixins, m), promtool, with_mutants) for m in sorted(os.listdir(mixins))
            if os.path.isdir(os.path.join(mixins, m))]
    totals, reasons, failures, untested = collections.Counter(), collections.Counter(), [], []
    with multiprocessing.get_context("fork").Pool(jobs or os.cpu_count() or 1) as pool:
        for t, r, f, u in pool.imap(_mixin, work):
            totals.update(t)
            reasons.update(r)
            failures += f
            untested += u
    return totals, reasons, failures, untested


def summary(totals) -> dict:
    alerts = totals["alerting rules"] or 1
    out = {"alerting rules": totals["alerting rules"], "derived": totals["derived"],
           "derived %": round(100 * totals["derived"] / alerts, 1), "passed": totals["passed"],
           "failed": totals["failed"]}
    for kind in ("threshold", "comparison", "for"):
        n = totals[f"mutants {kind}"]
        out[f"{kind} mutants killed"] = f"{totals[f'killed {kind}']} of {n}"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mixins", nargs="?", default=os.path.join(os.path.dirname(HERE), "..", "shared", "corpus",
                                                                  "mixins"))
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--json", help="write the numbers here too")
    parser.add_argument("--no-mutants", action="store_true", help="skip the mutation score (faster)")
    args = parser.parse_args()
    start = time.monotonic()
    totals, reasons, failures, untested = measure(args.mixins, args.promtool, not args.no_mutants)
    alerts = totals["alerting rules"] or 1
    print(f"alerting rules: {totals['alerting rules']}")
    print(f"derived tests for: {totals['derived']} ({100 * totals['derived'] / alerts:.1f} %)")
    print(f"  passed under promtool: {totals['passed']}, failed: {totals['failed']}")
    for kind in ("threshold", "comparison", "for"):
        n = totals[f"mutants {kind}"]
        if n:
            print(f"  {kind} mutants killed: {totals[f'killed {kind}']} of {n} "
                  f"({100 * totals[f'killed {kind}'] / n:.1f} %)")
    print(f"not derived (said why): {totals['not derived']}; silent: {totals['silent']}; crashed: {totals['crashed']}")
    print("reasons:")
    for reason, count in reasons.most_common(25):
        print(f"  {count:5d}  {reason}")
    if failures:
        print("failed derived tests and surviving mutants:")
        for line in failures[:40]:
            print("  " + line)
    print(f"({time.monotonic() - start:.0f} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"totals": totals, "reasons": reasons, "failures": failures, "untested": untested}, f, indent=2,
                      sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

from monitoring_as_code.model import AlertRule, RecordingRule, RuleGroup  # noqa: E402
from monitoring_as_code.testing.boundary import boundary_tests  # noqa: E402
from monitoring_as_code.testing.inputs import CannotDrive  # noqa: E402
from monitoring_as_code.testing.layout import recording_index  # noqa: E402
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


def measure(mixins: str, promtool: str):
    totals = collections.Counter()
    reasons = collections.Counter()
    failures = []
    for mixin in sorted(os.listdir(mixins)):
        folder = os.path.join(mixins, mixin)
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".yaml", ".yml")))
        files.sort(key=lambda p: "alerts" in os.path.basename(p))
        try:
            groups = read_groups(files)
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            totals["unreadable files"] += 1
            print(f"{mixin}: cannot read: {exc}", file=sys.stderr)
            continue
        recorded = recording_index(groups)
        with tempfile.TemporaryDirectory(prefix=f"mac-corpus-{mixin}-") as tmp:
            tests_run = []
            for group in groups:
                for i, alert in enumerate(group.alerts):
                    totals["alerting rules"] += 1
                    try:
                        tests = boundary_tests(alert)
                    except (CannotDrive, ValueError) as exc:
                        reasons[reason_class(str(exc))] += 1
                        totals["not derived"] += 1
                        continue
                    except Exception as exc:  # a crash is a bug to see, not to hide
                        reasons[f"CRASH {type(exc).__name__}: {reason_class(str(exc))}"] += 1
                        totals["crashed"] += 1
                        continue
                    if not tests:
                        reasons["no numeric comparison (no tests, no word)"] += 1
                        totals["no comparison"] += 1
                        continue
                    totals["derived"] += 1
                    where = os.path.join(tmp, f"{len(tests_run)}")
                    for rel, data in alert_files(alert, tests, group, groups, recorded).items():
                        path = os.path.join(where, rel.split("/", 1)[1])
                        os.makedirs(os.path.dirname(path), exist_ok=True)
                        with open(path, "wb") as f:
                            f.write(data)
                    tests_run.append((os.path.join(where, "tests", f"{alert.name}.yml"), mixin, alert.name))
            if not tests_run:
                continue
            # One stream: promtool writes results to stdout and failures to stderr, in order only together.
            done = subprocess.run([promtool, "test", "rules", *[t for t, _, _ in tests_run]], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=600)
            sections, current = {}, None
            for line in done.stdout.splitlines():
                m = _SECTION.match(line)
                if m:
                    current = m.group(1)
                    sections[current] = []
                elif current is not None:
                    sections[current].append(line)
            for path, mixin_name, alert_name in tests_run:
                lines = sections.get(path, ["(not tested)"])
                if any("SUCCESS" in l for l in lines) and not any("FAILED" in l for l in lines):
                    totals["passed"] += 1
                else:
                    totals["failed"] += 1
                    failures.append(f"{mixin_name}/{alert_name}: " + " ".join(l.strip() for l in lines)[:300])
    return totals, reasons, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mixins", nargs="?", default=os.path.join(os.path.dirname(HERE), "..", "shared", "corpus",
                                                                  "mixins"))
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--json", help="write the numbers here too")
    args = parser.parse_args()
    start = time.monotonic()
    totals, reasons, failures = measure(args.mixins, args.promtool)
    alerts = totals["alerting rules"] or 1
    print(f"alerting rules: {totals['alerting rules']}")
    print(f"derived tests for: {totals['derived']} ({100 * totals['derived'] / alerts:.1f} %)")
    print(f"  passed under promtool: {totals['passed']}, failed: {totals['failed']}")
    print(f"not derived (said why): {totals['not derived']}; no numeric comparison (silent): {totals['no comparison']}; "
          f"crashed: {totals['crashed']}")
    print("reasons:")
    for reason, count in reasons.most_common(25):
        print(f"  {count:5d}  {reason}")
    if failures:
        print("failed derived tests:")
        for line in failures[:40]:
            print("  " + line)
    print(f"({time.monotonic() - start:.0f} s)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"totals": totals, "reasons": reasons, "failures": failures}, f, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the compiled alert tests with the real promtool and map its output back to the tests."""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .layout import checks_of, file_name, tests_by_alert
from .model import AlertTest

_SECTION = re.compile(r"^Unit Testing:\s+(\S+)\s*$")
_EXPR = re.compile(r'^\s+expr: ("(?:[^"\\]|\\.)*"), time: ([^,]+),')
_CHECK = re.compile(r"# check (\d+)")


class PromtoolMissing(Exception):
    pass


@dataclass
class TestResult:
    alert: str
    test: AlertTest
    failures: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def find_promtool(explicit: Optional[str] = None) -> str:
    from ..consumers import find

    path = find("promtool", explicit)
    if explicit is not None and path is None:
        raise PromtoolMissing(f"--promtool {explicit}: no such program")
    if not path:
        raise PromtoolMissing("promtool not found: install Debian's `prometheus` package (make test does) "
                              "or pass --promtool PATH")
    return path


def _sections(output: str) -> Dict[str, List[str]]:
    sections: Dict[str, List[str]] = {}
    current = None
    for line in output.splitlines():
        match = _SECTION.match(line)
        if match:
            current = os.path.basename(match.group(1))
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return sections


def _explain(check, block: List[str]) -> str:
    e = check.expectation
    got_nothing = any(l.strip() == "got: nil" for l in block)
    if e.state in ("firing", "pending"):
        what = f"expected {e.describe()}, but it was not" if got_nothing else f"expected {e.describe()}"
    else:
        what = f"expected {e.describe()}, but it was" if not got_nothing else f"expected {e.describe()}"
    detail = "\n".join("      " + l.strip() for l in block if l.strip().startswith(("exp:", "got:")))
    return f"{what}\n{detail}"


def _parse_failures(lines: List[str], checks) -> Dict[int, str]:
    """check number → explanation; check 0 collects failures not tied to a check."""
    by_number = {c.number: c for c in checks}
    failures: Dict[int, str] = {}
    block: List[str] = []
    number = 0

    def flush():
        if block and number in by_number:
            failures[number] = _explain(by_number[number], block)
        elif block and any(l.strip() for l in block):
            failures[0] = failures.get(0, "") + "\n".join(l.strip() for l in block if l.strip()) + "\n"

    for line in lines:
        match = _EXPR.match(line)
        if match:
            flush()
            block, number = [line], 0
            found = _CHECK.search(json.loads(match.group(1)))
            number = int(found.group(1)) if found else 0
        elif line.strip() in ("SUCCESS", "FAILED:"):
            continue
        else:
            block.append(line)
    flush()
    return failures


def run(files: Dict[str, bytes], defs, promtool: Optional[str] = None, jobs: int = 0) -> List[TestResult]:
    """Write the compiled test files to a temporary folder, run promtool on them (in `jobs`
    parallel processes), and return one result per AlertTest."""
    promtool = find_promtool(promtool)
    groups = tests_by_alert(defs)
    if not groups:
        return []
    with tempfile.TemporaryDirectory(prefix="mac-test-") as tmp:
        for rel, data in files.items():
            if rel.startswith("prometheus/tests/"):
                path = os.path.join(tmp, *rel.split("/")[2:])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
        names = sorted(file_name(key) for key in groups)
        jobs = jobs or min(os.cpu_count() or 1, 4)
        chunks = [names[i::jobs] for i in range(jobs) if names[i::jobs]]
        procs = [subprocess.Popen([promtool, "test", "rules", *chunk], cwd=tmp, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for chunk in chunks]
        output = "".join(p.communicate()[0] for p in procs)
    sections = _sections(output)
    results = []
    for key, (alert, tests) in sorted(groups.items()):
        checks = checks_of(alert, tests)
        lines = sections.get(file_name(key))
        if lines is None:
            failures = {0: f"promtool did not test {file_name(key)}:\n{output.strip()}"}
        else:
            failures = _parse_failures(lines, checks)
        for test in tests:
            mine = [failures[c.number] for c in checks if c.test is test and c.number in failures]
            if 0 in failures:
                mine.append(failures[0].strip())
            results.append(TestResult(key, test, mine))
    return results


def report(results: List[TestResult]) -> str:
    lines, current = [], None
    for r in results:
        if r.alert != current:
            current = r.alert
            lines.append(current)
        origin = "generated from" if r.test.generated else "written at"
        lines.append(f"  {'ok  ' if r.passed else 'FAIL'}  {r.test.name}  ({origin} {r.test.source})")
        for failure in r.failures:
            lines.extend("        " + l for l in failure.splitlines())
    passed = sum(r.passed for r in results)
    alerts = len({r.alert for r in results})
    lines.append(f"{alerts} alerts, {len(results)} tests: {passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)

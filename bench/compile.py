"""make bench: mac at scale, side by side with its peers, from a fixed seed.

    python bench/compile.py [--dashboards 1000 --panels 20 --alerts 10000 --test-alerts 1000] [--markdown FILE]

Generates a repository (bench/generate.py): 1,000 dashboards × 20 panels and 10,000 alert
rules in 500 groups (with their generated boundary tests). Measures, wall clock of whole
commands with Python start-up, peak memory from /usr/bin/time:
  - mac compile of the dashboards alone, and of everything; again with nothing changed;
  - grafanalib and grafana-foundation-sdk generating the same dashboards;
  - the serialization floor: writing mac's own compiled output with orjson and libyaml's C dumper;
  - output bytes of each;
  - mac test on a 1,000-alert repository.
Prints a Markdown table; asserts nothing."""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402

PY = sys.executable
MAC = [PY, "-m", "monitoring_as_code"]


def run(cmd, cwd):
    """(seconds, peak RSS MiB, completed process)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    peak = int(result.stderr.strip().splitlines()[-1]) / 1024
    return elapsed, peak, result


def size(folder, suffix=""):
    total = count = 0
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(suffix):
                total += os.path.getsize(os.path.join(root, name))
                count += 1
    return total, count


FLOOR = r'''
import json, os, sys, time, yaml, orjson
src, dst = sys.argv[1], sys.argv[2]
docs = []
for root, _, names in os.walk(src):
    for name in names:
        path = os.path.join(root, name)
        rel = os.path.relpath(path, src)
        if name.endswith(".json"):
            docs.append((rel, "json", json.load(open(path))))
        elif name.endswith((".yml", ".yaml")):
            docs.append((rel, "yaml", yaml.safe_load(open(path))))
        else:
            docs.append((rel, "raw", open(path, "rb").read()))
start = time.perf_counter()
for rel, kind, data in docs:
    path = os.path.join(dst, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if kind == "json":
        out = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    elif kind == "yaml":
        out = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False).encode()
    else:
        out = data
    with open(path, "wb") as f:
        f.write(out)
print(time.perf_counter() - start)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=1000)
    parser.add_argument("--panels", type=int, default=20)
    parser.add_argument("--alerts", type=int, default=10000)
    parser.add_argument("--test-alerts", type=int, default=1000)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    rows = []
    tmp = tempfile.mkdtemp(prefix="mac-bench-")
    try:
        dash, full, tests = (os.path.join(tmp, n) for n in ("dashboards", "full", "tests"))
        generate(dash, 0, args.dashboards, args.panels)
        generate(full, args.alerts, args.dashboards, args.panels)
        generate(tests, args.test_alerts)

        t, m, _ = run(MAC + ["compile", "--no-cache", "--out", "build"], dash)
        mac_bytes, n = size(os.path.join(dash, "build", "grafana", "dashboards"), ".json")
        rows.append((f"mac compile: {args.dashboards} dashboards × {args.panels} panels (lint, PromQL, schema)",
                     t, m, mac_bytes / n))
        for peer, label in (("grafanalib", "grafanalib 0.7.1: to_json_data + DashboardEncoder"),
                            ("foundation", "grafana-foundation-sdk 11.6: builders, build(), JSONEncoder")):
            out = os.path.join(tmp, peer)
            t, m, _ = run([PY, os.path.join(HERE, "peers.py"), peer, out, "--dashboards", str(args.dashboards),
                           "--panels", str(args.panels)], tmp)
            b, n = size(out, ".json")
            rows.append((label, t, m, b / n))
        t, m, result = run(MAC + ["compile", "--no-cache", "--out", "build"], full)
        full_bytes, files = size(os.path.join(full, "build"))
        rows.append((f"mac compile: everything ({args.dashboards} dashboards, {args.alerts} alerts + tests, "
                     f"{files} files)", t, m, None))
        floor = subprocess.run([PY, "-c", FLOOR, os.path.join(full, "build"), os.path.join(tmp, "floor")],
                               capture_output=True, text=True, check=True)
        floor_s = float(floor.stdout.strip())
        rows.append(("serialization floor: the same output with orjson + libyaml C (writing only)", floor_s, None, None))
        t, m, _ = run(MAC + ["compile", "--out", "build"], full)
        rows.append(("mac compile again, nothing changed", t, m, None))
        t, m, result = run(MAC + ["test"], tests)
        rows.append((f"mac test: {args.test_alerts} alerts ({result.stdout.strip().splitlines()[-1]})", t, m, None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = ["| run | wall s | peak MiB | bytes per dashboard |", "|---|---|---|---|"]
    for label, t, m, b in rows:
        lines.append(f"| {label} | {t:.2f} | {'' if m is None else f'{m:.0f}'} | {'' if b is None else f'{b / 1024:.1f} KB'} |")
    compile_full = rows[3][1]
    ratios = [
        f"- dashboards: mac {rows[0][1]:.2f} s against foundation-sdk {rows[2][1]:.2f} s "
        f"({rows[0][1] / rows[2][1]:.1f}×) and grafanalib {rows[1][1]:.2f} s ({rows[0][1] / rows[1][1]:.1f}×)",
        f"- output per dashboard: mac {rows[0][3] / 1024:.1f} KB, foundation-sdk {rows[2][3] / 1024:.1f} KB, "
        f"grafanalib {rows[1][3] / 1024:.1f} KB",
        f"- full compile / serialization floor: {compile_full / floor_s:.1f}×",
        f"- rebuild with nothing changed: {rows[5][1]:.2f} s; peak memory of the full compile: {rows[3][2]:.0f} MiB",
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = "\n".join(lines) + "\n\n" + "\n".join(ratios) + f"\n\nMachine: {machine}.\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

"""make bench: mac at scale, side by side with its peers, from a fixed seed.

    python bench/compile.py [--dashboards 1000 --panels 20 --alerts 10000 --test-alerts 1000]
                            [--repeat 3] [--markdown FILE]

Generates a repository (bench/generate.py): 1,000 dashboards × 20 panels and 10,000 alert
rules in 500 groups (with their generated boundary tests). Measures whole commands, Python
start-up included: wall clock, CPU (user + system, all processes) and peak memory from
/usr/bin/time:
  - mac compile of the dashboards alone, and of everything; again with nothing changed;
  - grafanalib and grafana-foundation-sdk generating the same dashboards;
  - the serialization floor: writing mac's own compiled output with orjson and libyaml's C dumper;
  - output bytes of each, and where mac's extra bytes go;
  - mac test on a 1,000-alert repository.
The dashboard runs are interleaved and repeated (--repeat), each into a fresh folder, and the
median is reported: on a shared 2-core machine single runs vary by ±20 %. Asserts nothing."""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402
from report import machine, publish  # noqa: E402

PY = sys.executable
MAC = [PY, "-m", "monitoring_as_code"]


def run(cmd, cwd):
    """(wall seconds, CPU seconds, peak RSS MiB, completed process)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    user, system, peak = result.stderr.strip().splitlines()[-1].split()
    return elapsed, float(user) + float(system), int(peak) / 1024, result


def size(folder, suffix=""):
    total = count = 0
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(suffix):
                total += os.path.getsize(os.path.join(root, name))
                count += 1
    return total, count


def _json_size(data) -> int:
    return len(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode()) + 1


# What mac writes that the foundation-sdk dashboards of bench/peers.py leave out, largest first.
EXTRA = (
    ("thresholds (a base step: without one Grafana paints values red above 80)",
     lambda d: [p["fieldConfig"]["defaults"].pop("thresholds", None) for p in d["panels"]]),
    ("panel datasource refs (${datasource}: the datasource picker works)",
     lambda d: [p.pop("datasource", None) for p in d["panels"]]),
    ("panel options (tooltip, bar gauge display)", lambda d: [p.pop("options", None) for p in d["panels"]]),
    ("colour modes", lambda d: [p["fieldConfig"]["defaults"].pop("color", None) for p in d["panels"]]),
    ("time series fill opacity", lambda d: [p["fieldConfig"]["defaults"].pop("custom", None) for p in d["panels"]]),
    ("the datasource variable", lambda d: d["templating"].__setitem__(
        "list", [v for v in d["templating"]["list"] if v["type"] != "datasource"])),
    ("the built-in annotation", lambda d: d.pop("annotations", None)),
    ("panel ids (links to one panel)", lambda d: [p.pop("id", None) for p in d["panels"]]),
    ("time, refresh, version, graphTooltip", lambda d: [d.pop(k, None) for k in ("time", "refresh", "version", "graphTooltip")]),
)


def size_breakdown(folder, sample=100):
    """[(what, KB per dashboard)] of mac's output that foundation-sdk's lacks, and what is left."""
    dashboards = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(folder, "*.json")))[:sample]]
    rows, before = [], sum(map(_json_size, dashboards)) / len(dashboards)
    for label, strip in EXTRA:
        for d in dashboards:
            strip(d)
        after = sum(map(_json_size, dashboards)) / len(dashboards)
        rows.append((label, (before - after) / 1024))
        before = after
    return rows, before / 1024


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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    rows = []
    tmp = tempfile.mkdtemp(prefix="mac-bench-")
    try:
        dash, full, tests = (os.path.join(tmp, n) for n in ("dashboards", "full", "tests"))
        generate(dash, 0, args.dashboards, args.panels)
        generate(full, args.alerts, args.dashboards, args.panels)
        generate(tests, args.test_alerts)

        labels = {"mac": f"mac compile: {args.dashboards} dashboards × {args.panels} panels (lint, PromQL, schema)",
                  "grafanalib": "grafanalib 0.7.1: to_json_data + DashboardEncoder",
                  "foundation": "grafana-foundation-sdk 11.6: builders, build(), JSONEncoder"}
        runs = {name: [] for name in labels}
        outputs = {"mac": os.path.join(dash, "build", "grafana", "dashboards")}
        for _ in range(args.repeat):  # interleaved: a slow spell of the machine hits all three
            shutil.rmtree(os.path.join(dash, "build"), ignore_errors=True)
            runs["mac"].append(run(MAC + ["compile", "--no-cache", "--out", "build"], dash)[:3])
            for peer in ("grafanalib", "foundation"):
                outputs[peer] = os.path.join(tmp, peer)
                shutil.rmtree(outputs[peer], ignore_errors=True)
                runs[peer].append(run([PY, os.path.join(HERE, "peers.py"), peer, outputs[peer],
                                       "--dashboards", str(args.dashboards), "--panels", str(args.panels)], tmp)[:3])
        for name, label in labels.items():
            b, n = size(outputs[name], ".json")
            rows.append((label, *(statistics.median(r[i] for r in runs[name]) for i in range(3)), b / n))
        breakdown, stripped = size_breakdown(outputs["mac"])

        t, c, m, result = run(MAC + ["compile", "--no-cache", "--out", "build"], full)
        full_bytes, files = size(os.path.join(full, "build"))
        rows.append((f"mac compile: everything ({args.dashboards} dashboards, {args.alerts} alerts + tests, "
                     f"{files} files)", t, c, m, None))
        floor = subprocess.run([PY, "-c", FLOOR, os.path.join(full, "build"), os.path.join(tmp, "floor")],
                               capture_output=True, text=True, check=True)
        floor_s = float(floor.stdout.strip())
        rows.append(("serialization floor: the same output with orjson + libyaml C (writing only)", floor_s, None, None, None))
        again = [run(MAC + ["compile", "--out", "build"], full)[:3] for _ in range(args.repeat)]
        rows.append(("mac compile again, nothing changed", *(statistics.median(r[i] for r in again) for i in range(3)), None))
        for label, path, old, new in (
                ("one panel title", os.path.join(full, "dashboards", "gen_00007.py"), '"Panel 3"', '"Panel three"'),
                ("one alert's `for`", os.path.join(full, "alerts", "gen_00100.py"), 'for_="', 'for_="1'),
        ):
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(old, new, 1))
            rows.append((f"mac compile after changing {label}", *run(MAC + ["compile", "--out", "build"], full)[:3], None))
        # mac diff on the large tree: one alert's threshold changed between two commits.
        def git(*args):
            subprocess.run(["git", "-c", "user.email=bench@mac", "-c", "user.name=bench", *args], cwd=full,
                           check=True, capture_output=True)

        with open(os.path.join(full, ".gitignore"), "w") as f:
            f.write("build/\n.mac-cache/\n")
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-qm", "base")
        path = os.path.join(full, "alerts", "gen_00200.py")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace(" > ", " > 1", 1))
        git("commit", "-qam", "change")
        t, c, m, result = run(MAC + ["diff", "--base", "HEAD~1", "--head", "HEAD"], full)
        rows.append((f"mac diff, one threshold changed ({result.stdout.strip().splitlines()[0][:60]})", t, c, m, None))
        t, c, m, result = run(MAC + ["test"], tests)
        rows.append((f"mac test: {args.test_alerts} alerts ({result.stdout.strip().splitlines()[-1]})", t, c, m, None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def cell(value, fmt):
        return "" if value is None else fmt.format(value)

    lines = ["| run | wall s | CPU s | peak MiB | bytes per dashboard |", "|---|---|---|---|---|"]
    for label, t, c, m, b in rows:
        lines.append(f"| {label} | {t:.2f} | {cell(c, '{:.2f}')} | {cell(m, '{:.0f}')} | "
                     f"{cell(None if b is None else b / 1024, '{:.1f} KB')} |")
    mac, grafanalib, foundation, full_row, _, again_row, panel_row, alert_row, diff_row = rows[:9]
    ratios = [
        f"- dashboards, wall: mac {mac[1]:.2f} s, foundation-sdk {foundation[1]:.2f} s "
        f"(mac/foundation {mac[1] / foundation[1]:.2f}), grafanalib {grafanalib[1]:.2f} s "
        f"(mac/grafanalib {mac[1] / grafanalib[1]:.2f}); medians of {args.repeat} interleaved runs",
        f"- dashboards, CPU: mac {mac[2]:.2f} s on all cores, foundation-sdk {foundation[2]:.2f} s, "
        f"grafanalib {grafanalib[2]:.2f} s",
        f"- output per dashboard: mac {mac[4] / 1024:.1f} KB, foundation-sdk {foundation[4] / 1024:.1f} KB, "
        f"grafanalib {grafanalib[4] / 1024:.1f} KB. What mac writes that foundation-sdk's dashboards lack:",
        *[f"  - {label}: {kb:.2f} KB" for label, kb in breakdown],
        f"  - left when all of that is stripped: {stripped:.1f} KB (the same JSON layout, indent 2, sorted keys)",
        f"- full compile / serialization floor: {full_row[1] / floor_s:.2f}×",
        f"- rebuild with nothing changed: {again_row[1]:.2f} s (median of {args.repeat}); after one change: "
        f"{panel_row[1]:.2f} s (a panel), {alert_row[1]:.2f} s (an alert); "
        f"peak memory of the full compile: {full_row[3]:.0f} MiB",
        f"- mac diff between two commits of the large tree: {diff_row[1]:.2f} s",
    ]
    publish("\n".join(lines) + "\n\n" + "\n".join(ratios) + f"\n\nMachine: {machine()}.\n", args.markdown)


if __name__ == "__main__":
    main()

"""Benchmark `mac test`: the bundled spec, and generated repositories of N alerts with their
generated boundary tests, in mac's layout (one test file per alert, loading only that alert)
against the naive layout (one file loading every rule, one test group per test).

    python bench/alert_tests.py [--sizes 100,250,1000] [--naive-sizes 100,250] [--markdown FILE]

Wall-clock times of whole commands, best of --repeat runs; not a test, asserts nothing."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)
from generate import generate  # noqa: E402
from report import machine, publish  # noqa: E402


def timed(cmd, cwd, repeat):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def naive_layout(build: str, out: str) -> str:
    """The same test groups, all in one file that loads every rule."""
    groups = []
    tests_dir = os.path.join(build, "prometheus", "tests")
    for name in sorted(os.listdir(tests_dir)):
        if name.endswith(".yml"):
            with open(os.path.join(tests_dir, name)) as f:
                groups.extend(yaml.safe_load(f)["tests"])
    shutil.copy(os.path.join(build, "prometheus", "alert_rules.yml"), os.path.join(out, "alert_rules.yml"))
    path = os.path.join(out, "naive.yml")
    with open(path, "w") as f:
        yaml.safe_dump({"rule_files": ["alert_rules.yml"], "evaluation_interval": "1m", "tests": groups}, f)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,250,1000")
    parser.add_argument("--naive-sizes", default="100,250")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    mac = [sys.executable, "-m", "monitoring_as_code"]
    promtool = shutil.which("promtool")
    rows = []
    t, result = timed(mac + ["test"], ROOT, args.repeat)
    rows.append(("bundled spec (9 alerts)", result.stdout.strip().splitlines()[-1], f"{t:.2f}", "", ""))
    naive_sizes = {int(s) for s in args.naive_sizes.split(",") if s}
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="mac-bench-") as tmp:
            generate(tmp, size)
            t_compile, _ = timed(mac + ["compile", "--out", "build"], tmp, args.repeat)
            t_test, result = timed(mac + ["test"], tmp, args.repeat)
            if result.returncode != 0:
                raise SystemExit(f"mac test failed on {size} alerts:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
            t_naive = ""
            if size in naive_sizes:
                path = naive_layout(os.path.join(tmp, "build"), tmp)
                elapsed, naive = timed([promtool, "test", "rules", path], tmp, args.repeat)
                t_naive = f"{elapsed:.2f}" + ("" if naive.returncode == 0 else " (failed)")
            rows.append((f"generated, {size} alerts", result.stdout.strip().splitlines()[-1],
                         f"{t_test:.2f}", f"{t_compile:.2f}", t_naive))
    header = ("repository", "mac test result", "mac test s", "mac compile s", "naive layout, promtool only s")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    version = subprocess.run([promtool, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    publish("\n".join(lines) + f"\n\nMachine: {machine()}; {version}.\n", args.markdown)


if __name__ == "__main__":
    main()

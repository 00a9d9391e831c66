"""make bench: what `mac preview` costs on the bundled dashboards.

    python bench/preview.py [--repeat 3]

Measures whole commands (median of --repeat runs, Python start-up included): `mac preview
--demo` and `mac preview --demo --png`; the weight of each page split into uPlot, mac's
script and style, and the page's own data and markup; and the time a headless Chromium takes
from opening each page to the page saying it has drawn. Asserts nothing."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
NOW = "2026-01-01T00:00:00Z"


def timed(args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "monitoring_as_code", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    from monitoring_as_code.preview.assets import load
    from monitoring_as_code.preview.screenshots import browser, open_page

    assets = load(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "preview")
        demo = statistics.median(timed(["preview", "--demo", "--now", NOW, "--out", out]) for _ in range(repeat))
        png = statistics.median(timed(["preview", "--demo", "--png", "--now", NOW, "--out", out]) for _ in range(repeat))
        pages = sorted(p for p in os.listdir(out) if p.endswith(".html") and p != "index.html")
        images = sum(len(files) for _, _, files in os.walk(os.path.join(out, "png")))
        print(f"mac preview --demo, {len(pages)} dashboards: {demo:.2f} s (median of {repeat})")
        print(f"mac preview --demo --png, {images} images: {png:.2f} s (median of {repeat})")
        fixed = len(assets.uplot_js) + len(assets.uplot_css) + len(assets.js) + len(assets.css)
        print(f"inlined in every page: uPlot {assets.uplot_version} {len(assets.uplot_js) + len(assets.uplot_css):,} B, "
              f"preview.js + preview.css {len(assets.js) + len(assets.css):,} B")
        print("| page | bytes | data and markup | drawn in |")
        print("|---|---|---|---|")
        with browser() as b:
            for name in pages:
                path = os.path.join(out, name)
                size = os.path.getsize(path)
                draws = []
                for _ in range(repeat):
                    errors: list = []
                    page = open_page(b, path, errors)
                    draws.append(page.evaluate("performance.now()"))
                    page.close()
                print(f"| {name} | {size:,} | {size - fixed:,} | {statistics.median(draws):.0f} ms |")


if __name__ == "__main__":
    main()

"""The scripts and styles a preview page inlines: uPlot (the chart library Grafana draws time
series with), installed by `make build` from the npm registry at the version package-lock.json
pins, and mac's own preview.js and preview.css beside this file."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(os.path.dirname(HERE))


class AssetsMissing(Exception):
    pass


@dataclass(frozen=True)
class Assets:
    uplot_js: str
    uplot_css: str
    uplot_version: str
    js: str
    css: str


def _candidates(src: Optional[str]) -> List[str]:
    found = []
    if os.environ.get("MAC_UPLOT_DIR"):
        found.append(os.environ["MAC_UPLOT_DIR"])
    for start in (src, os.getcwd(), PACKAGE_ROOT):
        if not start:
            continue
        folder = os.path.abspath(start)
        while True:
            found.append(os.path.join(folder, "node_modules", "uplot", "dist"))
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return found


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _inline_safe(text: str, closing: str, what: str) -> str:
    if closing in text.lower():
        raise AssetsMissing(f"{what} holds {closing!r} and cannot be inlined")
    return text


def load(src: Optional[str] = None) -> Assets:
    for dist in _candidates(src):
        js, css = os.path.join(dist, "uPlot.iife.min.js"), os.path.join(dist, "uPlot.min.css")
        if os.path.isfile(js) and os.path.isfile(css):
            try:
                version = json.loads(_read(os.path.join(os.path.dirname(dist), "package.json"))).get("version", "")
            except (OSError, ValueError):
                version = ""
            return Assets(uplot_js=_inline_safe(_read(js), "</script", js), uplot_css=_inline_safe(_read(css), "</style", css),
                          uplot_version=version,
                          js=_inline_safe(_read(os.path.join(HERE, "static", "preview.js")), "</script", "preview.js"),
                          css=_inline_safe(_read(os.path.join(HERE, "static", "preview.css")), "</style", "preview.css"))
    raise AssetsMissing("uPlot is not installed: run `make build` (it runs `npm ci`, which installs the version "
                        "package-lock.json pins into node_modules/), or set MAC_UPLOT_DIR to a folder holding "
                        "uPlot.iife.min.js and uPlot.min.css")

"""The preview's HTML. Every value from a dashboard reaches the page through html.escape (text
and attributes) or as JSON inside a <script type="application/json"> element with <, > and &
written as \\u escapes, so a title such as `</script><script>…` is text, never markup.
Scripts and styles are inlined: a page opens from disk with no network."""
from __future__ import annotations

import html
import json
from typing import List, Sequence

from . import layout
from .assets import Assets

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def e(value) -> str:
    return html.escape(str(value), quote=True)


def script_json(value) -> str:
    """JSON that cannot end the <script> element it sits in."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return "".join(_JSON_ESCAPES.get(c, c) for c in text)


def _head(title: str, assets: Assets) -> List[str]:
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="generator" content="mac preview">',
            f"<title>{e(title)}</title>", f"<style>{assets.uplot_css}</style>", f"<style>{assets.css}</style>", "</head>"]


def _banner(meta: dict) -> List[str]:
    if not meta.get("synthetic"):
        return []
    return ['<p class="synthetic-banner" role="note"><strong>Demo data.</strong> Every series on this page is synthetic, '
            "made by mac from its alert tests' scenarios and the metric contract, not read from a Prometheus.</p>"]


def dashboard_page(dashboard: dict, panels: List[dict], variables: Sequence[dict], meta: dict,
                   summary: List[dict], assets: Assets) -> bytes:
    title = str(dashboard.get("title", dashboard.get("uid", "")))
    out = _head(f"{title} · mac preview", assets)
    out += [f'<body data-uid="{e(dashboard.get("uid", ""))}" class="{"synthetic" if meta.get("synthetic") else "live"}">',
            '<header class="top">', '<p class="crumbs"><a href="index.html">All dashboards</a></p>',
            f"<h1>{e(title)}</h1>",
            f'<p class="range">{e(meta["range_text"])} · data: {e(meta["source"])}</p>']
    out += _banner(meta)
    if variables:
        out.append('<ul class="variables">')
        for v in variables:
            out.append(f'<li data-variable="{e(v["name"])}"><span class="label">{e(v["label"])}</span> '
                       f'<span class="value">{e(v["shown"])}</span></li>')
        out.append("</ul>")
    out.append("</header>")
    if summary:
        out.append('<section class="summary" aria-label="Panels without data"><h2>Panels without data</h2><ul>')
        for item in summary:
            out.append(f'<li data-panel-id="{e(item["id"])}"><strong>{e(item["title"])}</strong>: {e(item["reason"])}</li>')
        out.append("</ul></section>")
    height = layout.grid_height([{"gridPos": p["grid"]} for p in panels])
    out.append(f'<main class="grid" style="height:{height}px;width:{layout.PAGE_WIDTH}px">')
    for index, p in enumerate(panels):
        b = p["box"]
        kind = "row" if p["type"] == "row" else "panel"
        attrs = (f'class="{kind}{" collapsed" if p.get("collapsed") else ""}" data-index="{index}" '
                 f'data-panel-id="{e(p["id"])}" data-type="{e(p["type"])}" '
                 f'data-x="{p["grid"]["x"]}" data-y="{p["grid"]["y"]}" data-w="{p["grid"]["w"]}" data-h="{p["grid"]["h"]}" '
                 f'style="left:{b["left"]}px;top:{b["top"]}px;width:{b["width"]}px;height:{b["height"]}px"')
        if kind == "row":
            folded = f' <span class="folded">({p["folded"]} panels)</span>' if p.get("collapsed") else ""
            out.append(f'<div {attrs}><h2 class="row-title">{e(p["title"])}{folded}</h2></div>')
            continue
        described = f' title="{e(p["description"])}"' if p.get("description") else ""
        out.append(f'<section {attrs}><h3 class="panel-title"{described}>{e(p["title"])}</h3>'
                   f'<div class="panel-body"></div></section>')
    out.append("</main>")
    out.append(f'<script type="application/json" id="mac-data">{script_json({"panels": panels, "meta": meta})}</script>')
    out.append(f"<script>{assets.uplot_js}</script>")
    out.append(f"<script>{assets.js}</script>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def index_page(entries: List[dict], meta: dict, assets: Assets) -> bytes:
    out = _head("Dashboards · mac preview", assets)
    out += [f'<body class="index {"synthetic" if meta.get("synthetic") else "live"}">', '<header class="top">',
            "<h1>Dashboards</h1>", f'<p class="range">{e(meta["range_text"])} · data: {e(meta["source"])}</p>']
    out += _banner(meta)
    out += ["</header>", '<table class="dashboards"><thead><tr><th>Dashboard</th><th>Folder</th><th>Panels</th>'
            "<th>Without data</th></tr></thead><tbody>"]
    for entry in entries:
        out.append(f'<tr data-uid="{e(entry["uid"])}"><td><a href="{e(entry["href"])}">{e(entry["title"])}</a></td>'
                   f'<td>{e(entry["folder"])}</td><td>{entry["panels"]}</td><td>{entry["empty"]}</td></tr>')
    out += ["</tbody></table>", "</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")

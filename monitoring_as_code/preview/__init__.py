"""`mac preview`: every compiled dashboard drawn as a web page (and, with --png, as images),
with its panels at their grid positions and their series from a Prometheus or, with --demo,
from synthetic series. Stages: compiled dashboard JSON → panel views (panels.py, with
sources.py or demo.py for data) → HTML (page.py, assets inlined) → PNG (screenshots.py)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

from .assets import Assets
from .page import dashboard_page, index_page
from .panels import NO_QUERIES, view
from .timerange import interval_seconds
from .variables import defaults


@dataclass
class Empty:
    uid: str
    panel_id: object
    title: str
    reason: str


@dataclass
class Rendered:
    files: Dict[str, bytes] = field(default_factory=dict)
    empty: List[Empty] = field(default_factory=list)  # panels drawn as "No data", with why
    skipped: List[Empty] = field(default_factory=list)  # panels of a type the preview does not draw
    pages: Dict[str, str] = field(default_factory=dict)  # uid → page file name
    panels: Dict[str, List[dict]] = field(default_factory=dict)  # uid → the drawn panels' data


def text_html(content: str, mode: str) -> str:
    """A text panel's content as Grafana shows it: markdown rendered (CommonMark, HTML allowed
    inside it) or HTML as written, then sanitized either way, as Grafana sanitizes it."""
    import html as _html

    import nh3
    from markdown_it import MarkdownIt

    if mode == "code":
        return "<pre>" + _html.escape(content) + "</pre>"
    rendered = content if mode == "html" else MarkdownIt("commonmark", {"html": True}).enable("table").render(content)
    return nh3.clean(rendered)


def file_name(text: str) -> str:
    """A uid or title as a file name: letters, digits, '-', '_' and '.', the rest '_'."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _page_name(uid: str) -> str:
    return file_name(uid) + ".html"


def _follows(defs) -> Dict[str, Dict[str, str]]:
    """uid → panel title → the alert whose threshold the panel draws."""
    out: Dict[str, Dict[str, str]] = {}
    for d in defs.dashboards:
        for p in d.all_panels():
            link = getattr(p, "thresholds_from", None)
            if link is not None:
                out.setdefault(d.uid, {})[p.title] = link.alert.name
    return out


def _folder(defs, uid: str) -> str:
    for d in defs.dashboards:
        if d.uid == uid:
            folder = getattr(d, "folder", None)
            return " / ".join(f.title for f in folder.chain()) if folder is not None else "General"
    return "General"


def render(dashboards: Sequence[dict], defs, source, start: float, end: float, assets: Assets,
           range_text: str, scrape_interval: float) -> Rendered:
    """dashboards: compiled classic-form dashboard JSON (what build/grafana/dashboards holds)."""
    out = Rendered()
    follows = _follows(defs) if defs is not None else {}
    meta = {"source": source.describe(), "synthetic": bool(source.synthetic), "range_text": range_text,
            "from": start, "to": end, "uplot": assets.uplot_version}
    entries = []
    for dashboard in dashboards:
        uid = str(dashboard.get("uid", ""))
        templating = (dashboard.get("templating") or {}).get("list") or []
        variables = defaults(templating, lambda v, known: source.label_values(_variable_query(v, known), start, end))
        views = []
        row = ""
        for panel in dashboard.get("panels") or []:
            if panel.get("type") == "row":
                row = str(panel.get("title", ""))
            follows_alert = follows.get(uid, {}).get(str(panel.get("title", "")), "")
            v = view(panel, row, source, variables, start, end, scrape_interval, follows_alert, text_html=text_html)
            views.append(v)
            if v.skipped:
                out.skipped.append(Empty(uid, panel.get("id"), str(panel.get("title", "")), v.skipped))
            elif v.empty and panel.get("type") not in NO_QUERIES:
                out.empty.append(Empty(uid, panel.get("id"), str(panel.get("title", "")), _why(v.queries)))
        summary = [{"id": e.panel_id, "title": e.title, "reason": e.reason} for e in out.empty if e.uid == uid]
        shown = [{"name": v.name, "label": v.label, "shown": v.shown} for v in variables.values()
                 if not _hidden(templating, v.name)]
        name = _page_name(uid)
        panels = [v.data for v in views]
        out.files[name] = dashboard_page(dashboard, panels, shown, meta, summary, assets)
        out.pages[uid] = name
        out.panels[uid] = panels
        entries.append({"uid": uid, "title": str(dashboard.get("title", uid)), "href": name,
                        "folder": _folder(defs, uid) if defs is not None else "General",
                        "panels": sum(1 for p in panels if p["type"] != "row"), "empty": len(summary)})
    out.files["index.html"] = index_page(entries, meta, assets)
    return out


def _hidden(templating, name) -> bool:
    return any(v.get("name") == name and v.get("hide") == 2 for v in templating)


def _variable_query(variable: dict, known) -> str:
    from .variables import substitute

    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query", "")
    return substitute(str(query or ""), known, None)


def _why(queries: List[dict]) -> str:
    if not queries:
        return "no queries"
    errors = [f"{q['refId']}: {q['error']}" for q in queries if q.get("error")]
    if errors:
        return "; ".join(errors)
    return "no series for " + ", ".join(q["refId"] or q["expr"] for q in queries)


def compiled_dashboards(files: Dict[str, bytes], uids: Sequence[str] = ()) -> List[dict]:
    """The classic-form dashboards among a compile's files, in file order."""
    found = []
    for path in sorted(files):
        if path.startswith("grafana/") and path.endswith(".json") and ("/dashboards/" in path or "/folders/" in path):
            data = json.loads(files[path])
            if isinstance(data, dict) and "panels" in data and "uid" in data:
                found.append(data)
    if uids:
        wanted = set(uids)
        missing = wanted - {d["uid"] for d in found}
        if missing:
            raise KeyError(", ".join(sorted(missing)))
        found = [d for d in found if d["uid"] in wanted]
    return sorted(found, key=lambda d: d["uid"])


def scrape_interval_of(defs) -> float:
    stack = getattr(defs, "stack", None)
    return interval_seconds(stack.scrape_interval) if stack is not None and stack.scrape_interval else 15.0

"""`mac diff --preview DIR`: before and after images of every panel the diff reports as
changed (its own change, or a changed alert's threshold it follows), each pair also side by
side, and a page showing them all. Both sides are drawn with the same data source and the
same `now`, so the images differ only where the definitions do."""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..diff.snapshot import panel_keys
from . import compiled_dashboards, file_name, render, scrape_interval_of
from .assets import load as load_assets
from .run import _range, _range_text, source_for


@dataclass
class Pair:
    subject: str  # "uid / panel"
    uid: str
    before: Optional[str]  # image paths inside the folder; None where the panel does not exist
    after: Optional[str]
    side_by_side: Optional[str]
    note: str = ""  # why there is no image: the panel is folded in a collapsed row


def changed_panels(changes) -> List[str]:
    found = [c.subject for c in changes if c.kind == "panel"]
    found += [s for c in changes for s in c.panels]
    return list(dict.fromkeys(found))


def _ids(result, subjects: Sequence[str]) -> Dict[str, Dict[str, object]]:
    """uid → {panel key → panel id} in one side's compiled dashboards, for the subjects."""
    wanted: Dict[str, set] = {}
    for s in subjects:
        uid, _, key = s.partition(" / ")
        wanted.setdefault(uid, set()).add(key)
    out: Dict[str, Dict[str, object]] = {}
    for d in compiled_dashboards(result.files):
        if d["uid"] in wanted:
            out[d["uid"]] = {k: p.get("id") for k, p in panel_keys(d).items() if k in wanted[d["uid"]]}
    return out


def _draw_side(result, uids, source_args, now):
    dashboards = [d for d in compiled_dashboards(result.files) if d["uid"] in uids]
    start, end = _range(dashboards, None, None, now)
    source = source_for(result, dashboards, start, end, **source_args)
    return render(dashboards, result.definitions, source, start, end, load_assets(None),
                  _range_text(None, None, dashboards, start, end), scrape_interval_of(result.definitions))


def write(out: str, before, after, changes, source_args: dict, now: float) -> List[Pair]:
    """Draw both sides' changed panels into `out` (replaced as a whole); the pairs written."""
    from ..write import MARKER_TEXT, Staging
    from .screenshots import shoot

    subjects = changed_panels(changes)
    ids = {"before": _ids(before, subjects), "after": _ids(after, subjects)}
    pairs: List[Pair] = []
    with Staging(out) as staging:
        files: Dict[str, bytes] = {"README.md": (f"{MARKER_TEXT} (monitoring_as_code) by `mac diff --preview`. -->\n"
                                                 "# Changed panels, before and after\n\nOpen index.html.\n").encode()}
        shots: Dict[str, Dict[str, bytes]] = {}
        for side, result in (("before", before), ("after", after)):
            uids = set(ids[side])
            if not uids:
                shots[side] = {}
                continue
            rendered = _draw_side(result, uids, source_args, now)
            folder = f"{side}-pages"
            staging.write({f"{folder}/{name}": data for name, data in rendered.files.items()})
            only = {uid: set(found.values()) for uid, found in ids[side].items()}
            images, errors = shoot(os.path.join(staging.path, folder), rendered.pages, rendered.panels, only, whole=False)
            if errors:
                raise RuntimeError("; ".join(errors))
            shots[side] = images
        for subject in subjects:
            uid, _, key = subject.partition(" / ")
            base = f"{file_name(uid)}/{file_name(key)}"
            paths = {}
            for side in ("before", "after"):
                pid = ids[side].get(uid, {}).get(key)
                image = shots[side].get(f"png/{file_name(uid)}/{pid}.png") if pid is not None else None
                if image is not None:
                    paths[side] = f"{base}.{side}.png"
                    files[paths[side]] = image
            if paths:
                pairs.append(Pair(subject, uid, paths.get("before"), paths.get("after"), f"{base}.png"))
            else:
                pairs.append(Pair(subject, uid, None, None, None,
                                  "not drawn: it is in a collapsed row, which the preview draws folded"))
        files["index.html"] = _page([p for p in pairs if p.side_by_side])
        staging.write(files)
        if any(p.side_by_side for p in pairs):
            composed, errors = _compose(staging.path, [p for p in pairs if p.side_by_side])
            if errors:
                raise RuntimeError("; ".join(errors))
            staging.write(composed)
        staging.commit()
    return pairs


def _page(pairs: List[Pair]) -> bytes:
    e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8"><title>Changed panels · mac diff</title>',
           "<style>body{background:#111217;color:#ccccdc;font:13px/1.4 'DejaVu Sans',sans-serif;margin:16px}"
           "figure{margin:0 0 24px;display:inline-block}figcaption{font-size:15px;margin:0 0 6px}"
           ".pair{display:flex;gap:12px;align-items:flex-start}.side{display:flex;flex-direction:column;gap:4px}"
           ".side span{color:#9fa7b3}.missing{width:300px;height:120px;border:1px dashed #555;display:flex;"
           "align-items:center;justify-content:center;color:#9fa7b3}</style></head>", "<body>",
           "<h1>Changed panels</h1>"]
    if not pairs:
        out.append("<p>No panel changed.</p>")
    for i, p in enumerate(pairs):
        out.append(f'<figure data-pair="{i}"><figcaption>{e(p.subject)}</figcaption><div class="pair">')
        for side in ("before", "after"):
            path = getattr(p, side)
            out.append(f'<div class="side"><span>{side}</span>'
                       + (f'<img src="{e(path)}" alt="{e(p.subject)}, {side}">' if path else
                          f'<div class="missing">{"added" if side == "before" else "removed"}</div>') + "</div>")
        out.append("</div></figure>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _compose(folder: str, pairs: List[Pair]) -> Tuple[Dict[str, bytes], List[str]]:
    """Each pair as one image: the figure of index.html, shot once its images have loaded."""
    from .screenshots import browser

    files: Dict[str, bytes] = {}
    errors: List[str] = []
    with browser() as b:
        page = b.new_page(viewport={"width": 2400, "height": 900}, device_scale_factor=1)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("file://" + os.path.join(os.path.abspath(folder), "index.html"))
        page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        for i, p in enumerate(pairs):
            files[p.side_by_side] = page.locator(f"figure[data-pair='{i}']").screenshot()
        page.close()
    return files, errors

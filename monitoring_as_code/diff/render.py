"""Changes as a reviewer reads them: text for terminals, Markdown for a pull request, JSON for tools."""
from __future__ import annotations

import json
from typing import List

from .compare import Change

LONG = 80


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if v is None:
        return "—"
    return str(v)


def _kind(kind: str) -> str:
    return "SLO" if kind == "slo" else kind.replace("_", " ")


def line(c: Change) -> str:
    if c.action in ("added", "removed") and not c.field:
        text = f"{_kind(c.kind)} {c.subject}: {c.action}"
        if c.details:
            text += f" ({'; '.join(c.details)})"
    elif c.action == "renamed":
        text = f"alert {c.before} renamed to {c.after}"
    elif c.kind == "slo" and c.field == "objective":
        text = f"SLO {c.subject}: objective {_value(c.before)} → {_value(c.after)}: {c.details[0]}"
    elif c.field == "threshold":
        text = f"{c.subject}: threshold {c.details[0]}"
    elif c.action == "moved":
        (x0, y0, w0, h0), (x1, y1, w1, h1) = c.before, c.after
        text = f"{c.subject}: moved from x={x0} y={y0} ({w0}×{h0}) to x={x1} y={y1} ({w1}×{h1})"
    else:
        text = f"{c.subject}: {c.field} {_value(c.before)} → {_value(c.after)}"
        if c.action in ("added", "removed"):
            text = f"{c.subject}: {c.field} {c.action}" + (f" ({_value(c.after)})" if c.after else "")
    if c.risk:
        text += f"  [{c.risk}]"
    extra = c.details[1:] if c.field in ("threshold", "objective") else (c.details if c.field else [])
    return "\n".join([text] + [f"    {d}" for d in extra])


def text(changes: List[Change], notes: List[str] = ()) -> str:
    body = "No changes." if not changes else "\n".join(line(c) for c in changes)
    return "\n".join([body, *notes])


def markdown(changes: List[Change], notes: List[str] = ()) -> str:
    if not changes:
        return "### mac diff\n\nNo change to dashboards, alerts or the stack.\n" + "".join(f"\n{n}\n" for n in notes)
    kinds = {}
    for c in changes:
        kinds.setdefault(c.kind, []).append(c)
    out = ["### mac diff", "", "| what | changes |", "|---|---|"]
    out += [f"| {_kind(kind)}s | {len(items)} |" for kind, items in kinds.items()]
    risks = [c for c in changes if c.risk]
    if risks:
        out += ["", "**Needs a second look**", ""]
        out += [f"- ⚠️ `{c.subject}`: {c.risk}" for c in risks]
    for kind, items in kinds.items():
        heading = _kind(kind) if kind == "slo" else _kind(kind).capitalize()
        out += ["", f"#### {heading}s", ""]
        for c in items:
            long = [v for v in (c.before, c.after) if isinstance(v, str) and (len(v) > LONG or "\n" in v)]
            if long and c.field in ("expression", "queries"):
                out.append(f"- `{c.subject}`: {c.field} changed" + (f" — ⚠️ {c.risk}" if c.risk else ""))
                out += ["  <details><summary>before / after</summary>", "",
                        "  ```promql", *["  " + l for l in _value(c.before).splitlines()], "  ```",
                        "  ```promql", *["  " + l for l in _value(c.after).splitlines()], "  ```", "  </details>"]
            else:
                out.append("- " + line(c).replace("\n    ", "\n  - "))
    out += [""] + list(notes) if notes else []
    return "\n".join(out) + "\n"


def as_json(changes: List[Change], notes: List[str] = ()) -> str:
    """The changes of meaning only (a change of output form is not one)."""
    return json.dumps([c.to_json() for c in changes], indent=2, sort_keys=True, default=str)


RENDERERS = {"text": text, "markdown": markdown, "json": as_json}


def previews(rendered: str, fmt: str, pairs, folder: str) -> str:
    """The diff with where `--preview` drew each changed panel: links in Markdown (relative to
    the folder, which the GitHub workflow uploads as an artifact), lines in text, an object
    in JSON."""
    def path(p):
        return f"{folder.rstrip('/')}/{p}" if p else None

    if fmt == "json":
        return json.dumps({"changes": json.loads(rendered), "previews": [
            {"panel": p.subject, "before": path(p.before), "after": path(p.after), "side_by_side": path(p.side_by_side),
             "note": p.note} for p in pairs]}, indent=2, sort_keys=True)
    if fmt == "markdown":
        if not pairs:
            return rendered
        lines = ["", "#### Previews", "",
                 f"Before and after, drawn by `mac diff --preview` (in the `{folder.rstrip('/')}` artifact):", ""]
        for p in pairs:
            if not p.side_by_side:
                lines.append(f"- `{p.subject}`: {p.note}")
                continue
            links = [f"[{side}]({path(getattr(p, side))})" for side in ("before", "after") if getattr(p, side)]
            lines.append(f"- `{p.subject}`: [side by side]({path(p.side_by_side)}) · " + " · ".join(links))
        return rendered.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    lines = [f"preview {p.subject}: {path(p.side_by_side) if p.side_by_side else p.note}" for p in pairs]
    return "\n".join([rendered, *lines]) if lines else rendered

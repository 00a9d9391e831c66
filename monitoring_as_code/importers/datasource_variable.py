"""`mac import grafana --datasource-variable`: every Prometheus datasource reference of the
dashboard rewritten to mac's `${datasource}` variable, so the imported dashboard follows the
datasource picker as mac's own do (and as the dashboard/datasource-variable lint rule wants).

Prometheus references are those of type `prometheus`, and those naming a datasource variable of
the Prometheus plugin ($prom, ${prom}, [[prom]]). The first Prometheus datasource variable is
renamed `datasource` (one is added when there is none); other Prometheus datasource variables
go, since nothing refers to them any more. The round-trip comparison applies the same rewrite
to the input."""
from __future__ import annotations

import re

REF = {"type": "prometheus", "uid": "${datasource}"}
_VAR = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]")


def rewrite(dash: dict) -> None:
    variables = (dash.get("templating") or {}).get("list") or []
    prometheus = [v for v in variables if isinstance(v, dict) and v.get("type") == "datasource"
                  and v.get("query") == "prometheus"]
    names = {v.get("name") for v in prometheus}

    def is_prometheus(ref) -> bool:
        uid = ref.get("uid") if isinstance(ref, dict) else ref
        if isinstance(ref, dict) and ref.get("type") == "prometheus":
            return True
        m = _VAR.fullmatch(uid) if isinstance(uid, str) else None
        return bool(m) and next(g for g in m.groups() if g) in names

    def fix(obj: dict) -> None:
        if "datasource" in obj and is_prometheus(obj["datasource"]):
            obj["datasource"] = dict(REF)

    def visit(panels):
        for p in panels or ():
            if isinstance(p, dict):
                fix(p)
                for t in p.get("targets") or ():
                    if isinstance(t, dict):
                        fix(t)
                visit(p.get("panels"))

    visit(dash.get("panels"))
    for v in variables:
        if isinstance(v, dict) and v.get("type") in ("query", "adhoc"):
            fix(v)
    for a in ((dash.get("annotations") or {}).get("list") or ()) if isinstance(dash.get("annotations"), dict) else ():
        if isinstance(a, dict):
            fix(a)
    if prometheus:
        keep = prometheus[0]
        keep["name"] = "datasource"
        dash["templating"]["list"] = [v for v in variables if v is keep or v not in prometheus]
    else:
        dash.setdefault("templating", {}).setdefault("list", []).insert(
            0, {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"})

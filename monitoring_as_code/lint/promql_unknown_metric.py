"""Every metric exists in the catalog (exporters, the API's contract, recording rules, [tool.mac.metrics])."""
import difflib

from ..diagnostics import Severity
from ..locate import name_offset

RULE = "promql/unknown-metric"
SEVERITY = Severity.ERROR


def check(ctx):
    known = None  # sorted only when a name is unknown: the catalog may hold 20,000 names
    for e in ctx.expressions():
        if e.facts is None:
            continue
        for name in e.facts.metric_names:
            if name in ctx.catalog:
                continue
            known = known if known is not None else sorted(ctx.catalog)
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else ""
            ctx.report_at(e, name_offset(e.text, name), len(name), f"unknown metric {name}{hint}",
                          "check the name against the exporter's /metrics, or add it under [tool.mac.metrics]")

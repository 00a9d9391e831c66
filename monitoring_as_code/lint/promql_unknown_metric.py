"""Every metric exists in the catalog (exporters, the API's contract, recording rules, [tool.mac.metrics])."""
import difflib

from ..diagnostics import Severity

RULE = "promql/unknown-metric"
SEVERITY = Severity.ERROR


def check(ctx):
    known = sorted(ctx.catalog)
    for e in ctx.expressions():
        if e.facts is None:
            continue
        for name in e.facts.metric_names:
            if name in ctx.catalog:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else ""
            ctx.report(e.source, f"unknown metric {name}{hint}",
                       "check the name against the exporter's /metrics, or add it under [tool.mac.metrics]", e.owners)

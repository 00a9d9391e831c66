"""Every metric exists in the catalog (exporters, the API's contract, recording rules, [tool.mac.metrics])."""
import difflib

import promql_parser as pp

from ..diagnostics import Severity

RULE = "promql/unknown-metric"
SEVERITY = Severity.ERROR


def names(node):
    out = []

    def visit(n):
        if isinstance(n, pp.VectorSelector) and n.name:
            out.append(n.name)
        return True

    pp.walk(node, visit)
    return list(dict.fromkeys(out))


def check(ctx):
    known = sorted(ctx.catalog)
    for e in ctx.expressions():
        if e.node is None:
            continue
        for name in names(e.node):
            if name in ctx.catalog:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else ""
            ctx.report(e.source, f"unknown metric {name}{hint}",
                       "check the name against the exporter's /metrics, or add it under [tool.mac.metrics]", e.owners)

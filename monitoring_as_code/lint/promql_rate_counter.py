"""Counters are read through rate(), irate() or increase(): a raw counter only ever grows."""
from ..diagnostics import Severity

RULE = "promql/rate-counter"
SEVERITY = Severity.ERROR
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")


def is_counter(name: str, catalog) -> bool:
    kind = catalog.get(name)
    return kind == "counter" if kind is not None else name.endswith(COUNTER_SUFFIXES)


def check(ctx):
    for e in ctx.expressions():
        if e.facts is None:
            continue
        # raw_selectors: names read outside rate()-like functions and count/group (promql.facts).
        for name in e.facts.raw_selectors:
            if is_counter(name, ctx.catalog):
                ctx.report(e.source, f"{e.where}: counter {name} is used without rate(), irate() or increase()",
                           f"a counter only grows; use rate({name}[5m]) (in dashboards [$__rate_interval])", e.owners)

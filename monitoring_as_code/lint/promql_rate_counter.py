"""Counters are read through rate(), irate() or increase(): a raw counter only ever grows.

A metric the catalog types as a counter is an error; one the catalog does not know, whose
name merely ends like a counter's (`_total`, `_count`, `_sum`, `_bucket`), is a warning:
real exporters name gauges that way too (a count of things, a total size)."""
from ..diagnostics import Severity

RULE = "promql/rate-counter"
SEVERITY = Severity.ERROR
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")


def counter_kind(name: str, catalog):
    """"known" (the catalog says counter), "guess" (not in the catalog, a counter's suffix), or None."""
    kind = catalog.get(name)
    if kind is not None:
        return "known" if kind == "counter" else None
    return "guess" if name.endswith(COUNTER_SUFFIXES) else None


def is_counter(name: str, catalog) -> bool:
    return counter_kind(name, catalog) is not None


def check(ctx):
    for e in ctx.expressions():
        if e.facts is None:
            continue
        # raw_selectors: names read outside rate()-like functions and count/group (promql.facts).
        for name in e.facts.raw_selectors:
            kind = counter_kind(name, ctx.catalog)
            if kind == "known":
                ctx.report(e.source, f"{e.where}: counter {name} is used without rate(), irate() or increase()",
                           f"a counter only grows; use rate({name}[5m]) (in dashboards [$__rate_interval])", e.owners)
            elif kind == "guess":
                ctx.report(e.source, f"{e.where}: {name} looks like a counter (its name) and is used without rate(), "
                                     "irate() or increase()",
                           f"if it is a counter, use rate({name}[5m]); if it is a gauge, say so under "
                           f'[tool.mac.metrics] ({name} = "gauge")', e.owners, severity=Severity.WARNING)

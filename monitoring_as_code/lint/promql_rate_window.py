"""rate() windows hold enough samples: at least 4× the scrape interval in rules; in dashboards,
Grafana's $__rate_interval, which adapts to the zoom and the scrape interval."""
from ..diagnostics import Severity
from ..model.durations import format_seconds
from ..promql import RATE_INTERVAL_SECONDS

RULE = "promql/rate-window"
SEVERITY = Severity.WARNING
RATE_FUNCTIONS = {"rate", "irate", "increase", "deriv", "delta", "idelta"}


def check(ctx):
    minimum = 4 * ctx.config.scrape_interval
    for e in ctx.expressions():
        if e.facts is None:
            continue
        for func, width in e.facts.range_calls:
            if func not in RATE_FUNCTIONS:
                continue
            if e.in_dashboard:
                if width != RATE_INTERVAL_SECONDS:
                    ctx.report(e.source, f"{e.where}: {func}() over a fixed [{format_seconds(width)}] window",
                               "use [$__rate_interval]: Grafana sizes it from the zoom and the scrape interval", e.owners)
            elif width < minimum:
                ctx.report(e.source, f"{e.where}: {func}() over [{format_seconds(width)}] is shorter than 4× the "
                           f"scrape interval ({format_seconds(minimum)})",
                           "a window needs several samples to survive a missed scrape; widen it", e.owners)

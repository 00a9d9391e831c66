"""Numbers mean what they say: NaN and infinite thresholds, bounds and boundary values are
errors (a comparison with NaN never holds; Grafana drops such a step)."""
import math

from ..diagnostics import Severity
from ..model import Boundary, Threshold
from ..promql import comparison

RULE = "value/finite"
SEVERITY = Severity.ERROR
HELP = 'give a finite number'


def _bad(value) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def check(ctx):
    for group, alert in ctx.alerts():
        if not isinstance(alert.expr, str):
            continue
        try:
            found = comparison(alert.expr)
        except ValueError:
            continue  # promql/syntax reports it
        if found is not None and not math.isfinite(found.value):
            ctx.report(alert, f"alert {alert.name}: compares with {found.value}, which can never mean a threshold",
                       "compare with a finite number", (group,))
        if isinstance(alert.boundary, Boundary):
            for name in ("fire", "safe"):
                if _bad(getattr(alert.boundary, name)):
                    ctx.report(alert, f"alert {alert.name}: Boundary {name} is {getattr(alert.boundary, name)}",
                               "give a finite value", (group,))
    for dashboard, panel in ctx.panels():
        for name in ("min", "max"):
            if _bad(getattr(panel, name)):
                ctx.report(panel, f"panel {panel.title!r}: {name} is {getattr(panel, name)}", "give a finite number",
                           (dashboard,))
        for step in panel.thresholds if isinstance(panel.thresholds, tuple) else ():
            if isinstance(step, Threshold) and _bad(step.value):
                ctx.report(panel, f"panel {panel.title!r}: threshold {step.value} ({step.color})",
                           "use Threshold(None, color) for the base step and finite values above it", (dashboard,))

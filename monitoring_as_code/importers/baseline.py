"""What an imported dashboard already breaks: mac's lint run on the imported model, and each
error recorded as an `ignore` of that rule on the panel (or variable, or the dashboard) it is
about. The generated code says so in a comment, so the first compile passes with lint on
everything else, and a reviewer sees what to fix (remove the ignore, see the error again)."""
from __future__ import annotations

from typing import Dict, Tuple

from .. import lint
from ..diagnostics import Severity
from ..load import Definitions
from ..model.base import Located
from ..model.dashboard import Dashboard
from ..model.panels import Query


class _Recording(lint.Context):
    """A lint context that also remembers which object each error is about."""

    def __init__(self, defs, config) -> None:
        super().__init__(defs, config)
        self.found: Dict[int, set] = {}

    def _remember(self, objects, severity) -> None:
        if (severity or self.severity) is not Severity.ERROR:
            return
        chain = [o for o in objects if isinstance(o, Located)]
        target = next((o for o in chain if not isinstance(o, Query)), None)
        if target is None:
            return
        self.found.setdefault(id(target), set()).add(self.rule)

    def report(self, where, message, help="", owners=(), severity=None) -> None:
        self._remember((where, *owners), severity)
        super().report(where, message, help, owners, severity)

    def report_at(self, e, offset, span, message, help="", severity=None) -> None:
        self._remember(tuple(e.owners), severity)
        super().report_at(e, offset, span, message, help, severity)


def ignores(dashboard: Dashboard, config) -> Dict[int, Tuple[str, ...]]:
    """{id(object): rules} for every lint error the imported dashboard has."""
    defs = Definitions(dashboards=(dashboard,))
    ctx = _Recording(defs, config)
    lint.run(defs, config, context=ctx)
    # Only objects the writer renders an `ignore` on: panels, rows, variables, the dashboard.
    known = {id(dashboard)} | {id(p) for p in dashboard.panels} | {id(p) for p in dashboard.all_panels()} \
        | {id(v) for v in dashboard.variables}
    return {k: tuple(sorted(rules)) for k, rules in ctx.found.items() if k in known}

"""Stage 2: checks over the loaded model. One module per check, each exposing
`RULE` (its id) and `check(defs)` yielding Diagnostics; `run` collects them all."""
from __future__ import annotations

from typing import List

from ..diagnostics import Diagnostic
from . import durations, group_names, promql_syntax, thresholds_from, unique_uid

ALL = (promql_syntax, durations, unique_uid, group_names, thresholds_from)


def run(defs, checks=ALL) -> List[Diagnostic]:
    problems = list(defs.problems)
    for module in checks:
        problems.extend(module.check(defs))
    return sorted(problems, key=Diagnostic.sort_key)

"""Every metric exists in the catalog (exporters, the API's contract, recording rules,
[tool.mac.metrics]). A name one or two keystrokes from a known one (`http_requets_total`,
`node_memory_MemAvailabel_bytes`) is a typo: an error that says which name was meant. Any
other unknown name (`cortex_…`, `kube_…` in rules brought from elsewhere) is a warning until
it is declared: mac cannot tell it from a metric of an exporter it does not know, and
calling it an error would be a false one."""
import difflib

from ..diagnostics import Severity
from ..locate import name_offset

RULE = "promql/unknown-metric"
SEVERITY = Severity.ERROR
HELP = "check the name against the exporter's /metrics, or add it under [tool.mac.metrics]"
TYPO_EDITS = 2  # insertions, deletions, substitutions or swaps of neighbours


def edits(a: str, b: str) -> int:
    """The optimal-string-alignment distance (Levenshtein with adjacent swaps)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def check(ctx):
    known = None  # sorted only when a name is unknown: the catalog may hold 20,000 names
    for e in ctx.expressions():
        if e.facts is None:
            continue
        for name in e.facts.metric_names:
            if name in ctx.catalog:
                continue
            known = known if known is not None else sorted(ctx.catalog)
            close = [c for c in difflib.get_close_matches(name, known, n=3, cutoff=0.8)
                     if edits(name, c) <= TYPO_EDITS]
            if close:
                ctx.report_at(e, name_offset(e.text, name), len(name),
                              f"unknown metric {name}; did you mean {close[0]}?", HELP)
            else:
                ctx.report_at(e, name_offset(e.text, name), len(name), f"unknown metric {name}", HELP,
                              severity=Severity.WARNING)

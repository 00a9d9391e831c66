"""PromQL of the target Prometheus (`[tool.mac] prometheus`, default 2.42): functions it
has, regexes in Go's RE2 syntax, and syntax it knows."""

from ..dialect import QUOTED_NAMES_SINCE, at_least, function_problem, regex_problem, wrote_holt_winters
from ..diagnostics import Severity

RULE = "promql/dialect"
SEVERITY = Severity.ERROR
HELP = 'set [tool.mac] prometheus to the version you run, or write PromQL it has'


def check(ctx):
    version = ctx.config.prometheus
    for e in ctx.expressions():
        if e.facts is None:
            continue
        names = set(e.facts.functions)
        if "double_exponential_smoothing" in names and wrote_holt_winters(e.text):
            names.discard("double_exponential_smoothing")
            names.add("holt_winters")
            if "double_exponential_smoothing(" in e.text.replace(" ", ""):
                names.add("double_exponential_smoothing")
        for name in sorted(names):
            problem = function_problem(name, version)
            if problem:
                ctx.report(e.source, f"{e.where}: {problem}",
                           "set [tool.mac] prometheus to the version you run, or use a function it has", e.owners)
        for pattern in e.facts.regexes:
            problem = regex_problem(pattern, version)
            if problem:
                ctx.report(e.source, f"{e.where}: regex {pattern!r}: {problem}",
                           "matchers use Go's RE2 syntax: https://github.com/google/re2/wiki/Syntax", e.owners)
        if not at_least(version, QUOTED_NAMES_SINCE) and e.facts.quoted_name:
            ctx.report(e.source, f"{e.where}: a quoted metric name ({{\"name\"}}) needs Prometheus {QUOTED_NAMES_SINCE}",
                       "write the name before the braces", e.owners)

"""Rule group names are unique: Prometheus rejects a rule file that repeats one."""
from ..diagnostics import Severity

RULE = "rule/group-name"
SEVERITY = Severity.ERROR


def check(ctx):
    first = {}
    for group in ctx.defs.groups:
        if not group.name:
            ctx.report(group, "rule group without a name", "give the RuleGroup a name")
        elif group.name in first:
            ctx.report(group, f"rule group {group.name!r} is already defined at {first[group.name]}",
                       "rename one of the groups")
        else:
            first[group.name] = group.source

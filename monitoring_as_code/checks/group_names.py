"""Rule group names are unique: Prometheus rejects a rule file that repeats one."""
from ..diagnostics import error

RULE = "rule/group-name"


def check(defs):
    first = {}
    for group in defs.groups:
        if not group.name:
            yield error(group.source, RULE, "rule group without a name", "give the RuleGroup a name")
        elif group.name in first:
            yield error(group.source, RULE, f"rule group {group.name!r} is already defined at {first[group.name]}",
                        "rename one of the groups")
        else:
            first[group.name] = group.source

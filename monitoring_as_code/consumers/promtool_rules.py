"""`promtool check rules` on every rule file mac wrote (the main ones and the test copies)."""
from __future__ import annotations

import re

from .. import diagnostics as diag
from .process import HELP, execute

NAME = "promtool check rules"
BINARY = "promtool"
# t.yml: 5:11: group "g", rule 1, "r": could not parse expression: …
_RULE = re.compile(r'group "(?P<group>[^"]*)", rule (?P<index>\d+), "(?P<name>[^"]*)": (?P<message>.*)')
_GROUP = re.compile(r'groupname: "(?P<group>[^"]*)" is repeated')


def wanted(files) -> bool:
    return any(_is_rules(rel) for rel in files)


def _is_rules(rel: str) -> bool:
    return rel.startswith("prometheus/") and rel.endswith("_rules.yml") and rel.count("/") == 1


def run(binary, folder, files, defs):
    problems = []
    for rel in sorted(r for r in files if _is_rules(r)):
        code, output = execute([binary, "check", "rules", rel], cwd=folder)
        if code == 0:
            continue
        lines = [l.strip() for l in output.splitlines()
                 if l.strip() and not l.strip().startswith(("Checking", "FAILED"))]
        for line in lines or [output]:
            problems.append(_problem(line, rel, defs))
    return problems


def _problem(line: str, rel: str, defs):
    where = defs.groups[0].source if defs.groups else None
    found = _RULE.search(line)
    if found:
        group = next((g for g in defs.groups if g.name == found["group"]), None)
        index = int(found["index"]) - 1
        if group is not None and 0 <= index < len(group.rules):
            where = group.rules[index].source
        elif group is not None:
            where = group.source
        message = f"rule {found['name']} (group {found['group']}): {found['message']}"
    else:
        found = _GROUP.search(line)
        group = next((g for g in defs.groups if found and g.name == found["group"]), None)
        where = group.source if group is not None else where
        message = line
    return diag.error(where, "consumer/promtool", f"promtool check rules rejects {rel}: {message}",
                      HELP)

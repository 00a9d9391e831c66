"""`promtool check config` on prometheus.yml (it also reads the rule files it lists)."""
from __future__ import annotations

import re

from .. import diagnostics as diag
from .process import HELP, execute

NAME = "promtool check config"
BINARY = "promtool"
FILE = "prometheus/prometheus.yml"
_JOB = re.compile(r'job(?:_name| name)?[ :=]+"?(?P<job>[^"\s,]+)"?')


def wanted(files) -> bool:
    return FILE in files


def run(binary, folder, files, defs):
    # --syntax-only: the rule files it lists are promtool_rules' to check (once, at their rule).
    code, output = execute([binary, "check", "config", "--syntax-only", FILE], cwd=folder)
    if code == 0:
        return []
    where = defs.stack.source if defs.stack is not None else None
    found = _JOB.search(output)
    if found and defs.stack is not None:
        job = next((j for j in defs.stack.jobs if getattr(j, "name", None) == found["job"]), None)
        where = job.source if job is not None else where
    message = " ".join(l.strip() for l in output.splitlines() if l.strip() and not l.startswith("Checking"))
    return [diag.error(where, "consumer/promtool", f"promtool check config rejects {FILE}: {message}",
                       HELP)]

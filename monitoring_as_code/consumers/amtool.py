"""`amtool check-config` on alertmanager.yml (with its templates)."""
from __future__ import annotations

from .. import diagnostics as diag
from .process import HELP, execute

NAME = "amtool check-config"
BINARY = "amtool"
FILE = "alertmanager/alertmanager.yml"


def wanted(files) -> bool:
    return FILE in files


def run(binary, folder, files, defs):
    code, output = execute([binary, "check-config", FILE], cwd=folder)
    if code == 0:
        return []
    where = defs.stack.alertmanager.source if defs.stack is not None else None
    message = " ".join(l.strip() for l in output.splitlines() if l.strip() and not l.startswith("Checking"))
    return [diag.error(where, "consumer/amtool", f"amtool check-config rejects {FILE}: {message}",
                       HELP)]

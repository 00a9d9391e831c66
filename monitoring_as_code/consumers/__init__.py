"""The real consumers as the final judge: after emitting into the staging folder and before
swapping it in, `mac compile` runs the checkers that are on this machine on what it wrote.

One module per checker, each with NAME, BINARY (the program it runs), `wanted(files)` and
`run(binary, folder, files, defs) -> [Diagnostic]`; a rejection is an error at the
definition's line where the consumer's message names it (a rule, a group, a job), else at
the object that produced the file. A checker that is not installed is noted once (an error
with --require-checkers)."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from ..diagnostics import Diagnostic
from . import amtool, nginx, promtool_config, promtool_rules

CHECKERS = (promtool_rules, promtool_config, amtool, nginx)


@dataclass
class Verdict:
    problems: List[Diagnostic] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)  # checkers not on this machine
    ran: List[str] = field(default_factory=list)


def find(binary: str, override: Optional[str] = None) -> Optional[str]:
    """The program to run: `override` if it is an executable file (else None), or `binary` on PATH."""
    if override is not None:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    return shutil.which(binary)  # on PATH (nginx lives in /usr/sbin)


def run_all(folder: str, files: Dict[str, bytes], defs, promtool: Optional[str] = None) -> Verdict:
    """files: the names (and bytes, where known) of everything in `folder`."""
    verdict = Verdict()
    for checker in CHECKERS:
        if not checker.wanted(files):
            continue
        binary = find(checker.BINARY, promtool if checker.BINARY == "promtool" else None)
        if binary is None:
            verdict.missing.append(f"{checker.NAME} ({checker.BINARY})")
            continue
        verdict.ran.append(checker.NAME)
        verdict.problems.extend(checker.run(binary, folder, files, defs))
    return verdict

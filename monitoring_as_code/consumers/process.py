"""Running a checker: bounded in time, no standard input, its output collected."""
from __future__ import annotations

import os
import subprocess
from typing import Optional

TIMEOUT = 120  # seconds per checker run: bounded, whatever the input
HELP = ("the consumer has the last word: change the definition (if no lint rule is disabled, mac's own "
        "checks missed this: please report it)")


def execute(args, cwd: Optional[str] = None):
    """(exit code, stdout + stderr) of a checker; bounded in time."""
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return 124, f"{os.path.basename(args[0])} did not finish within {TIMEOUT} s"
    return done.returncode, (done.stdout + done.stderr).strip()

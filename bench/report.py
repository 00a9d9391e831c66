"""What both benchmark scripts end with: the machine, and the table printed (and saved)."""
from __future__ import annotations

import os
import platform


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def publish(text: str, markdown: str = "") -> None:
    print(text)
    if markdown:
        with open(markdown, "w") as f:
            f.write(text)

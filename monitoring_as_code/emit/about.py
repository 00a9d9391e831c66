"""build/README.md: says the tree is generated and lists what is in it."""
from __future__ import annotations

from typing import Dict, Iterable

from ..write import MARKER, MARKER_TEXT


def emit(files: Iterable[str]) -> Dict[str, bytes]:
    """files: the names of every other output file."""
    lines = [
        f"{MARKER_TEXT} (monitoring_as_code). Do not edit files here: change dashboards/ and alerts/, then run `make build`. -->",
        "# build/",
        "",
        "Compiled by `mac compile`. Every file below is generated; `mac compile --check` fails when they",
        "differ from what the sources compile to.",
        "",
    ]
    lines += [f"- `{rel}`" for rel in sorted(files)]
    return {MARKER: ("\n".join(lines) + "\n").encode("utf-8")}

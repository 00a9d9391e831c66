"""What `mac import` does, for the CLI and the Python API: read every input, convert it,
and either write all the modules or none (any problem: nothing is written)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from . import ImportProblem


@dataclass
class Imported:
    files: Dict[str, str] = field(default_factory=dict)  # path → Python source
    problems: List[ImportProblem] = field(default_factory=list)
    # --check: (input file, JSON path, value in the input, value compiled back)
    differences: List[Tuple[str, str, object, object]] = field(default_factory=list)
    panels: int = 0
    panels_with_extra: int = 0
    metrics: set = field(default_factory=set)


def _has_extra(obj) -> bool:
    from .pycode import _walk

    return any(getattr(o, "extra", None) or getattr(o, "field_extra", None) for o in _walk(obj))


def grafana(paths, out: str, check: bool = False) -> Imported:
    from . import grafana_json
    from .dashboard import import_dashboard
    from .pycode import identifier, module
    from .roundtrip import check as roundtrip

    result = Imported()
    taken = {os.path.splitext(f)[0] for f in os.listdir(out)} if os.path.isdir(out) else set()
    taken |= {"__init__", "common"}
    files = grafana_json.dashboard_files(paths)
    if not files:
        result.problems.append(ImportProblem(" ".join(paths), "", "no dashboard files there"))
    for path in files:
        try:
            dashboard, migrated = import_dashboard(path, grafana_json.read(path))
        except ImportProblem as exc:
            result.problems.append(exc)
            continue
        name = identifier(dashboard.title or dashboard.uid)
        if name in taken:
            name = identifier(f"{dashboard.title}_{dashboard.uid}")
        i = 2
        while name in taken:
            name, i = f"{identifier(dashboard.title)}_{i}", i + 1
        taken.add(name)
        source = module(dashboard, name, os.path.basename(path))
        for panel in dashboard.all_panels():
            result.panels += 1
            result.panels_with_extra += _has_extra(panel)
        if check:
            result.differences.extend((path, *d) for d in roundtrip(migrated, source, name))
        result.files[os.path.join(out, f"{name}.py")] = source
    return result


def write(result: Imported, out: str) -> None:
    """Every module, each written whole (a temporary file renamed over the name)."""
    os.makedirs(out, exist_ok=True)
    init = os.path.join(out, "__init__.py")
    if not os.path.exists(init):
        result.files.setdefault(init, "")
    for path, source in sorted(result.files.items()):
        tmp = path + ".mac-import"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(source)
        os.replace(tmp, path)

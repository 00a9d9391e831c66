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
    notes: List[str] = field(default_factory=list)  # what was changed on purpose, said on stderr
    rules: int = 0
    panels: int = 0
    panels_with_extra: int = 0
    metrics: set = field(default_factory=set)


    @property
    def modules(self) -> int:
        return len([f for f in self.files if not f.endswith("__init__.py")])


def pyproject_beside(out: str) -> str:
    """The pyproject.toml of the tree an import writes into (out's parent folder)."""
    return os.path.join(os.path.dirname(os.path.abspath(out)), "pyproject.toml")


def _has_extra(obj) -> bool:
    from .pycode import _walk

    return any(getattr(o, "extra", None) or getattr(o, "field_extra", None) for o in _walk(obj))


def grafana(paths, out: str, check: bool = False, baseline: bool = True, datasource_variable: bool = False) -> Imported:
    """baseline: lint each imported dashboard and write an `ignore` of each rule it breaks on
    the object it breaks it on (baseline.py), so the imported tree compiles."""
    from .. import lint
    from . import grafana_json
    from .baseline import ignores as find_ignores
    from .dashboard import import_dashboard
    from .pycode import identifier, module
    from .roundtrip import check as roundtrip

    result = Imported()
    config = lint.load_config(os.path.dirname(pyproject_beside(out)))
    taken = {os.path.splitext(f)[0] for f in os.listdir(out)} if os.path.isdir(out) else set()
    taken |= {"__init__", "common"}
    files = grafana_json.dashboard_files(paths)
    if not files:
        result.problems.append(ImportProblem(" ".join(paths), "", "no dashboard files there"))
    for path in files:
        try:
            dropped: dict = {}
            dashboard, migrated = import_dashboard(path, grafana_json.read(path), dropped, datasource_variable)
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
        if dropped and baseline:
            result.notes.append(f"{path}: left out what Grafana no longer reads: " + ", ".join(
                f"{key} ×{n}" for key, n in sorted(dropped.items())))
        found = find_ignores(dashboard, config) if baseline else {}
        if found:
            rules = sorted({r for rs in found.values() for r in rs})
            result.notes.append(f"{path}: lint errors of the dashboard as it is, ignored where they are: "
                                + ", ".join(rules))
        source = module(dashboard, name, os.path.basename(path), found)
        result.metrics.update(_dashboard_metrics(dashboard))
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


def rules(paths, out: str, check: bool = False) -> Imported:
    """alerts/<file>.py per rule file. Group names are made unique across the import (mac
    writes every group into one rule file, where Prometheus needs unique names): a repeated
    name is prefixed with its module. A rule identical to one imported from an earlier file
    (mixins include each other's) is kept once."""
    import dataclasses

    from ..promql import metric_names
    from . import rules as R
    from .pycode import identifier, rules_module
    from .roundtrip import rule_differences

    result = Imported()
    taken = {os.path.splitext(f)[0] for f in os.listdir(out)} if os.path.isdir(out) else set()
    taken |= {"__init__", "common"}
    group_names, seen, recorded = set(), set(), set()
    files = R.rule_files(paths)
    if not files:
        result.problems.append(ImportProblem(" ".join(paths), "", "no rule files there"))
    stems = [os.path.splitext(os.path.basename(p))[0] for p in files]
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        base = identifier(stem if stems.count(stem) == 1 else
                          f"{os.path.basename(os.path.dirname(os.path.abspath(path)))}_{stem}", "rules")
        name, i = base, 2
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        try:
            raw = R.read(path)
            groups = [R.convert(path, g, line) for g, line in raw]
        except ImportProblem as exc:
            result.problems.append(exc)
            continue
        taken.add(name)
        kept, inputs = [], []
        for group, (data, _) in zip(groups, raw):
            rules = []
            for rule, rule_data in zip(group.rules, data.get("rules") or ()):
                identity = (type(rule).__name__, rule.name, rule.expr.strip(), rule.labels,
                            getattr(rule, "annotations", ()), getattr(rule, "for_", None))
                if identity in seen:
                    result.notes.append(f"{path}: {rule.kind} {rule.name} is already imported from an earlier "
                                        "file: kept once")
                    continue
                seen.add(identity)
                rules.append((rule, rule_data))
            if not rules:
                continue
            group_name = group.name if group.name not in group_names else f"{name}/{group.name}"
            if group_name != group.name:
                result.notes.append(f"{path}: group {group.name!r} is named {group_name!r}: the name is taken")
            group_names.add(group_name)
            kept.append(dataclasses.replace(group, name=group_name, rules=tuple(r for r, _ in rules)))
            inputs.append(dict(data, name=group_name, rules=[d for _, d in rules]))
        if not kept:
            continue
        source = rules_module(kept, os.path.basename(path))
        if check:
            result.differences.extend((path, *d) for d in rule_differences(inputs, source))
        result.files[os.path.join(out, f"{name}.py")] = source
        for group in kept:
            recorded.update(r.record for r in group.rules if isinstance(r, R.RecordingRule))
            result.rules += len(group.rules)
            for rule in group.rules:
                try:
                    result.metrics.update(metric_names(rule.expr))
                except Exception:  # an expression mac cannot parse: lint says so at compile
                    pass
    # Recorded series are known to mac already (the recording rules are in the tree).
    result.metrics -= recorded
    return result


def add_metrics(metrics, pyproject: str) -> int:
    """Declare the metrics an import read under [tool.mac.metrics] (as "untyped": mac saw the
    name, not its type; change it to counter/gauge/histogram where you know better). Names
    declared already are left alone. Returns how many were added."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    text = ""
    if os.path.exists(pyproject):
        with open(pyproject, encoding="utf-8") as f:
            text = f.read()
    known = ((tomllib.loads(text).get("tool") or {}).get("mac") or {}).get("metrics") or {}
    new = sorted(m for m in metrics if m not in known)
    if not new:
        return 0
    entries = "".join(f'"{m}" = "untyped"\n' for m in new)
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.strip() == "[tool.mac.metrics]":
            lines.insert(i + 1, entries)
            break
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(("\n" if lines else "") + "[tool.mac.metrics]\n" + entries)
    tmp = pyproject + ".mac-import"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("".join(lines))
    os.replace(tmp, pyproject)
    return len(new)


def _dashboard_metrics(dashboard) -> set:
    """The metric names a dashboard's Prometheus queries read (for --add-metrics)."""
    from ..lint import _prometheus
    from ..promql import metric_names, numeric_variables, substitute_grafana_variables

    out = set()
    for panel in dashboard.all_panels():
        for query in panel.queries:
            if not query.expr.strip() or not _prometheus(query, panel, dashboard):
                continue
            for text in (substitute_grafana_variables(query.expr), numeric_variables(query.expr)):
                try:
                    out.update(n for n in metric_names(text) if n != "mac_var")
                    break
                except Exception:  # does not parse: lint says so
                    continue
    return out

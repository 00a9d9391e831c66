"""Grafana's dashboard schema migrations, as Grafana applies them when it loads a dashboard
(grafana/grafana, apps/dashboard/pkg/migration/schemaversion/vNN.go, mirrored by
public/app/features/dashboard/state/DashboardMigrator.ts). Each function is named after
the migration it follows and changes the data in place, exactly as the Go code does,
including its limits (V37 only looks at top-level panels)."""
from __future__ import annotations

import copy

from . import ImportProblem
from .legacy import each_panel

LATEST = 41
# Grafana's Go migrations start at 10; mac follows them from 14 (V15, legacy.py) on.
OLDEST = 14


def V37(dash: dict) -> None:
    """Legends: a boolean becomes an object; "hidden" becomes showLegend false."""
    dash["schemaVersion"] = 37
    for p in dash.get("panels") or ():
        options = p.get("options") if isinstance(p, dict) else None
        if not isinstance(options, dict) or options.get("legend") is None:
            continue
        legend = options["legend"]
        if isinstance(legend, bool):
            options["legend"] = {"displayMode": "list", "showLegend": legend}
            continue
        if not isinstance(legend, dict):
            continue
        mode, show = legend.get("displayMode"), legend.get("showLegend")
        if (isinstance(mode, str) and mode == "hidden") or (isinstance(show, bool) and not show):
            legend["displayMode"] = "list"
            legend["showLegend"] = False
            continue
        legend["showLegend"] = True


def _cell_options(mode: str) -> dict:
    if mode in ("basic", "gradient-gauge", "lcd-gauge"):
        return {"type": "gauge", "mode": {"gradient-gauge": "gradient", "lcd-gauge": "lcd"}.get(mode, "basic")}
    if mode in ("color-background", "color-background-solid"):
        return {"type": "color-background", "mode": "gradient" if mode == "color-background" else "basic"}
    return {"type": mode}


def V38(dash: dict) -> None:
    """Table cells: custom.displayMode becomes custom.cellOptions (defaults and overrides)."""
    dash["schemaVersion"] = 38
    for p in each_panel(dash):
        fc = p.get("fieldConfig")
        custom = ((fc or {}).get("defaults") or {}).get("custom") if isinstance(fc, dict) else None
        if p.get("type") != "table" or not isinstance(custom, dict):
            continue
        if "displayMode" in custom:
            if isinstance(custom["displayMode"], str):
                custom["cellOptions"] = _cell_options(custom["displayMode"])
            del custom["displayMode"]
        for override in fc.get("overrides") or ():
            for prop in (override.get("properties") or ()) if isinstance(override, dict) else ():
                if isinstance(prop, dict) and prop.get("id") == "custom.displayMode":
                    prop["id"] = "custom.cellOptions"
                    if isinstance(prop.get("value"), str):
                        prop["value"] = _cell_options(prop["value"])


def V39(dash: dict) -> None:
    """timeSeriesTable transformations: refIdToStat {A: "mean"} becomes {A: {stat: "mean"}}."""
    dash["schemaVersion"] = 39
    for p in each_panel(dash):
        for t in p.get("transformations") or ():
            if isinstance(t, dict) and t.get("id") == "timeSeriesTable" and isinstance(t.get("options"), dict):
                stats = t["options"].get("refIdToStat")
                if isinstance(stats, dict):
                    t["options"] = {ref: {"stat": stat} for ref, stat in stats.items()}


def V40(dash: dict) -> None:
    """refresh is a string; anything else (missing, null, a boolean) becomes ""."""
    dash["schemaVersion"] = 40
    dash["refresh"] = dash["refresh"] if isinstance(dash.get("refresh"), str) else ""


def V41(dash: dict) -> None:
    """The timepicker's time_options (unused since Grafana 5) is removed."""
    dash["schemaVersion"] = 41
    if isinstance(dash.get("timepicker"), dict):
        dash["timepicker"].pop("time_options", None)


MIGRATIONS = {37: V37, 38: V38, 39: V39, 40: V40, 41: V41}


def _grid_key(panel):
    pos = panel.get("gridPos") if isinstance(panel, dict) else None
    if not isinstance(pos, dict):
        return (0, 0)
    y, x = pos.get("y", 0), pos.get("x", 0)
    return (y if isinstance(y, (int, float)) else 0, x if isinstance(x, (int, float)) else 0)


def version_of(path: str, dash: dict) -> int:
    value = dash.get("schemaVersion")
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # a few exports write "39"
    if not isinstance(value, int) or isinstance(value, bool):
        raise ImportProblem(path, "$.schemaVersion", f"{value!r} is not a schema version number")
    return value


def migrate(path: str, dash: dict) -> dict:
    """A copy of the dashboard migrated to schema version 41, as Grafana would migrate it."""
    version = version_of(path, dash)
    if version < OLDEST:
        raise ImportProblem(path, "$.schemaVersion",
                            f"schema version {version} predates {OLDEST}: its migrations are not implemented; "
                            "open and save the dashboard in Grafana 10 or later, then import the saved JSON")
    if version > 42:
        raise ImportProblem(path, "$.schemaVersion", f"schema version {version} is newer than mac knows (42)")
    from . import angular, legacy

    out = copy.deepcopy(dash)
    out["schemaVersion"] = version
    for step in range(version + 1, LATEST + 1):
        try:
            (legacy.MIGRATIONS.get(step) or MIGRATIONS[step])(out)
        except ImportProblem as exc:
            raise ImportProblem(path, f"V{step}", exc.message) from None
    angular.auto_migrate(out)
    # DashboardModel sorts panels by their grid position when it loads a dashboard: which
    # row a panel belongs to follows from that order.
    if isinstance(out.get("panels"), list):
        out["panels"] = sorted(out["panels"], key=_grid_key)
    if version == 42:
        # mac writes schema 41, which Grafana 12 migrates with V42: hideFrom.viz implies
        # hideFrom.tooltip. A 42 dashboard means the same at 41 unless it hides a field from
        # the visualization but not from the tooltip, which V42 would undo.
        _refuse_viz_only(path, out)
        out["schemaVersion"] = 41
    return out


def _refuse_viz_only(path: str, dash: dict) -> None:
    for i, p in enumerate(dash.get("panels") or ()):
        for j, o in enumerate(((p.get("fieldConfig") or {}).get("overrides") or ()) if isinstance(p, dict) else ()):
            for k, prop in enumerate((o.get("properties") or ()) if isinstance(o, dict) else ()):
                value = prop.get("value") if isinstance(prop, dict) else None
                if prop.get("id") == "custom.hideFrom" and isinstance(value, dict) and value.get("viz") \
                        and value.get("tooltip") is False:
                    raise ImportProblem(path, f"$.panels[{i}].fieldConfig.overrides[{j}].properties[{k}]",
                                        "hidden from the visualization but not the tooltip: schema 41 "
                                        "cannot say that (Grafana's V42 migration would hide it from both)")

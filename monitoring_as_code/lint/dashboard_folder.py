"""Dashboard folders are valid Grafana folders, and one uid is one folder: the uid names the
folder's directory, provider and resource, and Grafana's key."""
from ..diagnostics import Severity
from ..model.folder import UID, Folder
from ..emit.folders import default_folder_uid

RULE = "dashboard/folder"
SEVERITY = Severity.ERROR
# Grafana's absolute limit on nesting ([folder] max_nested_folder_depth, default 4, at most 7).
MAX_DEPTH = 7


def _describe(folder: Folder) -> str:
    return " / ".join(f.title for f in folder.chain())


def check(ctx):
    seen = {}
    default = default_folder_uid(ctx.defs.stack)
    for dashboard in ctx.defs.dashboards:
        folder = getattr(dashboard, "folder", None)
        if folder is None:
            continue
        if not isinstance(folder, Folder):
            continue  # model/type reports it
        chain = folder.chain()
        if len(chain) > MAX_DEPTH:
            ctx.report(dashboard, f"dashboard {dashboard.uid}: folder {_describe(folder)!r} is nested "
                                  f"{len(chain)} deep; Grafana allows at most {MAX_DEPTH}",
                       "Grafana's default is 4 ([folder] max_nested_folder_depth in grafana.ini)")
        for f in chain:
            if not isinstance(f.title, str) or not f.title.strip():
                ctx.report(f, f"folder uid {f.uid!r} has no title", "give the folder a title")
            if not isinstance(f.uid, str) or not UID.match(f.uid):
                ctx.report(f, f"folder {f.title!r}: uid {f.uid!r} is not a Grafana uid",
                           "use 1 to 40 letters, digits, '-' or '_'")
                continue
            if f.uid == default and f.parent is None and f.title != ctx.defs.stack.grafana.folder:
                ctx.report(f, f"folder {f.title!r}: uid {f.uid!r} is the default folder's "
                              f"(Grafana(folder={ctx.defs.stack.grafana.folder!r}) in stack.py)",
                           "give the folder another uid")
            key = (f.title, f.parent.uid if f.parent is not None else None, f.description)
            first = seen.setdefault(f.uid, (key, f))
            if first[0] != key:
                other = first[1]
                ctx.report(f, f"folder uid {f.uid!r} names two folders: {_describe(f)!r} here and "
                              f"{_describe(other)!r} at {other.source}",
                           "one Folder object per folder: define it once and import it where needed")

"""Folder: where a dashboard lands in Grafana. Nested by `parent` (Grafana 11+ nested folders)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from .base import Located

# Grafana's folder uid: letters, digits, '-' and '_', at most 40 characters
# (pkg/util.IsValidShortUID; MaxUIDLength = 40).
UID = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def slug(title: str) -> str:
    """A uid made from a title: lower case, runs of other characters as one '-', 40 at most."""
    out = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return out[:40].rstrip("-")


@dataclass(frozen=True)
class Folder(Located):
    """`Dashboard(..., folder=Folder("Databases", parent=PLATFORM))`. uid: Grafana's folder
    uid; by default the title in lower case with '-' between words (the parent's uid and
    '-' in front when nested), so it stays the same from one compile to the next."""

    title: str
    uid: str = ""
    parent: Optional["Folder"] = None
    description: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.uid:
            own = slug(self.title) or "folder"
            uid = own if self.parent is None else f"{self.parent.uid}-{own}"
            object.__setattr__(self, "uid", uid[:40].rstrip("-"))

    def chain(self) -> Tuple["Folder", ...]:
        """This folder and its parents, outermost first (stops at a loop; lint reports it)."""
        out, seen, folder = [], set(), self
        while folder is not None and id(folder) not in seen:
            seen.add(id(folder))
            out.append(folder)
            folder = folder.parent
        return tuple(reversed(out))

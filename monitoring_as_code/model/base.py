"""Common ground of the model: frozen dataclasses that remember where they were built."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from ..source import Source, caller


@dataclass(frozen=True)
class Located:
    """Base of every user-facing model object.

    `source` is filled in from the caller's frame when the object is built, so problems
    found later (at validation or emit time) can name the line the user wrote."""

    source: Source | None = field(default=None, compare=False, repr=False, kw_only=True)
    # Lint rules not to apply to this object (and, for dashboards and groups, their contents).
    ignore: Tuple[str, ...] = field(default=(), compare=False, repr=False, kw_only=True)
    # Fields given a value of the wrong type (model/typecheck.py): reported by model/type.
    type_problems: Tuple[str, ...] = field(default=(), compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.source is None:
            object.__setattr__(self, "source", caller())

    def add_type_problems(self, found) -> None:
        new = tuple(p for p in found if p not in self.type_problems)
        if new:
            object.__setattr__(self, "type_problems", self.type_problems + new)


def freeze(value):
    """Lists given by the user become tuples, so the frozen objects really are immutable."""
    if isinstance(value, list):
        return tuple(value)
    return value


def set_frozen(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)

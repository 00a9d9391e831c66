"""Field types checked where an object is built: a wrong type is recorded on the object (and
the field set back to its default so later stages cannot trip on it), then reported by the
`model/type` lint rule at the user's line, never a traceback.

Ordered collections only: a set (or any unordered collection) where a sequence belongs would
make the output depend on the hash seed, and a bare string would be read as its characters."""
from __future__ import annotations

import collections.abc
import dataclasses
import functools
import math
import typing
from typing import List, Tuple

_NONE = type(None)


@functools.lru_cache(maxsize=None)
def _hints(cls) -> Tuple[Tuple[str, object, object], ...]:
    """(field, type hint, default or MISSING) for each checked field of a model class."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name in ("source", "ignore", "type_problems") or f.name not in hints:
            continue
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
        out.append((f.name, hints[f.name], default))
    return tuple(out)


def _describe(value) -> str:
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) < 40 else "a string"
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return _a(type(value).__name__)


def _a(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _name(hint) -> str:
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not _NONE]
        names = " or ".join(_name(a) for a in args)
        return names + (" or None" if len(args) < len(typing.get_args(hint)) else "")
    if origin in (collections.abc.Sequence, tuple, list):
        return "a list"
    if origin in (collections.abc.Mapping, dict):
        return "a dict"
    if hint is float:
        return "a number"
    if isinstance(hint, type):
        return {"str": "a string", "int": "a whole number", "bool": "True or False"}.get(hint.__name__, hint.__name__)
    return str(hint)


def mismatch(value, hint):
    """None if value fits hint, else a reason (str)."""
    if hint is typing.Any:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        args = typing.get_args(hint)
        if value is None and _NONE in args:
            return None
        reasons = []
        for a in args:  # the first that fits ends it: reasons are only built for a misfit
            reason = mismatch(value, a)
            if reason is None:
                return None
            reasons.append(reason)
        special = [r for r in reasons if r and ("set" in r or "characters" in r)]
        return special[0] if special else f"is {_describe(value)}, not {_name(hint)}"
    if hint is _NONE:
        return None if value is None else f"is {_describe(value)}, not None"
    if origin in (collections.abc.Sequence, tuple, list):
        if isinstance(value, collections.abc.Set):
            return "is a set, which has no order (the output would change from run to run): use a list"
        if isinstance(value, str):
            return f"is {_describe(value)}, not a list (a string would be read as its characters): write [{value!r}]"
        if isinstance(value, collections.abc.Mapping):
            return f"is {_a(type(value).__name__)}, not a list"
        if not isinstance(value, (list, tuple)):
            if isinstance(value, collections.abc.Iterable):
                return f"is {_a(type(value).__name__)}, not a list (an iterator is read once and has no fixed order)"
            return f"is {_describe(value)}, not a list"
        args = typing.get_args(hint)
        element = args[0] if args else typing.Any
        if element in (str, int, float, bool):
            for i, item in enumerate(value):
                reason = mismatch(item, element)
                if reason:
                    return f"[{i}] {reason}"
        return None
    if origin in (collections.abc.Mapping, dict):
        if isinstance(value, collections.abc.Mapping):
            return None
        return f"is {_describe(value)}, not a dict"
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"is {_describe(value)}, not a number"
        return None
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer() and math.isfinite(value):
                return None
            return f"is {_describe(value)}, not a whole number"
        return None
    if hint is bool:
        return None if isinstance(value, bool) else f"is {_describe(value)}, not True or False"
    if hint is str:
        return None if isinstance(value, str) else f"is {_describe(value)}, not a string"
    if isinstance(hint, type):
        return None if isinstance(value, hint) else f"is {_describe(value)}, not {_a(hint.__name__)}"
    return None


def check(obj) -> List[str]:
    """Problems with obj's fields (messages naming the field); bad fields reset to defaults."""
    found = []
    for name, hint, default in _hints(type(obj)):
        value = getattr(obj, name)
        if value is default or (value is None and default is None):
            continue  # a field left at its default (None, (), "", False) is fine by construction
        if _is_mapping_field(hint):
            if not (value is None or isinstance(value, collections.abc.Mapping) or pairs(value)):
                found.append(f"{type(obj).__name__}.{name} is {_describe(value)}, not a dict")
                object.__setattr__(obj, name, () if default is dataclasses.MISSING else default)
            continue
        reason = mismatch(value, hint)
        if reason:
            found.append(f"{type(obj).__name__}.{name} {reason}")
            if default is not dataclasses.MISSING:
                object.__setattr__(obj, name, default)
    return found


@functools.lru_cache(maxsize=None)
def _is_mapping_field(hint) -> bool:
    """Labels and annotations: a dict or its stored form, pairs (nothing else besides None)."""
    args = [a for a in typing.get_args(hint) if a is not _NONE]
    return typing.get_origin(hint) is typing.Union and any(
        typing.get_origin(a) in (collections.abc.Mapping, dict) for a in args) and all(
        typing.get_origin(a) in (collections.abc.Mapping, dict, tuple, collections.abc.Sequence) for a in args)


def pairs(value) -> bool:
    """A list or tuple of (key, value) pairs: the stored form of labels and annotations."""
    return isinstance(value, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value)


def check_tree(defs) -> None:
    """Check every model object of a loaded tree once its constructors have normalized it
    (dicts of labels to pairs, lists to tuples): wrong fields are recorded on the object and
    reset, before any later stage reads them. Idempotent."""
    for obj, _ in objects(defs):
        obj.add_type_problems(check(obj))


@functools.lru_cache(maxsize=None)
def _walked_fields(cls) -> Tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in ("source", "ignore", "type_problems"))


def objects(defs):
    """Every model object of the tree (each once), with the dashboard or group it is in."""
    from .base import Located
    from .dashboard import Dashboard
    from .rules import RuleGroup

    seen = set()

    def visit(obj, owners):
        if id(obj) in seen or not isinstance(obj, Located):
            return
        seen.add(id(obj))
        yield obj, owners
        inner = (obj, *owners) if isinstance(obj, (Dashboard, RuleGroup)) else owners
        for name in _walked_fields(type(obj)):
            value = getattr(obj, name)
            if isinstance(value, Located):
                yield from visit(value, inner)
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Located):  # (strings, numbers, option objects: nothing to visit)
                        yield from visit(item, inner)

    for group in defs.groups:
        yield from visit(group, ())
    for dashboard in defs.dashboards:
        yield from visit(dashboard, ())
    if defs.stack is not None:
        yield from visit(defs.stack, ())
    for test in defs.tests:
        yield from visit(test, ())
    for slo in getattr(defs, "slos", ()):
        yield from visit(slo, ())

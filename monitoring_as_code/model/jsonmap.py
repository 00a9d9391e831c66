"""Typed objects that map one to one onto a JSON object of Grafana's model.

The option classes in monitoring_as_code/options/ (generated from Grafana's published schemas
by scripts/generate_options.py) and the few hand-written ones share this base: every field is
optional (None: not written, Grafana's default applies), field names are the JSON keys in
snake_case, and `extra={...}` holds what the typed fields do not cover. Three operations:
`to_json` (model → JSON), `from_json` (JSON → model, for `mac import`; what does not fit a
typed field lands in `extra`, so nothing is lost) and `problems` (what the type checker says
about values given by hand)."""
from __future__ import annotations

import collections.abc
import functools
import re
import typing
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Dict, List, Mapping, Tuple


@dataclass(frozen=True, kw_only=True)
class JsonObject:
    # JSON keys the typed fields do not cover; merged into the output (deeply, over typed ones).
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Python name -> JSON key, where the key is not simply the name in camelCase.
    JSON_NAMES: ClassVar[Mapping[str, str]] = {}
    # Allowed values of enum-typed fields (Grafana's schema), checked by the type checker.
    CHOICES: ClassVar[Mapping[str, Tuple[Any, ...]]] = {}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), key)


@functools.lru_cache(maxsize=None)
def _spec(cls) -> Tuple[Tuple[str, str, Any], ...]:
    """(python name, JSON key, type) of each typed field, in declaration order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.name in ("extra", "source", "ignore", "type_problems"):
            continue
        out.append((f.name, cls.JSON_NAMES.get(f.name, camel(f.name)), hints[f.name]))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def keys_of(cls) -> Dict[str, str]:
    """JSON key -> python name."""
    return {key: name for name, key, _ in _spec(cls)}


def merge(base: dict, extra: Mapping) -> dict:
    """`extra` over `base`, objects merged key by key (an extra key replaces a typed one)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = plain(value)
    return out


def plain(value):
    """JSON data of a value: objects, sequences and mappings converted all the way down."""
    if isinstance(value, JsonObject):
        return to_json(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_json(obj: JsonObject) -> dict:
    out = {}
    for name, key, _ in _spec(type(obj)):
        value = getattr(obj, name)
        if value is not None:
            out[key] = plain(value)
    return merge(out, obj.extra) if obj.extra else out


# ---- JSON -> model ---------------------------------------------------------------------

def _args(tp) -> Tuple[Any, ...]:
    return typing.get_args(tp)


def _strip_optional(tp):
    if typing.get_origin(tp) is typing.Union:
        args = tuple(a for a in _args(tp) if a is not type(None))
        return args[0] if len(args) == 1 else typing.Union[args]
    return tp


NO = object()  # "does not fit this type"


def convert(tp, value):
    """value as an instance of type tp, or NO. Objects that fit only partly keep the rest in
    their own `extra`."""
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    if tp is Any:
        return freeze_json(value)
    if origin is typing.Union:
        best = None
        for option in _args(tp):
            got = convert(option, value)
            if got is not NO and (best is None or _misfit(got) < _misfit(best)):
                best = got
        return NO if best is None else best
    if origin in (tuple, list, typing.Sequence, collections.abc.Sequence) or tp in (tuple, list):
        if not isinstance(value, list):
            return NO
        item = (_args(tp) or (Any,))[0]
        out = tuple(convert(item, v) for v in value)
        return NO if any(v is NO for v in out) else out
    if origin in (dict, Mapping, collections.abc.Mapping) or tp in (dict, Mapping):
        return freeze_json(value) if isinstance(value, dict) else NO
    if isinstance(tp, type) and issubclass(tp, JsonObject):
        return from_json(tp, value) if isinstance(value, dict) else NO
    if tp is bool:
        return value if isinstance(value, bool) else NO
    if tp is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else NO
    if tp is float:
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else NO
    if tp is str:
        return value if isinstance(value, str) else NO
    return NO


def _misfit(obj) -> int:
    return len(obj.extra) if isinstance(obj, JsonObject) else 0


def from_json(cls, data: Mapping, **fixed):
    """An instance of cls from JSON data. Keys without a typed field, and values that do not
    fit theirs (Grafana's model has drifted over the years), go to `extra` unchanged."""
    names = keys_of(cls)
    hints = {name: tp for name, _, tp in _spec(cls)}
    kwargs, extra = dict(fixed), {}
    for key, value in data.items():
        name = names.get(key)
        if name is None or name in fixed:
            if name is None:
                extra[key] = freeze_json(value)
            continue
        if value is None or (value == "" and cls.CHOICES.get(name) and "" not in cls.CHOICES[name]):
            continue  # null (and "" where it is no choice) is what Grafana writes for "not set"
        got = convert(hints[name], value)
        choices = cls.CHOICES.get(name)
        if got is NO or (choices and got not in choices):  # a value the schema does not list
            extra[key] = freeze_json(value)
        else:
            kwargs[name] = got
    if extra:
        kwargs["extra"] = extra
    return cls(**kwargs)


def freeze_json(value):
    """JSON data as it is kept inside the model: dicts stay dicts (ordered as written), lists
    become tuples."""
    if isinstance(value, dict):
        return {k: freeze_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(freeze_json(v) for v in value)
    return value


# ---- checking values given by hand -----------------------------------------------------

def problems(obj: JsonObject, prefix: str = "") -> List[str]:
    """Type problems of obj and the objects inside it, as "Class.field: message"."""
    out = []
    where = prefix or type(obj).__name__
    for name, _, tp in _spec(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if not fits(tp, value):
            out.append(f"{where}.{name}: expected {describe(tp)}, got {type(value).__name__} {value!r:.60}")
            continue
        choices = obj.CHOICES.get(name)
        if choices and value not in choices:
            out.append(f"{where}.{name}: {value!r} is not one of {', '.join(map(repr, choices))}")
        for child in _children(value):
            out.extend(problems(child, f"{where}.{name}"))
    if not isinstance(obj.extra, Mapping):
        out.append(f"{where}.extra: expected a dict, got {type(obj.extra).__name__}")
    return out


def _children(value):
    if isinstance(value, JsonObject):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            if isinstance(v, JsonObject):
                yield v


def fits(tp, value) -> bool:
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    if tp is Any:
        return True
    if origin is typing.Union:
        return any(fits(a, value) for a in _args(tp))
    if origin in (tuple, list, typing.Sequence, collections.abc.Sequence) or tp in (tuple, list):
        item = (_args(tp) or (Any,))[0]
        return isinstance(value, (list, tuple)) and all(fits(item, v) for v in value)
    if origin in (dict, Mapping, collections.abc.Mapping) or tp in (dict, Mapping):
        return isinstance(value, Mapping)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def describe(tp) -> str:
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        return " or ".join(describe(a) for a in _args(tp))
    if origin in (tuple, list, typing.Sequence, collections.abc.Sequence):
        return f"a list of {describe((_args(tp) or (Any,))[0])}"
    if origin in (dict, Mapping, collections.abc.Mapping):
        return "a dict"
    return {float: "a number", int: "an integer", str: "a string", bool: "True or False"}.get(
        tp, getattr(tp, "__name__", str(tp)))

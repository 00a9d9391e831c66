"""Synthetic series values in promtool's notation, from helpers that say what they mean.

Each helper covers a duration at the test's sample interval (1m unless given) and returns a
notation string; strings concatenate with spaces, so `step(...)` is `constant(...) + " " + constant(...)`.
A segment of duration D holds D / interval samples."""
from __future__ import annotations

import math
from typing import List

from ..model.durations import seconds

INTERVAL = "1m"


def _count(duration: str, interval: str) -> int:
    n = seconds(duration) / seconds(interval)
    if n < 1 or n != int(n):
        raise ValueError(f"{duration} is not a whole number of {interval} samples")
    return int(n)


def number(value: float) -> str:
    """A value as promtool reads it: shortest exact repr, no exponent surprises."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)) if isinstance(value, float) else str(value)


def run(start: float, step: float, n: int) -> str:
    """n samples: start, start+step, …  (promtool's `a+bxN` gives N+1 samples)."""
    if n == 1:
        return number(start)
    sign = "+" if step >= 0 else "-"
    return f"{number(start)}{sign}{number(abs(step))}x{n - 1}"


def constant(value: float, duration: str, interval: str = INTERVAL) -> str:
    """A gauge holding `value` for `duration`."""
    return run(value, 0, _count(duration, interval))


def ramp(start: float, end: float, duration: str, interval: str = INTERVAL) -> str:
    """A gauge moving linearly from `start` to `end`, reaching `end` at the last sample."""
    n = _count(duration, interval)
    return run(start, (end - start) / (n - 1) if n > 1 else 0, n)


def step(before: float, after: float, at: str, duration: str, interval: str = INTERVAL) -> str:
    """`before` until `at`, then `after` until `duration` (both from the series' start)."""
    rest = seconds(duration) - seconds(at)
    return constant(before, at, interval) + " " + run(after, 0, int(rest / seconds(interval)))


def counter(per_second: float, duration: str, start: float = 0, interval: str = INTERVAL) -> str:
    """A counter growing by `per_second` each second, from `start` (0 keeps rate() exact:
    Prometheus does not extrapolate a counter below zero)."""
    return run(start, per_second * seconds(interval), _count(duration, interval))


def missing(duration: str, interval: str = INTERVAL) -> str:
    """No samples for `duration` (the series is absent there once the 5m lookback passes)."""
    return f"_x{_count(duration, interval)}"


def stale() -> str:
    """A staleness marker: the series ends here, at once, as when a target disappears."""
    return "stale"


def expand(notation: str) -> List[float]:
    """promtool's notation back to samples (NaN marks missing and stale), for simulation:
    `a+bxN` is a, a+b, (a+b)+b, … by repeated float addition, exactly as Prometheus' series
    parser expands it (not a+i·b, which differs in the last bits)."""
    out: List[float] = []
    for token in notation.split():
        if token == "stale" or token == "_":
            out.append(math.nan)
        elif token.startswith("_x"):
            out.extend([math.nan] * int(token[2:]))
        elif "x" in token:
            head, times = token.rsplit("x", 1)
            sign_at = max(head.rfind("+"), head.rfind("-"))
            while sign_at > 0 and head[sign_at - 1] in "eE":  # exponent sign, not the step's
                sign_at = max(head.rfind("+", 0, sign_at - 1), head.rfind("-", 0, sign_at - 1))
            # `aXN` (no step) repeats a; a leading sign belongs to a.
            value, step_ = (float(head[:sign_at]), float(head[sign_at:])) if sign_at > 0 else (float(head), 0.0)
            for _ in range(int(times) + 1):  # by repeated addition, as promtool's parser expands it
                out.append(value)
                value += step_
        else:
            out.append(float(token))
    return out

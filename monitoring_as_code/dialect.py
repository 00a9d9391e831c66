"""The target Prometheus: which PromQL functions and syntax it has, and Go's regexp syntax.

`[tool.mac] prometheus = "2.42"` (Debian's, the default) or a newer version. promql-parser
(mac's parser) follows Prometheus 3.x: it knows functions 2.42 lacks and lacks `holt_winters`
and `\\Q…\\E`, which 2.42 has. `prepare()` makes a 2.42 expression parseable without changing
its meaning; `function_problem()` and `regex_problem()` say what the target would reject.

The 2.42 rows are measured with promtool 2.42 (tests/test_dialect.py holds them to it); the
later rows come from Prometheus' documentation and changelog."""
from __future__ import annotations

import re
from typing import Optional, Tuple

DEFAULT = "2.42"

# Functions of PromQL in Prometheus 2.42 (`promtool check rules` accepts each).
FUNCTIONS_2_42 = frozenset("""
abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp clamp_max
clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year days_in_month deg delta deriv exp
floor histogram_count histogram_fraction histogram_quantile histogram_sum holt_winters hour idelta increase
irate label_join label_replace last_over_time ln log10 log2 max_over_time min_over_time minute month pi
predict_linear present_over_time quantile_over_time rad rate resets round scalar sgn sin sinh sort
sort_desc sqrt stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector year
""".split())
# Added later: (version, experimental flag needed); from the Prometheus changelog.
ADDED = {
    "histogram_stddev": ("2.46", False), "histogram_stdvar": ("2.46", False),
    "sort_by_label": ("2.49", True), "sort_by_label_desc": ("2.49", True),
    "mad_over_time": ("2.51", True), "histogram_avg": ("2.53", False),
    "double_exponential_smoothing": ("3.0", True), "info": ("3.0", True),
    "limitk": ("3.0", True), "limit_ratio": ("3.0", True),
    "ts_of_max_over_time": ("3.5", True), "ts_of_min_over_time": ("3.5", True),
    "ts_of_last_over_time": ("3.5", True), "first_over_time": ("3.7", True),
}
REMOVED = {"holt_winters": ("3.0", "renamed double_exponential_smoothing")}
# Go's regexp accepts (?<name>…) from Go 1.22, first used for Prometheus 2.51.
NAMED_GROUP_SINCE = "2.51"
QUOTED_NAMES_SINCE = "3.0"


def version_tuple(version: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def valid_version(version) -> bool:
    return isinstance(version, str) and re.fullmatch(r"\d+\.\d+(\.\d+)?", version) is not None \
        and version_tuple(version) >= (2, 42)


def at_least(version: str, since: str) -> bool:
    return version_tuple(version) >= version_tuple(since)


def function_problem(name: str, version: str) -> Optional[str]:
    if name in REMOVED and at_least(version, REMOVED[name][0]):
        since, why = REMOVED[name]
        return f"{name} was removed in Prometheus {since} ({why}); the target is {version}"
    if name in FUNCTIONS_2_42:
        return None
    if name in ADDED:
        since, _experimental = ADDED[name]  # the flag is for the README's reader; mac accepts both
        if not at_least(version, since):
            return f"{name} is not in Prometheus {version} (added in {since})"
        return None
    return None  # aggregations and anything the parser knows beyond this table


# -- preparing text for promql-parser ---------------------------------------------------
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_HOLT = re.compile(r"\bholt_winters(\s*\()")


def _outside_strings(text: str, pattern, repl) -> str:
    out, last = [], 0
    for m in _STRINGS.finditer(text):
        out.append(pattern.sub(repl, text[last:m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(pattern.sub(repl, text[last:]))
    return "".join(out)


_QE = re.compile(r"\\\\Q(.*?)(?:\\\\E|$)", re.S)


def _literal(text: str) -> str:
    """RE2 (and Rust's regex) syntax for the literal text of a \\Q…\\E span, as it would stand
    inside a double-quoted PromQL string."""
    out = []
    for ch in text.replace("\\\\", "\\"):
        if ch in r"\.+*?()|[]{}^$":
            out.append("\\\\" + ch)
        elif ch == '"':
            out.append('\\"')
        else:
            out.append(ch)
    return "".join(out)


def prepare(text: str) -> str:
    """Text promql-parser parses to the same meaning: holt_winters under its 3.x name,
    \\Q…\\E spans in double-quoted regexes spelled out. Returned unchanged when neither occurs."""
    if "holt_winters" in text:
        text = _outside_strings(text, _HOLT, r"double_exponential_smoothing\1")
    if "\\\\Q" in text:
        text = _STRINGS.sub(lambda m: _QE.sub(lambda q: _literal(q.group(1)), m.group())
                            if m.group().startswith('"') else m.group(), text)
    return text


def wrote_holt_winters(text: str) -> bool:
    return "holt_winters" in text and _HOLT.search(_STRINGS.sub('""', text)) is not None


def quoted_names(text: str) -> bool:
    """Whether `text` names a metric or label with a quoted string (`{"node_load1"}`,
    `{"my.label"="x"}`): inside braces, a string right after `{` or `,`."""
    if '"' not in text and "'" not in text and "`" not in text:
        return False
    depth, previous, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        m = _STRINGS.match(text, i) if ch in "\"'`" else None
        if m:
            if depth > 0 and previous in ("{", ","):
                return True
            previous, i = "s", m.end()
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if not ch.isspace():
            previous = ch
        i += 1
    return False


# -- regexes: Go's regexp/syntax, as RE2 ---------------------------------------------------
def regex_problem(pattern: str, version: str = DEFAULT) -> Optional[str]:
    """Why Go's regexp (of the target's Go) would reject `pattern`, or None."""
    compiled, error = compile_regex(pattern)
    if error:
        return error
    if not at_least(version, NAMED_GROUP_SINCE) and re.search(r"\(\?<[A-Za-z_]", pattern):
        return "(?<name>…) groups are not in the Go regexp of Prometheus " + version + "; write (?P<name>…)"
    if re.search(r"(?<!\\)(\\\\)*\\C", pattern):
        return "\\C (any byte) is not in Go's regexp"
    return None


_options = None


def compile_regex(pattern: str):
    """(compiled RE2 regex anchored as Prometheus anchors it, None) or (None, RE2's error)."""
    global _options
    import re2

    if _options is None:
        _options = re2.Options()
        _options.log_errors = False
    try:
        return re2.compile(f"^(?:{pattern})$", _options), None
    except re2.error as exc:
        message = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return None, f"not a valid regular expression: {message}"

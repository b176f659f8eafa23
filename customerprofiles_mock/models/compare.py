"""The comparison operators shared by calculated-attribute filters, segment dimensions and
event-trigger conditions (DimensionType / ComparisonOperator in the model).

Values travel as strings; each operator reads them as text, numbers or dates as its name
says. Text comparisons ignore case [inference]. An absent value matches only EXCLUSIVE
and NOT_BETWEEN [inference: "none of the values" holds for a profile without the field].
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timezone

Matcher = Callable[[str | None, list[str]], bool]
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d", "%d-%m-%Y")


def number(value: str | None) -> float | None:
    """A string read as a number, or None when it is not one."""
    if value is None:
        return None
    try:
        parsed = float(value.strip())
    except (ValueError, AttributeError):
        return None
    return parsed if math.isfinite(parsed) else None


def to_date(value: str | None) -> date | None:
    """ISO dates and timestamps, common day/month layouts, epoch seconds or milliseconds."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, timezone.utc).date()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for layout in _DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def as_list(value: str | None) -> list[str]:
    """A list-valued attribute: a JSON array, else comma-separated text."""
    if value is None:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, list):
        return [str(v).lower() for v in parsed]
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def _text(test: Callable[[str, str], bool]) -> Matcher:
    return lambda actual, values: (
        actual is not None and any(test(actual.lower(), v.lower()) for v in values)
    )


def _numeric(test: Callable[[float, float], bool]) -> Matcher:
    def match(actual: str | None, values: list[str]) -> bool:
        got, want = number(actual), number(values[0]) if values else None
        return got is not None and want is not None and test(got, want)

    return match


def _dated(test: Callable[[date, list[date]], bool], arity: int) -> Matcher:
    def match(actual: str | None, values: list[str]) -> bool:
        got = to_date(actual)
        bounds = [to_date(v) for v in values[:arity]]
        if got is None or len(bounds) < arity or any(b is None for b in bounds):
            return False
        return test(got, [b for b in bounds if b is not None])

    return match


def _between(actual: str | None, values: list[str]) -> bool:
    """Numbers when both bounds and the value are numbers, else dates."""
    if len(values) < 2:
        return False
    got, low, high = number(actual), number(values[0]), number(values[1])
    if None not in (got, low, high):
        return low <= got <= high  # type: ignore[operator]
    return _dated(lambda d, b: b[0] <= d <= b[1], 2)(actual, values)


def _equal(actual: str | None, values: list[str]) -> bool:
    got = number(actual)
    if got is not None and all(number(v) is not None for v in values):
        return any(got == number(v) for v in values)
    return _text(lambda a, v: a == v)(actual, values)


OPERATORS: dict[str, Matcher] = {
    "INCLUSIVE": _text(lambda a, v: a == v),
    "EXCLUSIVE": lambda actual, values: (
        actual is None or all(actual.lower() != v.lower() for v in values)
    ),
    "CONTAINS": _text(lambda a, v: v in a),
    "BEGINS_WITH": _text(lambda a, v: a.startswith(v)),
    "ENDS_WITH": _text(lambda a, v: a.endswith(v)),
    "EQUAL": _equal,
    "GREATER_THAN": _numeric(lambda a, v: a > v),
    "LESS_THAN": _numeric(lambda a, v: a < v),
    "GREATER_THAN_OR_EQUAL": _numeric(lambda a, v: a >= v),
    "LESS_THAN_OR_EQUAL": _numeric(lambda a, v: a <= v),
    "BEFORE": _dated(lambda d, b: d < b[0], 1),
    "AFTER": _dated(lambda d, b: d > b[0], 1),
    "ON": _dated(lambda d, b: d == b[0], 1),
    "BETWEEN": _between,
    "NOT_BETWEEN": lambda actual, values: not _between(actual, values),
    "LIST_CONTAINS": lambda actual, values: any(v.lower() in as_list(actual) for v in values),
    "LIST_CONTAINS_ALL": lambda actual, values: (
        bool(values) and all(v.lower() in as_list(actual) for v in values)
    ),
}


_NUMERIC_TESTS: dict[str, Callable[[float, float], bool]] = {
    "GREATER_THAN": lambda a, v: a > v,
    "LESS_THAN": lambda a, v: a < v,
    "GREATER_THAN_OR_EQUAL": lambda a, v: a >= v,
    "LESS_THAN_OR_EQUAL": lambda a, v: a <= v,
}


@functools.lru_cache(maxsize=8192)
def _compiled(operator: str, values: tuple[str, ...]) -> Callable[[str | None], bool]:
    """One operator with its values, prepared once (lower-cased, parsed as numbers)."""
    if operator in _NUMERIC_TESTS:
        want, test = (number(values[0]) if values else None), _NUMERIC_TESTS[operator]
        if want is None:
            return lambda _actual: False
        return lambda actual: (got := number(actual)) is not None and test(got, want)
    if operator in ("INCLUSIVE", "EXCLUSIVE"):
        wanted = frozenset(v.lower() for v in values)
        if operator == "INCLUSIVE":
            return lambda actual: actual is not None and actual.lower() in wanted
        return lambda actual: actual is None or actual.lower() not in wanted
    general, listed = OPERATORS[operator], list(values)
    return lambda actual: general(actual, listed)


def matcher(operator: str, values: list[str]) -> Callable[[str | None], bool]:
    """The predicate for one operator and its values (prepared once, then cached)."""
    return _compiled(operator, tuple(values))


def matches(operator: str, actual: str | None, values: list[str]) -> bool:
    return _compiled(operator, tuple(values))(actual)


def compiled_comparison(operator: str, values: tuple[str, ...]) -> Callable[[str | None], bool]:
    """The test ``matches`` applies, for callers that apply it many times."""
    return _compiled(operator, values)


def combine(kind: str, results: list[bool]) -> bool:
    """ALL / ANY / NONE over a group's results (also LogicalOperator of triggers)."""
    if kind == "ANY":
        return any(results)
    if kind == "NONE":
        return not any(results)
    return all(results)


def format_number(value: float) -> str:
    """Numbers as strings without spurious digits: 3.0 -> "3", 0.1 + 0.2 -> "0.3"."""
    if not math.isfinite(value):
        return format(value, ".15g")
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return format(value, ".15g")

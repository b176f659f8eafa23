"""Evaluating calculated attributes: plain functions over plain data, no boto3, no backend.

A definition names one object type in ``{Type.field}`` references, combined by
arithmetic (``{Order.total} - {Order.tax}``). Each object of that type that passes the
Filter becomes an entry of its profile's :class:`Series` (timestamp, value); a read takes
the entries inside the Range window (or the newest ``ObjectCount``) and applies the
Statistic. Results are cached per series until a write changes it or the window's edge
reaches an entry, so repeated reads cost the same however many objects a profile has.
"""

from __future__ import annotations

import ast
import bisect
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple

from ..exceptions import BadRequestException
from .compare import combine, format_number, matches, number

_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z_0-9-]*)\.([A-Za-z0-9_.-]+)\}")
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
#: How many values RECENT_OCCURRENCES lists when no ObjectCount is given [inference].
RECENT_DEFAULT = 10
NUMERIC = ("SUM", "MINIMUM", "MAXIMUM", "AVERAGE")


@dataclass(frozen=True)
class Expression:
    text: str
    object_type: str
    fields: tuple[str, ...]
    tree: ast.expr | None  # None: the single field's value as it is

    def evaluate(self, values: dict[str, str | None]) -> str | None:
        if self.tree is None:
            return values.get(self.fields[0])
        numbers = {f"f{i}": number(values.get(name)) for i, name in enumerate(self.fields)}
        try:
            result = _compute(self.tree, numbers)
        except (ZeroDivisionError, TypeError, OverflowError):
            return None
        return None if result is None or not math.isfinite(result) else format_number(result)


def _compute(node: ast.expr, numbers: dict[str, float | None]) -> float | None:
    if isinstance(node, ast.Name):
        return numbers[node.id]
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # only numbers pass parsing
    if isinstance(node, ast.UnaryOp):
        inner = _compute(node.operand, numbers)
        return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    left, right = _compute(node.left, numbers), _compute(node.right, numbers)
    if left is None or right is None:
        return None
    return float(_ARITHMETIC[type(node.op)](left, right))


def parse_expression(text: str) -> Expression:
    """``{Type.a} - {Type.b}`` -> an :class:`Expression`; BadRequest for anything else."""
    references = _REFERENCE.findall(text)
    if not references:
        raise BadRequestException(
            f"Expression {text!r} must reference an object type field as {{ObjectType.field}}"
        )
    types = {t for t, _ in references}
    if len(types) != 1:
        raise BadRequestException(
            f"Expression {text!r} must reference one object type, not {', '.join(sorted(types))}"
        )
    fields = tuple(dict.fromkeys(name for _, name in references))
    if len(fields) > 2:
        raise BadRequestException(f"Expression {text!r} may use at most two fields")
    names = {name: f"f{i}" for i, name in enumerate(fields)}
    python = _REFERENCE.sub(lambda m: f" {names[m.group(2)]} ", text)
    if python.strip() in names.values():
        return Expression(text, types.pop(), fields, None)
    try:
        tree = ast.parse(python.strip(), mode="eval").body
    except SyntaxError:
        raise BadRequestException(f"Expression {text!r} is not a valid expression") from None
    for node in ast.walk(tree):
        allowed = (ast.BinOp, ast.UnaryOp, ast.Name, ast.USub, ast.UAdd, *_ARITHMETIC)
        is_number = isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
        if not (isinstance(node, allowed) or is_number or isinstance(node, ast.Load)):
            raise BadRequestException(
                f"Expression {text!r} may only combine fields and numbers with + - * / ( )"
            )
    return Expression(text, types.pop(), fields, tree)


def filter_fields(spec: dict[str, Any] | None) -> set[str]:
    """Field names a Filter reads."""
    return {
        name
        for group in (spec or {}).get("Groups", [])
        for dimension in group.get("Dimensions", [])
        for name in dimension.get("Attributes", {})
    }


def passes(spec: dict[str, Any] | None, values: dict[str, str | None]) -> bool:
    """Whether an object's field values pass a calculated attribute's Filter."""
    if not spec:
        return True
    groups = []
    for group in spec.get("Groups", []):
        dimensions = [
            all(
                matches(rule["DimensionType"], values.get(name), rule["Values"])
                for name, rule in dimension.get("Attributes", {}).items()
            )
            for dimension in group.get("Dimensions", [])
        ]
        groups.append(combine(group.get("Type", "ALL"), dimensions))
    return combine(spec.get("Include", "ALL"), groups)


#: Below this an epoch number is read as seconds, at or above it as milliseconds: 1e11
#: seconds is the year 5138, 1e11 milliseconds is 1973 (the model allows either precision).
EPOCH_SECONDS_BELOW = 1e11


def parse_timestamp(raw: Any, layout: str | None) -> datetime | None:
    """A TimestampSource value: epoch seconds or milliseconds, or ISO 8601.

    The model says EPOCHMILLI values may have second or millisecond precision, so the
    magnitude decides which; an unset format guesses epoch for numbers, else ISO 8601.
    """
    if raw is None or isinstance(raw, (dict, list, bool)):
        return None
    text = str(raw).strip()
    if layout == "EPOCHMILLI" or (layout is None and re.fullmatch(r"-?\d+(\.\d+)?", text)):
        try:
            epoch = float(text)
            seconds = epoch if abs(epoch) < EPOCH_SECONDS_BELOW else epoch / 1000
            return datetime.fromtimestamp(seconds, timezone.utc)
        except (ValueError, OverflowError, OSError):
            return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class Entry(NamedTuple):
    """One object's contribution. A tuple: built and compared in C, ordered by
    (timestamp, seq) (seq is unique per object, so later members never decide), and
    without a per-instance dict (a back-fill makes one per object of the type)."""

    timestamp: float
    seq: int
    unique_key: str
    value: str | None


@dataclass
class Result:
    value: str | None
    last_timestamp: float | None
    count: int


class Series(list[Entry]):
    """One profile's entries for one definition, oldest first: the list itself, with the
    version and result cache beside it (one object per profile and definition, not two)."""

    __slots__ = ("cache", "version")

    def __init__(self) -> None:
        super().__init__()
        self.version = 0
        #: results by (definition version, override), made on the first read
        self.cache: dict[Any, tuple[int, float, Result]] | None = None

    @property
    def entries(self) -> list[Entry]:
        return self

    def add(self, entry: Entry) -> None:
        bisect.insort(self, entry)
        self.version += 1

    def remove(self, unique_key: str) -> None:  # type: ignore[override]  # by object key
        kept = [e for e in self if e.unique_key != unique_key]
        if len(kept) != len(self):
            self[:] = kept
            self.version += 1


def window(
    conditions: dict[str, Any], override: dict[str, Any] | None, at: float
) -> tuple[float, float] | None:
    """The [start, end] epoch window of a Range (or its override), None for no window.

    A Range with neither Value nor ValueRange (only Unit, TimestampSource, ...) bounds
    nothing: it only says which timestamp orders the objects.
    """
    spec = (override or {}).get("Range") or (conditions or {}).get("Range")
    if not spec:
        return None
    day = 86400.0
    bounds = spec.get("ValueRange") or (
        {"Start": spec["Start"], "End": spec.get("End", 0)} if "Start" in spec else None
    )
    if bounds is not None:
        return at - bounds["Start"] * day, at - bounds.get("End", 0) * day
    if spec.get("Value") is None:
        return None
    return at - spec["Value"] * day, at


STATISTICS: dict[str, Callable[[list[Entry]], str | None]] = {
    "FIRST_OCCURRENCE": lambda e: e[0].value,
    "LAST_OCCURRENCE": lambda e: e[-1].value,
    "COUNT": lambda e: str(len(e)),
    "MAX_OCCURRENCE": lambda e: _most_frequent(e),
}


def _most_frequent(entries: list[Entry]) -> str | None:
    """The most frequent value; among equals, the one seen most recently."""
    counts = Counter(e.value for e in entries if e.value is not None)
    if not counts:
        return None
    latest = {e.value: i for i, e in enumerate(entries)}
    return max(counts, key=lambda v: (counts[v], latest[v]))


def _numeric_statistic(statistic: str, entries: list[Entry]) -> str | None:
    """SUM/MINIMUM/MAXIMUM/AVERAGE; a result beyond a double's range has no value."""
    values = [n for e in entries if (n := number(e.value)) is not None]
    if not values:
        return None
    if statistic == "MINIMUM":
        result = min(values)
    elif statistic == "MAXIMUM":
        result = max(values)
    else:
        # The average is taken from scaled values, so n values near a double's maximum
        # still average to one; a sum beyond it has no value.
        try:
            scale = 1 if statistic == "SUM" else len(values)
            result = math.fsum(v / scale for v in values)
        except OverflowError:
            return None
    return format_number(result) if math.isfinite(result) else None


def _threshold(spec: dict[str, Any] | None, value: str | None) -> str | None:
    if not spec or value is None:
        return value
    got, want, op = number(value), number(spec["Value"]), spec["Operator"]
    if got is None or want is None:
        same = value.lower() == str(spec["Value"]).lower()
        outcome = same if op == "EQUAL_TO" else (not same if op == "NOT_EQUAL_TO" else False)
    else:
        outcome = {
            "EQUAL_TO": got == want,
            "NOT_EQUAL_TO": got != want,
            "GREATER_THAN": got > want,
            "LESS_THAN": got < want,
        }[op]
    return "true" if outcome else "false"


def compute(
    series: Series | None,
    statistic: str,
    conditions: dict[str, Any] | None,
    override: dict[str, Any] | None,
    at: datetime,
    floor: float | None = None,
    generation: Any = 0,
    since: int | None = None,
) -> Result:
    """The value of one definition for one profile at time ``at``.

    ``floor``: entries older than this never count (see the definition's ``floor``);
    ``generation``: the definition and its version, part of the cache key (a series
    may serve several definitions); ``since``: entries of objects before this sequence
    number do not count (a definition without historical data, in a shared series).
    """
    if series is None or not series.entries:
        return Result(_threshold((conditions or {}).get("Threshold"), _empty(statistic)), None, 0)
    key = (generation, json.dumps(override, sort_keys=True) if override else None)
    now = at.timestamp()
    cached = series.cache.get(key) if series.cache is not None else None
    if cached is not None and cached[0] == series.version and now < cached[1]:
        return cached[2]
    conditions = conditions or {}
    bounds = window(conditions, override, now)
    if floor is not None:
        bounds = (max(bounds[0], floor), bounds[1]) if bounds else (floor, float("inf"))
    entries = series.entries
    valid_until = float("inf")
    if bounds is not None:
        low = bisect.bisect_left(entries, Entry(bounds[0], -1, "", None))
        high = bisect.bisect_right(entries, Entry(bounds[1], 2**62, "", None))
        chosen = entries[low:high]
        if chosen:  # the oldest one leaves the window when the clock passes it
            valid_until = chosen[0].timestamp + (now - bounds[0])
        if high < len(entries):  # a future-dated one enters when the clock reaches it
            valid_until = min(valid_until, entries[high].timestamp + (now - bounds[1]))
    else:
        chosen = entries
    if since:
        chosen = [e for e in chosen if e.seq >= since]
    count = conditions.get("ObjectCount")
    if count:
        chosen = chosen[-count:]
    if not chosen:
        value = _empty(statistic)
    elif statistic in NUMERIC:
        value = _numeric_statistic(statistic, chosen)
    elif statistic == "RECENT_OCCURRENCES":
        recent = [e.value for e in reversed(chosen) if e.value is not None]
        value = json.dumps(recent[: count or RECENT_DEFAULT])
    else:
        value = STATISTICS[statistic](chosen)
    result = Result(
        _threshold(conditions.get("Threshold"), value),
        chosen[-1].timestamp if chosen else None,
        len(chosen),
    )
    if series.cache is None:
        series.cache = {}
    series.cache[key] = (series.version, valid_until, result)
    return result


def _empty(statistic: str) -> str | None:
    """What a statistic is over no objects: a count of 0, else no value [inference]."""
    return "0" if statistic == "COUNT" else None

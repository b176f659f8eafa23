"""Recommendations, deterministic: plain functions over interactions and catalog items.

Interactions are profile objects whose type targets ``_webAnalytics.ItemId`` (with
``_webAnalytics.EventType``, ``_webAnalytics.EventValue`` and
``_webAnalytics.EventTimestamp`` when present); catalog items are records of domain object
types, or profile objects, that target ``_catalogItem.*``. Each recipe, documented:

* popular-items: items by weighted interaction count;
* trending-now: the same over the last ``TRENDING_DAYS`` days;
* recommended-for-you: items the profile has not touched, by how many interactions their
  profiles share with the profile's items (co-occurrence), then by popularity;
* similar-items / frequently-paired-items: items by Jaccard similarity / co-occurrence
  with the profile's most recent item;
* personalized-ranking: the CandidateIds, reordered by the profile's co-occurrence
  affinity, then popularity.

Scores are divided by the best score, so they lie in (0, 1].
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import BadRequestException
from .compare import number

if TYPE_CHECKING:
    from .recommend_inputs import Aggregates

TRENDING_DAYS = 7

RECIPES = {
    "recommended-for-you": "Items a customer has not interacted with, ranked by how often "
    "customers who share their interactions interacted with them.",
    "similar-items": "Items most similar to the customer's most recent item, by the overlap "
    "of the customers who interacted with each.",
    "frequently-paired-items": "Items most often interacted with by the same customers as "
    "the customer's most recent item.",
    "popular-items": "The items with the most (weighted) interactions across all customers.",
    "trending-now": f"The items with the most (weighted) interactions in the last "
    f"{TRENDING_DAYS} days.",
    "personalized-ranking": "The given candidate items, reordered for the customer.",
}


@dataclass(frozen=True)
class Interaction:
    profile_id: str
    item_id: str
    event_type: str | None
    value: float | None
    at: float


def event_weight(config: dict[str, Any] | None) -> Callable[[Interaction], float]:
    """EventsConfig: only listed event types count (all, when none are listed), each with
    its EventWeight (default 1), and not below its EventValueThreshold."""
    listed = {
        p["EventType"]: p
        for p in ((config or {}).get("EventsConfig") or {}).get("EventParametersList") or []
    }

    def weigh(interaction: Interaction) -> float:
        if not listed:
            return 1.0
        spec = listed.get(interaction.event_type or "")
        if spec is None:
            return 0.0
        threshold = spec.get("EventValueThreshold")
        if threshold is not None and (interaction.value is None or interaction.value < threshold):
            return 0.0
        return float(spec.get("EventWeight", 1.0))

    return weigh


def _normalise(scores: dict[str, float], limit: int) -> list[tuple[str, float]]:
    ranked = sorted(((i, s) for i, s in scores.items() if s > 0), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1] if ranked else 1.0
    return [(item, round(score / top, 4)) for item, score in ranked[:limit]]


def _affinity(profile_id: str, own: dict[str, float], data: Aggregates) -> dict[str, float]:
    """Items of the customers sharing items with this one, weighted by how much they share."""
    affinity: dict[str, float] = defaultdict(float)
    neighbours = {other for item in own for other in data.holders.get(item, ())}
    neighbours.discard(profile_id)
    for other in sorted(neighbours):
        items = data.items_of(other)
        shared = sum(min(items[i], own[i]) for i in items.keys() & own.keys())
        if shared:
            for item, weight in items.items():
                affinity[item] += shared * weight
    return affinity


def recommend(
    recipe: str,
    profile_id: str,
    data: Aggregates,
    now: float,
    limit: int,
    candidates: list[str] | None = None,
) -> list[tuple[str, float]]:
    """(item id, score) pairs, best first, from aggregates kept as interactions arrive:
    the cost follows the profile's neighbourhood and the catalog, not the domain."""
    popularity = data.popularity
    own = data.items_of(profile_id)
    if recipe == "popular-items":
        return _normalise(dict(popularity), limit)
    if recipe == "trending-now":
        return _normalise(dict(data.recent(now - TRENDING_DAYS * 86400)), limit)
    if recipe in ("personalized-ranking", "recommended-for-you"):
        affinity = _affinity(profile_id, own, data)
    if recipe == "personalized-ranking":
        if not candidates:
            raise BadRequestException("personalized-ranking needs CandidateIds to rank")
        top = max(popularity.values(), default=1.0)
        scores = {
            c: affinity.get(c, 0) + popularity.get(c, 0) / (top * 1000) + 1e-9 for c in candidates
        }
        return _normalise(scores, limit)
    if recipe == "recommended-for-you":
        top = max(popularity.values(), default=1.0)
        scores = {
            item: affinity.get(item, 0) + popularity[item] / (top * 1000)
            for item in popularity
            if item not in own
        }
        return _normalise(scores, limit)
    anchor = data.latest(profile_id)
    if anchor is None:
        return []
    holders = data.holders
    mine = len(holders.get(anchor, ()))
    shared = data.together.get(anchor, {})
    found: dict[str, float] = {}
    for item, users in holders.items():
        if item == anchor:
            continue
        both = shared.get(item, 0)
        # similar-items: Jaccard overlap of the items' customers; paired: the overlap
        found[item] = both / (len(users) + mine - both) if recipe == "similar-items" else both
    return _normalise({k: float(v) for k, v in found.items()}, limit)


# -- filter expressions -----------------------------------------------------------------
_FILTER = re.compile(r"^\s*(INCLUDE|EXCLUDE)\s+ItemID\s+WHERE\s+(.+?)\s*$", re.I | re.S)
_CONDITION = re.compile(
    r"^\s*(Items|Interactions)\.([A-Za-z_][A-Za-z0-9_]*)\s*(NOT\s+IN|IN|<=|>=|!=|=|<|>)\s*(.+?)\s*$",
    re.I,
)
_VALUE = re.compile(r'^(?:"([^"]*)"|\$([A-Za-z_][A-Za-z0-9_]*)|(-?\d+(?:\.\d+)?))$')


@dataclass(frozen=True)
class Condition:
    dataset: str  # ITEMS or INTERACTIONS
    field: str
    operator: str
    values: tuple[str, ...]  # literals, or "$name" placeholders


@dataclass(frozen=True)
class Filter:
    include: bool
    groups: tuple[tuple[Condition, ...], ...]  # ORed groups of ANDed conditions

    @property
    def placeholders(self) -> set[str]:
        return {v[1:] for g in self.groups for c in g for v in c.values if v.startswith("$")}


def _values(text: str) -> tuple[str, ...]:
    text = text.strip()
    parts = (
        [p.strip() for p in text[1:-1].split(",")]
        if text.startswith("(") and text.endswith(")")
        else [text]
    )
    found = []
    for part in parts:
        match = _VALUE.match(part)
        if match is None:
            raise ValueError(part)
        literal, placeholder, numeric = match.groups()
        found.append(
            f"${placeholder}" if placeholder else literal if literal is not None else numeric
        )
    return tuple(found)


def parse_filter(expression: str) -> Filter:
    """``INCLUDE|EXCLUDE ItemID WHERE Items.F op v [AND|OR ...]``; BadRequest otherwise."""
    match = _FILTER.match(expression)
    if match is None:
        raise BadRequestException(
            "RecommenderFilterExpression must read INCLUDE|EXCLUDE ItemID WHERE <conditions>"
        )
    groups = []
    for alternative in re.split(r"\s+OR\s+", match.group(2), flags=re.I):
        conditions = []
        for part in re.split(r"\s+AND\s+", alternative, flags=re.I):
            found = _CONDITION.match(part)
            if found is None:
                raise BadRequestException(f"Cannot read the filter condition {part.strip()!r}")
            dataset, name, operator, raw = found.groups()
            try:
                values = _values(raw)
            except ValueError as error:
                raise BadRequestException(f"Cannot read the filter value {error}") from None
            conditions.append(
                Condition(dataset.upper(), name.upper(), " ".join(operator.upper().split()), values)
            )
        groups.append(tuple(conditions))
    return Filter(match.group(1).upper() == "INCLUDE", tuple(groups))


def _field(item: dict[str, Any], name: str) -> Any:
    for key, value in item.items():
        if key.upper() == name:
            return value
    for key, value in (item.get("Attributes") or {}).items():
        if key.upper() == name:
            return value
    return None


def _holds(condition: Condition, actual: Any, bound: tuple[str, ...]) -> bool:
    if condition.operator in ("IN", "NOT IN"):
        inside = actual is not None and str(actual).lower() in {b.lower() for b in bound}
        return inside if condition.operator == "IN" else not inside
    got, want = number(None if actual is None else str(actual)), number(bound[0])
    if condition.operator in ("=", "!="):
        same = (got == want) if got is not None and want is not None else str(actual) == bound[0]
        return same if condition.operator == "=" else not same
    if got is None or want is None:
        return False
    return {"<": got < want, ">": got > want, "<=": got <= want, ">=": got >= want}[
        condition.operator
    ]


def keeps(
    spec: Filter,
    values: dict[str, tuple[str, ...]],
    item_id: str,
    item: dict[str, Any],
    interacted: dict[str, set[str]],
) -> bool:
    """Whether a filter keeps an item. ``interacted``: item id -> the profile's event types."""

    def bind(condition: Condition) -> tuple[str, ...]:
        """Literals as written; a placeholder stands for every value it was given."""
        return tuple(
            bound
            for v in condition.values
            for bound in (values[v[1:]] if v.startswith("$") else (v,))
        )

    def holds(condition: Condition) -> bool:
        if condition.dataset == "ITEMS":
            return _holds(condition, _field(item, condition.field), bind(condition))
        kinds = interacted.get(item_id, set())
        bound = {b.lower() for b in bind(condition)}
        hit = any(k.lower() in bound for k in kinds)
        return hit if condition.operator != "NOT IN" else not hit

    matched = any(all(holds(c) for c in group) for group in spec.groups)
    return matched if spec.include else not matched

"""Attribute insights (seed 2025-12-01): the attributes of an object type, their distinct
values, and statistics over numeric ones.

For every profile object type the domain keeps, per attribute, how many stored objects
hold each value and when each value was last seen, updated from the change stream (put,
replace, delete, expiry). An attribute is a field of the type (read through its Source)
or a top-level key of the ingested JSON. Statistics are computed from those counts and
cached until the attribute changes.
"""

from __future__ import annotations

import bisect
import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from . import events
from .base import CoreBackend
from .compare import number
from .domain_object_types import KIND as DOMAIN_OBJECT_TYPES
from .domain_object_types import record_listeners, records
from .domains import Domain
from .mapping import evaluate
from .pagination import paginate, paginate_sorted
from .store import ProfileObject

STATE = "insights"
PERCENTILES = {"P5": 5, "P25": 25, "P50": 50, "P75": 75, "P95": 95}


@dataclass
class AttributeValues:
    #: value -> when last seen, for every value present; a value's count is 1 unless
    #: ``repeats`` says more (most values, ids above all, are seen once: one map, not two)
    last_seen: dict[str, datetime] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=dict)
    updated_at: datetime | None = None
    version: int = 0
    statistics: tuple[int, dict[str, Any], datetime] | None = None

    #: (-last seen, value) of every value, sorted (newest first) so pages need no sort;
    #: built on the first listing, then kept
    order: list[tuple[float, str]] | None = None

    def counted(self) -> Iterator[tuple[str, int]]:
        """Every value present with how many objects hold it."""
        repeats = self.repeats
        for value in self.last_seen:
            yield value, repeats.get(value, 1)

    def sorted_values(self) -> list[tuple[float, str]]:
        if self.order is None:
            self.order = sorted((-at.timestamp(), v) for v, at in self.last_seen.items())
        return self.order

    def add(self, value: str, at: datetime) -> None:
        if value in self.last_seen:
            self.repeats[value] = self.repeats.get(value, 1) + 1
        self._unorder(value)
        self.last_seen[value] = at
        if self.order is not None:
            bisect.insort(self.order, (-at.timestamp(), value))
        self.updated_at = at
        self.version += 1

    def remove(self, value: str) -> None:
        held = self.repeats.pop(value, 1 if value in self.last_seen else 0) - 1
        if held <= 0:
            self._unorder(value)
            self.last_seen.pop(value, None)
        elif held > 1:
            self.repeats[value] = held
        self.version += 1

    def _unorder(self, value: str) -> None:
        seen = self.last_seen.get(value)
        if seen is not None and self.order is not None:
            entry = (-seen.timestamp(), value)
            at = bisect.bisect_left(self.order, entry)
            if at < len(self.order) and self.order[at] == entry:
                del self.order[at]


DOMAIN_TYPES = "insights.domain-types"


class DomainTypeValues:
    """The attribute values of one domain object type's records, under one field mapping."""

    def __init__(self, fields: dict[str, Any], held: dict[str, Any]) -> None:
        self.fields = fields
        self.records = held  # the records dict these values follow
        self.values = {name: AttributeValues() for name in fields}

    def apply(self, record: dict[str, Any], sign: int) -> None:
        for name, spec in self.fields.items():
            value = record.get(spec["Target"].split(".", 1)[1].split(".")[0])
            if value is not None and not isinstance(value, dict):
                if sign > 0:
                    self.values[name].add(str(value), record["_ingestedAt"])
                else:
                    self.values[name].remove(str(value))


def _follow_records(
    domain: Domain, type_name: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    found: DomainTypeValues | None = domain.state.get(DOMAIN_TYPES, {}).get(type_name)
    if found is None or found.records is not records(domain, type_name):
        return
    if before is not None:
        found.apply(before, -1)
    if after is not None:
        found.apply(after, 1)


record_listeners.append(_follow_records)


def _state(domain: Domain) -> dict[str, dict[str, AttributeValues]]:
    found: dict[str, dict[str, AttributeValues]] = domain.state.setdefault(STATE, {})
    return found


def attribute_values(domain: Domain, obj: ProfileObject) -> dict[str, str]:
    """An object's attributes: its type's fields, then its top-level JSON scalars."""
    object_type = domain.collections["object-types"].get(obj.object_type)
    document = obj.document
    found = {
        key: str(value)
        for key, value in document.items()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != ""
    }
    for name, spec in (object_type.fields if object_type is not None else {}).items():
        value = evaluate(spec.get("Source", ""), document)
        if value is not None:
            found[name] = value
    return found


@events.subscribe
def _count(domain: Domain, change: events.Change) -> None:
    obj = change.obj
    if obj is None or "MERGED" in (change.reason, change.undone):
        return  # a merge moves objects: their values stay in the type
    by_attribute = _state(domain).setdefault(obj.object_type, {})
    stamp = obj.ingested_at if change.kind == events.OBJECT_ADDED else now()
    for name, value in attribute_values(domain, obj).items():
        values = by_attribute.setdefault(name, AttributeValues())
        if change.kind == events.OBJECT_ADDED:
            values.add(value, stamp)
        else:
            values.remove(value)


def _percentile(ordered: list[float], percent: float) -> float:
    """Linear interpolation between closest ranks."""
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * percent / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


#: What AWS answers for an attribute with no numeric values: every figure null.
NO_STATISTICS: dict[str, Any] = {
    "Maximum": None,
    "Minimum": None,
    "Average": None,
    "StandardDeviation": None,
    "Percentiles": dict.fromkeys(PERCENTILES),
}


def statistics(values: AttributeValues) -> dict[str, Any]:
    numbers = sorted(
        n
        for value, count in values.counted()
        if (n := number(value)) is not None
        for _ in range(count)
    )
    if not numbers:
        return NO_STATISTICS
    # Scaled by the largest magnitude, so values near a double's limit never overflow.
    scale = max(abs(numbers[0]), abs(numbers[-1])) or 1.0
    mean = math.fsum(n / scale for n in numbers) / len(numbers)
    spread = math.sqrt(math.fsum((n / scale - mean) ** 2 for n in numbers) / len(numbers))
    mean, spread = mean * scale, spread * scale
    return {
        "Maximum": numbers[-1],
        "Minimum": numbers[0],
        "Average": round(mean, 10),
        "StandardDeviation": round(spread, 10),
        "Percentiles": {k: round(_percentile(numbers, p), 10) for k, p in PERCENTILES.items()},
    }


class InsightsMixin(CoreBackend):
    def _attributes(self, domain: Domain, type_name: str) -> dict[str, AttributeValues]:
        """The attributes of a profile object type or a domain object type."""
        profile_type = domain.collections["object-types"].get(type_name)
        domain_type = domain.collections[DOMAIN_OBJECT_TYPES].get(type_name)
        if profile_type is None and domain_type is None:
            raise ResourceNotFoundException(
                f"Object type {type_name} does not exist in domain {domain.name}."
            )
        found: dict[str, AttributeValues] = {}
        if profile_type is not None:
            found.update(_state(domain).get(type_name, {}))
            for name in profile_type.fields:
                found.setdefault(name, AttributeValues(updated_at=profile_type.last_updated_at))
            found = {n: v for n, v in found.items() if v.last_seen or n in profile_type.fields}
        if domain_type is not None:
            # Both kinds may share a name; neither hides the other's attributes.
            for name, values in self._domain_type_attributes(
                domain, type_name, domain_type.fields
            ).items():
                found.setdefault(name, values)
        return found

    @staticmethod
    def _domain_type_attributes(
        domain: Domain, type_name: str, fields: dict[str, Any]
    ) -> dict[str, AttributeValues]:
        """Kept record by record (:func:`_follow_records`); rebuilt when the fields change
        or the type was deleted and made again."""
        kept: dict[str, DomainTypeValues] = domain.state.setdefault(DOMAIN_TYPES, {})
        held = records(domain, type_name)
        found = kept.get(type_name)
        if found is None or found.fields != fields or found.records is not held:
            found = kept[type_name] = DomainTypeValues(copy.deepcopy(fields), held)
            for record in held.values():
                found.apply(record, 1)
        return found.values

    def list_object_type_attributes(
        self,
        domain_name: str,
        object_type_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        attributes = self._attributes(domain, object_type_name)
        named = [
            {"AttributeName": name, "LastUpdatedAt": values.updated_at or domain.created_at}
            for name, values in attributes.items()
            if name.replace("_", "a").replace("-", "a").isalnum()  # the model's name pattern
        ]
        page, token = paginate(named, lambda a: a["AttributeName"], next_token, max_results)
        return {"Items": page, "NextToken": token}

    def list_object_type_attribute_values(
        self,
        domain_name: str,
        object_type_name: str,
        attribute_name: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        values = self._attributes(domain, object_type_name).get(attribute_name)
        if values is None:
            raise ResourceNotFoundException(
                f"Object type {object_type_name} has no attribute {attribute_name}."
            )
        # Newest first, paged by (time, value): a value seen again between two pages moves
        # ahead of the page boundary instead of shifting every later value, so no value
        # is returned twice.
        ordered = values.sorted_values()
        page, token = paginate_sorted(ordered, ordered, next_token, max_results)
        items = [
            {"Value": value[:1000], "LastUpdatedAt": values.last_seen[value]} for _, value in page
        ]
        return {"Items": items, "NextToken": token}

    def get_object_type_attribute_statistics(
        self, domain_name: str, object_type_name: str, attribute_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if not domain.data_store_enabled:
            raise BadRequestException(
                "Attribute statistics need the data store: enable DataStore on domain "
                + domain_name
            )
        values = self._attributes(domain, object_type_name).get(attribute_name)
        if values is None:
            raise ResourceNotFoundException(
                f"Object type {object_type_name} has no attribute {attribute_name}."
            )
        # "Calculations are performed once per day, providing a consistent snapshot": one
        # computation per UTC day, whatever changes in between.
        today = now().date()
        if values.statistics is None or values.statistics[2].date() != today:
            values.statistics = (values.version, statistics(values), now())
        return {"Statistics": values.statistics[1], "CalculatedAt": values.statistics[2]}

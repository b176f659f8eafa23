"""What recommendations are made of, kept as objects arrive (issue 15).

Interactions (objects of types targeting ``_webAnalytics.ItemId``) and catalog items
(objects targeting ``_catalogItem.*``) are kept from the change stream, one object at a
time, and so are the aggregates the recipes read (per EventsConfig, since weights
differ): an item's popularity, each profile's items, each item's profiles, a profile's
latest item, and the interactions in time order for trending-now. A recommendation
then costs what the asking profile's neighbourhood and the catalog cost, not what the
domain holds. A change to an object type's mapping rebuilds from that type's objects.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import events
from .calc_engine import parse_timestamp
from .compare import number
from .mapping import evaluate, nest
from .recommend_engine import Interaction
from .store import ProfileObject

if TYPE_CHECKING:
    from collections.abc import Callable

    from .domains import Domain

STATE = "recommenders.inputs"


def _targets(object_type: Any, prefix: str) -> dict[str, str]:
    return {
        spec["Target"].split(".", 1)[1]: spec.get("Source", "")
        for spec in object_type.fields.values()
        if spec.get("Target", "").startswith(prefix)
    }


@dataclass
class Aggregates:
    """The recipes' inputs under one weighting; updated per interaction, both ways."""

    weigh: Callable[[Interaction], float]
    popularity: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: profile -> item -> [weight, count]
    by_profile: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    #: item -> profiles holding it
    holders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: item -> other item -> how many profiles hold both (similar and paired items)
    together: dict[str, dict[str, int]] = field(default_factory=dict)
    #: profile -> {(at, seq, item)}, for its latest item
    stamps: dict[str, set[tuple[float, int, str]]] = field(default_factory=dict)
    #: (at, seq, item, weight), sorted by time: trending-now reads a window
    timeline: list[tuple[float, int, str, float]] = field(default_factory=list)

    def apply(self, interaction: Interaction, seq: int, sign: int) -> None:
        weight = self.weigh(interaction)
        if weight <= 0:
            return
        item, pid = interaction.item_id, interaction.profile_id
        self.popularity[item] += sign * weight
        if self.popularity[item] <= 1e-12:
            del self.popularity[item]
        mine = self.by_profile.setdefault(pid, {})
        held = mine.setdefault(item, [0.0, 0])
        held[0] += sign * weight
        held[1] += sign
        stamp = (interaction.at, seq, item)
        entry = (interaction.at, seq, item, weight)
        if sign > 0:
            if held[1] == 1:  # the profile holds this item now
                self._pair(item, mine, 1)
            self.holders[item].add(pid)
            self.stamps.setdefault(pid, set()).add(stamp)
            bisect.insort(self.timeline, entry)
            return
        if held[1] <= 0:
            del mine[item]
            self._pair(item, mine, -1)
            self.holders[item].discard(pid)
            if not self.holders[item]:
                del self.holders[item]
        if not mine:
            del self.by_profile[pid]
        self.stamps.get(pid, set()).discard(stamp)
        if not self.stamps.get(pid, True):
            del self.stamps[pid]
        at = bisect.bisect_left(self.timeline, entry)
        if at < len(self.timeline) and self.timeline[at] == entry:
            del self.timeline[at]

    def _pair(self, item: str, others: dict[str, list[float]], sign: int) -> None:
        for other in others:
            if other == item:
                continue
            for a, b in ((item, other), (other, item)):
                row = self.together.setdefault(a, {})
                row[b] = row.get(b, 0) + sign
                if row[b] <= 0:
                    del row[b]
                    if not row:
                        del self.together[a]

    def items_of(self, profile_id: str) -> dict[str, float]:
        return {item: held[0] for item, held in self.by_profile.get(profile_id, {}).items()}

    def latest(self, profile_id: str) -> str | None:
        stamps = self.stamps.get(profile_id)
        return max(stamps)[2] if stamps else None

    def recent(self, since: float) -> dict[str, float]:
        found: dict[str, float] = defaultdict(float)
        start = bisect.bisect_left(self.timeline, (since,))
        for _at, _seq, item, weight in self.timeline[start:]:
            found[item] += weight
        return found


@dataclass
class Inputs:
    #: which object types feed interactions and catalog items, and how (a change rebuilds)
    signature: str = ""
    interaction_types: dict[str, dict[str, str]] = field(default_factory=dict)
    catalog_types: dict[str, dict[str, str]] = field(default_factory=dict)
    #: object unique key -> (its interaction, ingestion order)
    interactions: dict[str, tuple[Interaction, int]] = field(default_factory=dict)
    #: profile -> item -> event types it interacted with (filters' Interactions dataset)
    event_types: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    #: object unique key -> (item id, record) of catalog items from profile objects
    catalog_objects: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    aggregates: dict[str, Aggregates] = field(default_factory=dict)

    def add(self, obj: ProfileObject, profile_id: str | None, sign: int) -> None:
        targets = self.interaction_types.get(obj.object_type)
        if targets is not None:
            if sign > 0:
                made = _interaction(obj, profile_id, targets)
                if made is not None:
                    self._count(made, obj.seq, 1)
                    self.interactions[obj.unique_key] = (made, obj.seq)
            else:
                found = self.interactions.pop(obj.unique_key, None)
                if found is not None:
                    self._count(found[0], found[1], -1)
        targets = self.catalog_types.get(obj.object_type)
        if targets is not None:
            if sign > 0:
                flat = {k: v for k, s in targets.items() if (v := evaluate(s, obj.document))}
                if flat.get("Id"):
                    self.catalog_objects[obj.unique_key] = (str(flat["Id"]), nest(flat))
            else:
                self.catalog_objects.pop(obj.unique_key, None)

    def _count(self, interaction: Interaction, seq: int, sign: int) -> None:
        kinds = self.event_types.setdefault(interaction.profile_id, {})
        counts = kinds.setdefault(interaction.item_id, {})
        kind = interaction.event_type or ""
        counts[kind] = counts.get(kind, 0) + sign
        if counts[kind] <= 0:
            del counts[kind]
            if not counts:
                del kinds[interaction.item_id]
                if not kinds:
                    del self.event_types[interaction.profile_id]
        for aggregate in self.aggregates.values():
            aggregate.apply(interaction, seq, sign)

    def under(self, config_key: str, weigh: Callable[[Interaction], float]) -> Aggregates:
        """The aggregates of one weighting, built from the kept interactions on first use."""
        found = self.aggregates.get(config_key)
        if found is None:
            found = self.aggregates[config_key] = Aggregates(weigh)
            for interaction, seq in self.interactions.values():
                found.apply(interaction, seq, 1)
        return found


def _interaction(
    obj: ProfileObject, profile_id: str | None, targets: dict[str, str]
) -> Interaction | None:
    if profile_id is None:
        return None
    document = obj.document
    item = evaluate(targets["ItemId"], document)
    if not item:
        return None
    stamp = (
        parse_timestamp(evaluate(targets.get("EventTimestamp", ""), document), None)
        if "EventTimestamp" in targets
        else None
    )
    return Interaction(
        profile_id=profile_id,
        item_id=item,
        event_type=evaluate(targets.get("EventType", ""), document),
        value=number(evaluate(targets.get("EventValue", ""), document)),
        at=(stamp or obj.ingested_at).timestamp(),
    )


def inputs(domain: Domain) -> Inputs:
    """The domain's inputs, rebuilt only when an object type's mapping changed."""
    types = domain.collections["object-types"]
    interaction_types = {}
    catalog_types = {}
    for name, object_type in types.items():
        web = _targets(object_type, "_webAnalytics.")
        if "ItemId" in web:
            interaction_types[name] = web
        catalog = _targets(object_type, "_catalogItem.")
        if "Id" in catalog:
            catalog_types[name] = catalog
    signature = json.dumps([interaction_types, catalog_types], sort_keys=True)
    found: Inputs | None = domain.state.get(STATE)
    if found is None or found.signature != signature:
        found = domain.state[STATE] = Inputs(signature, interaction_types, catalog_types)
        for name in [n for n in types if n in interaction_types or n in catalog_types]:
            for obj in list(domain.store.objects_of_type.get(name, {}).values()):
                found.add(obj, obj.profile_id, 1)
    return found


@events.subscribe
def _keep_inputs(domain: Domain, change: events.Change) -> None:
    """Object by object, both ways (a rollback's inverse changes come through here too)."""
    found: Inputs | None = domain.state.get(STATE)
    if found is None or change.obj is None:
        return
    if change.kind == events.OBJECT_ADDED:
        found.add(change.obj, change.profile_id, 1)
    elif change.kind == events.OBJECT_REMOVED:
        found.add(change.obj, change.profile_id, -1)

"""Calculated attributes (reference §5): definitions and their per-profile values.

Definitions live in ``domain.collections["calculated-attributes"]`` (taggable by ARN).
Values are kept current by subscribing to the domain's change stream: every object of a
definition's type that passes its Filter becomes an entry of the profile's series, and
leaves it when the object is replaced, moved by a merge, deleted or expired. Reads then
look at one profile's series only (see ``calc_engine``).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .. import timing
from ..clock import now
from ..exceptions import BadRequestException
from . import events
from .base import CoreBackend
from .calc_engine import (
    Entry,
    Expression,
    Series,
    compute,
    filter_fields,
    parse_expression,
    parse_timestamp,
    passes,
    window,
)
from .domains import Domain
from .mapping import compiled, standard_objects
from .pagination import paginate
from .store import ProfileObject
from .templates import template

KIND = "calculated-attributes"


@dataclass
class Definition:
    name: str
    arn: str
    display_name: str | None
    description: str | None
    attribute_details: dict[str, Any]
    expression: Expression
    statistic: str
    conditions: dict[str, Any] | None
    filter: dict[str, Any] | None
    use_historical_data: bool
    created_at: datetime
    last_updated_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    #: epoch seconds before which objects never count again: set when an update widens
    #: the Range, which "will not trigger inclusion of historical data" outside the old one
    floor: float | None = None
    #: bumped when the conditions change, so results cached under the old ones are stale
    version: int = 0
    #: the series group it reads (:meth:`reads`, fixed at creation)
    group: tuple[str, ...] = ()
    #: the first object sequence number after its creation: without historical data,
    #: only objects from there on count (its group may hold older ones)
    first_seq: int = 0

    def reads(self) -> tuple[str, ...]:
        """What decides the entries objects make: definitions alike keep one series a
        profile. Those that leave out older objects share a group of their own, which
        holds what its first member counts; each later one skips what came before it."""
        span = (self.conditions or {}).get("Range") or {}
        return (
            self.expression.text,
            json.dumps(self.filter, sort_keys=True),
            str(span.get("TimestampSource")),
            str(span.get("TimestampFormat")),
            "historical" if self.use_historical_data else "new",
        )

    def status(self) -> tuple[str, int]:
        if not self.use_historical_data:
            return "COMPLETED", 100
        return timing.CALCULATED_ATTRIBUTE_BACKFILL.status(self.created_at)

    def describe(self) -> dict[str, Any]:
        status, percent = self.status()
        readiness = None
        if self.use_historical_data:
            message = (
                "Historical data is included."
                if status == "COMPLETED"
                else ("Historical data is being processed.")
            )
            readiness = {"ProgressPercentage": percent, "Message": message}
        return {
            "CalculatedAttributeName": self.name,
            "DisplayName": self.display_name,
            "Description": self.description,
            "AttributeDetails": self.attribute_details,
            "Conditions": self.conditions,
            "Filter": self.filter,
            "Statistic": self.statistic,
            "UseHistoricalData": self.use_historical_data,
            "Status": status,
            "Readiness": readiness,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }


@dataclass
class CalcState:
    """A domain's values: group -> profile id -> series; type -> definitions.

    Definitions that read alike (:meth:`Definition.reads`: a count, a sum and an average
    of one field) share one group, so one series a profile serves them all (memory,
    issue 15); ``members`` says which definitions a group still serves.
    """

    series: dict[tuple[str, ...], dict[str, Series]] = field(default_factory=dict)
    members: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    #: a group without historical data: the object sequence number it starts from
    starts: dict[tuple[str, ...], int] = field(default_factory=dict)
    by_type: dict[str, set[str]] = field(default_factory=dict)


def _state(domain: Domain) -> CalcState:
    found: CalcState | None = domain.state.get(KIND)
    if found is None:
        found = domain.state[KIND] = CalcState()
    return found


def _type_fields(domain: Domain, type_name: str) -> dict[str, Any] | None:
    defined = domain.collections["object-types"].get(type_name)
    if defined is not None:
        return dict(defined.fields)
    source = template(type_name)
    return dict(source.get("Fields", {})) if source else None


def _standard_fields(domain: Domain, type_name: str, standard: str) -> dict[str, Any]:
    """A type's fields seen as the standard object they feed: ``Seat.Price`` -> its field.

    A definition over a standard object (``{_airSegment.Seat.Price}``) reads every object
    whose type maps into it, each through its own type's mapping.
    """
    prefix = standard + "."
    return {
        spec["Target"][len(prefix) :]: spec
        for spec in (_type_fields(domain, type_name) or {}).values()
        if str(spec.get("Target", "")).startswith(prefix)
    }


def _feeds(domain: Domain, type_name: str) -> set[str]:
    """The names a definition may read objects of this type under: its own, and every
    standard object its fields target."""
    targets = (str(f.get("Target", "")) for f in (_type_fields(domain, type_name) or {}).values())
    return {type_name} | {t.split(".", 1)[0] for t in targets if t.split(".", 1)[0] in STANDARD}


STANDARD = standard_objects()


def _reader(
    domain: Domain, definition: Definition, object_type: str
) -> Callable[[ProfileObject], Entry | None]:
    """The entry an object of one type contributes (None when the Filter leaves it out),
    with the type's mapping looked up and its Sources compiled once: a back-fill reads
    every object of the type through one reader."""
    read_as = definition.expression.object_type
    standard = read_as in STANDARD
    fields = (
        _standard_fields(domain, object_type, read_as)
        if standard
        else _type_fields(domain, object_type) or {}
    )
    wanted = set(definition.expression.fields) | filter_fields(definition.filter)
    sources = [(name, compiled(fields.get(name, {}).get("Source", ""))) for name in wanted]
    check = definition.filter
    expression = definition.expression
    stamp_of: Callable[[dict[str, Any]], Any] | None = None
    layout = None
    source = ((definition.conditions or {}).get("Range") or {}).get("TimestampSource")
    if source:
        path = source.strip().strip("{}").split(".", 1)[1]
        layout = definition.conditions["Range"].get("TimestampFormat")  # type: ignore[index]
        if standard:
            stamp_of = compiled(fields.get(path, {}).get("Source", ""))
        else:
            stamp_of = functools.partial(_raw, path="_source." + path)

    def read(obj: ProfileObject) -> Entry | None:
        document = obj.document
        values = {name: get(document) for name, get in sources}
        if check and not passes(check, values):
            return None
        stamp = obj.ingested_at
        if stamp_of is not None:
            stamp = parse_timestamp(stamp_of(document), layout) or stamp
        return Entry(stamp.timestamp(), obj.seq, obj.unique_key, expression.evaluate(values))

    return read


def _entry(domain: Domain, definition: Definition, obj: ProfileObject) -> Entry | None:
    """The entry one object contributes (the write path: one object, one reader)."""
    return _reader(domain, definition, obj.object_type)(obj)


def _raw(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split(".")[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _fill(
    domain: Domain, definition: Definition, by_profile: dict[str, Series], since: int
) -> None:
    """Entries of every object the definition reads (from sequence number ``since`` on)
    into a group's series: a back-fill."""
    for type_name, objects in domain.store.objects_of_type.items():
        if definition.expression.object_type not in _feeds(domain, type_name):
            continue
        read = _reader(domain, definition, type_name)
        for obj in objects.values():
            if obj.profile_id and obj.seq >= since:
                entry = read(obj)
                if entry is not None:
                    series = by_profile.get(obj.profile_id)
                    if series is None:
                        series = by_profile[obj.profile_id] = Series()
                    series.add(entry)


def _regroup(domain: Domain, definition: Definition) -> None:
    """An update changed what a definition's entries are (its TimestampSource or
    TimestampFormat): it leaves its group for one of its own, filled as it now reads,
    so that the others in the old group keep theirs."""
    state = _state(domain)
    _leave(state, definition)
    definition.group = (*definition.reads(), f"updated:{definition.name}:{definition.version}")
    state.members[definition.group] = {definition.name}
    since = 0 if definition.use_historical_data else definition.first_seq
    if since:
        state.starts[definition.group] = since
    _fill(domain, definition, state.series.setdefault(definition.group, {}), since)


def _leave(state: CalcState, definition: Definition) -> None:
    """Take a definition out of its group; the group goes with its last member."""
    members = state.members.get(definition.group, set())
    members.discard(definition.name)
    if not members:
        state.members.pop(definition.group, None)
        state.series.pop(definition.group, None)
        state.starts.pop(definition.group, None)


@events.subscribe
def _follow_changes(domain: Domain, change: events.Change) -> None:
    state: CalcState | None = domain.state.get(KIND)
    if state is None:
        return
    obj = change.obj
    if change.kind == events.PROFILE_REMOVED:
        for by_profile in state.series.values():
            by_profile.pop(change.profile_id or "", None)
    elif obj is not None and change.profile_id:
        definitions = domain.collections[KIND]
        groups = {
            definitions[name].group: definitions[name]
            for read_as in _feeds(domain, obj.object_type)
            for name in state.by_type.get(read_as, ())
        }
        for group, definition in groups.items():  # any member reads for its group
            by_profile = state.series.setdefault(group, {})
            if change.kind == events.OBJECT_REMOVED:
                if change.profile_id in by_profile:
                    by_profile[change.profile_id].remove(obj.unique_key)
                continue
            if obj.seq < state.starts.get(group, 0):
                continue  # older than the group's first member, which skips old objects
            entry = _entry(domain, definition, obj)
            if entry is not None:
                series = by_profile.get(change.profile_id)
                if series is None:
                    series = by_profile[change.profile_id] = Series()
                series.add(entry)


def value_of(
    domain: Domain,
    name: str,
    profile_id: str,
    override: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One definition's value for one profile, in the shape the read operations answer."""
    definition: Definition = domain.collections[KIND][name]
    series = _state(domain).series.get(definition.group, {}).get(profile_id)
    result = compute(
        series,
        definition.statistic,
        definition.conditions,
        override,
        now(),
        definition.floor,
        (name, definition.version),
        None if definition.use_historical_data else definition.first_seq,
    )
    status, _ = definition.status()
    return {
        "CalculatedAttributeName": name,
        "DisplayName": definition.display_name,
        "IsDataPartial": "false" if status == "COMPLETED" else "true",
        "Value": result.value,
        "LastObjectTimestamp": (
            datetime.fromtimestamp(result.last_timestamp, timezone.utc)
            if result.last_timestamp is not None
            else None
        ),
    }


class CalculatedAttributesMixin(CoreBackend):
    def _definition(self, domain: Domain, name: str) -> Definition:
        found: Definition = domain.named(KIND, name, "Calculated attribute definition")
        return found

    @staticmethod
    def _check_conditions(conditions: dict[str, Any] | None, type_name: str) -> None:
        spec = (conditions or {}).get("Range") or {}
        source = spec.get("TimestampSource")
        if source is not None:
            parts = source.strip().removeprefix("{").removesuffix("}").split(".", 1)
            if not (source.startswith("{") and source.endswith("}")) or len(parts) != 2:
                raise BadRequestException(
                    f"TimestampSource {source!r} must be written {{{type_name}.path.to.field}}"
                )
            if parts[0] != type_name:
                raise BadRequestException(
                    f"TimestampSource {source!r} must read the expression's object type {type_name}"
                )
        bounds = spec.get("ValueRange")
        if bounds and bounds["Start"] < bounds["End"]:
            raise BadRequestException(
                "Range.ValueRange.Start must be at least End: both count days back from now"
            )
        threshold = (conditions or {}).get("Threshold")
        if threshold and threshold["Operator"] in ("GREATER_THAN", "LESS_THAN"):
            try:
                float(threshold["Value"])
            except ValueError:
                raise BadRequestException(
                    f"Threshold value {threshold['Value']!r} must be a number for "
                    f"{threshold['Operator']}"
                ) from None

    def create_calculated_attribute_definition(
        self,
        domain_name: str,
        calculated_attribute_name: str,
        attribute_details: dict[str, Any],
        statistic: str,
        display_name: str | None = None,
        description: str | None = None,
        conditions: dict[str, Any] | None = None,
        filter: dict[str, Any] | None = None,
        use_historical_data: bool | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if calculated_attribute_name in domain.collections[KIND]:
            raise BadRequestException(
                f"Calculated attribute definition with name {calculated_attribute_name} "
                "already exists"
            )
        expression = parse_expression(attribute_details["Expression"])
        # A standard object (_order, _airSegment, ...) is read through the types that map
        # into it; any path under it is one of its fields, as in a mapping's Target.
        fields = _type_fields(domain, expression.object_type)
        if fields is None and expression.object_type not in STANDARD:
            raise BadRequestException(
                f"Object type {expression.object_type} does not exist in domain {domain_name}"
            )
        named = {a["Name"] for a in attribute_details["Attributes"]}
        wanted = set(expression.fields) | named | filter_fields(filter)
        unknown = sorted(wanted - set(fields)) if fields is not None else []
        if unknown:
            raise BadRequestException(
                f"Object type {expression.object_type} has no field {', '.join(unknown)}"
            )
        self._check_conditions(conditions, expression.object_type)
        stamp = now()
        definition = Definition(
            name=calculated_attribute_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{calculated_attribute_name}"),
            display_name=display_name,
            description=description,
            attribute_details=copy.deepcopy(attribute_details),
            expression=expression,
            statistic=statistic,
            conditions=copy.deepcopy(conditions),
            filter=copy.deepcopy(filter),
            use_historical_data=bool(use_historical_data),
            created_at=stamp,
            last_updated_at=stamp,
            tags=dict(tags or {}),
        )
        definition.group = definition.reads()
        definition.first_seq = domain.store.next_object_seq()
        domain.collections[KIND][calculated_attribute_name] = definition
        state = _state(domain)
        state.by_type.setdefault(expression.object_type, set()).add(calculated_attribute_name)
        members = state.members.setdefault(definition.group, set())
        members.add(calculated_attribute_name)
        if not definition.use_historical_data:
            state.starts.setdefault(definition.group, definition.first_seq)
        by_profile = state.series.setdefault(definition.group, {})
        if definition.use_historical_data and len(members) == 1:  # else its group is there
            _fill(domain, definition, by_profile, 0)
        return definition.describe()

    def get_calculated_attribute_definition(
        self, domain_name: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        return self._definition(domain, calculated_attribute_name).describe()

    def update_calculated_attribute_definition(
        self,
        domain_name: str,
        calculated_attribute_name: str,
        display_name: str | None = None,
        description: str | None = None,
        conditions: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        definition = self._definition(domain, calculated_attribute_name)
        if conditions is not None:
            self._check_conditions(conditions, definition.expression.object_type)
        if display_name is not None:
            definition.display_name = display_name
        if description is not None:
            definition.description = description
        if conditions is not None and conditions != definition.conditions:
            at = now().timestamp()
            old = window(definition.conditions or {}, None, at)
            if old is not None:
                definition.floor = max(definition.floor or old[0], old[0])
            definition.conditions = copy.deepcopy(conditions)
            definition.version += 1  # cached results were for the old conditions
            reads = definition.reads()
            if reads != definition.group[: len(reads)]:
                _regroup(domain, definition)
        definition.last_updated_at = now()
        return definition.describe()

    def delete_calculated_attribute_definition(
        self, domain_name: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        definition = self._definition(domain, calculated_attribute_name)
        del domain.collections[KIND][calculated_attribute_name]
        state = _state(domain)
        _leave(state, definition)
        state.by_type.get(definition.expression.object_type, set()).discard(
            calculated_attribute_name
        )
        return {}

    def list_calculated_attribute_definitions(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[KIND].values()), lambda d: d.name, next_token, max_results
        )
        return {"Items": [d.describe() for d in page], "NextToken": token}

    def get_calculated_attribute_for_profile(
        self, domain_name: str, profile_id: str, calculated_attribute_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._definition(domain, calculated_attribute_name)
        self.profile(domain, profile_id)
        return value_of(domain, calculated_attribute_name, profile_id)

    def list_calculated_attributes_for_profile(
        self,
        domain_name: str,
        profile_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self.profile(domain, profile_id)
        page, token = paginate(list(domain.collections[KIND]), str, next_token, max_results)
        return {"Items": [value_of(domain, n, profile_id) for n in page], "NextToken": token}

    def batch_get_calculated_attribute_for_profile(
        self,
        domain_name: str,
        calculated_attribute_name: str,
        profile_ids: list[str],
        condition_overrides: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._definition(domain, calculated_attribute_name)
        spec = (condition_overrides or {}).get("Range")
        if spec and spec.get("End") is not None and spec["Start"] < spec["End"]:
            raise BadRequestException("ConditionOverrides.Range.Start must be at least End")
        values, errors = [], []
        for profile_id in dict.fromkeys(profile_ids):
            if profile_id not in domain.profiles:
                errors.append(
                    {
                        "Code": "404",
                        "Message": f"Profile {profile_id} does not exist.",
                        "ProfileId": profile_id,
                    }
                )
                continue
            found = value_of(domain, calculated_attribute_name, profile_id, condition_overrides)
            values.append({**found, "ProfileId": profile_id})
        return {
            "CalculatedAttributeValues": values,
            "Errors": errors,
            "ConditionOverrides": condition_overrides,
        }

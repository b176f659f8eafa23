"""Event triggers (reference §8.3, seed 2026-05-28 for the MINUTES unit).

A trigger is evaluated on every ingestion of its object type: its conditions are ORed,
each condition combines its dimensions with its LogicalOperator, and each dimension ANDs
its object attributes (read by Source from the raw object, or by FieldName through the
object type). The SegmentFilter limits firing to that segment's members, and the period
limits count each profile's earlier firings on the mock's clock. Every firing is kept in
the outbox (``customerprofiles_mock.outbox().event_triggers``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import effects
from ..clock import now
from ..exceptions import BadRequestException
from . import events, journal, segments
from .base import CoreBackend
from .compare import combine, matcher
from .domains import Domain
from .mapping import check_source, evaluate
from .pagination import paginate

KIND = "event-triggers"
UNITS = {
    "MINUTES": timedelta(minutes=1),
    "HOURS": timedelta(hours=1),
    "DAYS": timedelta(days=1),
    "WEEKS": timedelta(weeks=1),
    "MONTHS": timedelta(days=30),  # a month counts as 30 days [inference]
}
#: Firings a period allows when it sets neither a maximum nor Unlimited [inference].
DEFAULT_MAX_INVOCATIONS = 1


@dataclass
class EventTrigger:
    name: str
    arn: str
    object_type: str
    description: str | None
    conditions: list[dict[str, Any]]
    segment_filter: str | None
    limits: dict[str, Any] | None
    created_at: datetime
    last_updated_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    #: profile id -> when this trigger fired for it (what its limits count); kept on the
    #: trigger, so a trigger created again under the same name starts from none
    firings: dict[str, list[datetime]] = field(default_factory=dict, repr=False, compare=False)
    #: (object type record, its last update, trigger's last update) -> prepared check
    prepared: tuple[Any, Any, Any, Check] | None = field(default=None, repr=False, compare=False)

    def check(self, object_type: Any) -> Check:
        found = self.prepared
        updated = getattr(object_type, "last_updated_at", None)
        if (
            found is None
            or found[0] is not object_type
            or found[1] != updated
            or found[2] != self.last_updated_at
        ):
            fields = dict(object_type.fields) if object_type is not None else {}
            found = (
                object_type,
                updated,
                self.last_updated_at,
                compile_conditions(self.conditions, fields),
            )
            self.prepared = found
        return found[3]

    def describe(self) -> dict[str, Any]:
        return {
            "EventTriggerName": self.name,
            "ObjectTypeName": self.object_type,
            "Description": self.description,
            "EventTriggerConditions": self.conditions,
            "SegmentFilter": self.segment_filter,
            "EventTriggerLimits": self.limits,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }


Check = Callable[[dict[str, Any], dict[str, Any]], bool]
_MISSING = object()


def compile_conditions(conditions: list[dict[str, Any]], fields: dict[str, Any]) -> Check:
    """ORed conditions of dimensions (by LogicalOperator) of ANDed attributes, prepared
    once per trigger and object type: ``check(document, seen)`` where ``seen`` caches each
    Source's value for one object, shared by every trigger."""
    prepared = []
    for condition in conditions:
        dimensions = [
            [
                (
                    _accessor(attribute.get("Source"), fields)
                    or fields.get(attribute.get("FieldName", ""), {}).get("Source", ""),
                    matcher(attribute["ComparisonOperator"], attribute["Values"]),
                )
                for attribute in dimension["ObjectAttributes"]
            ]
            for dimension in condition["EventTriggerDimensions"]
        ]
        prepared.append((condition["LogicalOperator"], dimensions))

    def check(document: dict[str, Any], seen: dict[str, Any]) -> bool:
        for logical, dimensions in prepared:
            results = []
            for attributes in dimensions:
                holds = True
                for source, test in attributes:
                    value = seen.get(source, _MISSING)
                    if value is _MISSING:
                        value = seen[source] = evaluate(source, document)
                    if not test(value):
                        holds = False
                        break
                results.append(holds)
            if combine(logical, results):
                return True
        return False

    return check


_REFERENCE = re.compile(r"^\{\s*([A-Za-z_][A-Za-z0-9_-]*)\.([^{}\s]+)\s*\}$")


def _accessor(source: str | None, fields: dict[str, Any]) -> str | None:
    """An ObjectAttribute Source as a ``_source`` accessor. ``{Type.path}`` (the form
    calculated attributes use) reads ``path`` of the object; ``{_standard.path}`` reads
    the field the object type maps to that standard-object path [inference]."""
    found = _REFERENCE.match(source or "")
    if found is None:
        return source
    name, path = found.groups()
    if name.startswith("_"):
        for spec in fields.values():
            if spec.get("Target") == f"{name}.{path}":
                return str(spec.get("Source", ""))
        return ""
    return f"_source.{path}"


def within_limits(limits: dict[str, Any] | None, fired: list[datetime], at: datetime) -> bool:
    for period in (limits or {}).get("Periods") or []:
        if period.get("Unlimited"):
            continue
        window = UNITS[period["Unit"]] * period["Value"]
        recent = sum(1 for stamp in fired if at - stamp < window)
        if recent >= period.get("MaxInvocationsPerProfile", DEFAULT_MAX_INVOCATIONS):
            return False
    return True


def _horizon(limits: dict[str, Any] | None) -> timedelta | None:
    """How far back any limited period looks; None when nothing is limited."""
    windows = [
        UNITS[p["Unit"]] * p["Value"]
        for p in (limits or {}).get("Periods") or []
        if not p.get("Unlimited")
    ]
    return max(windows) if windows else None


@events.subscribe
def _evaluate(domain: Domain, change: events.Change) -> None:
    triggers: dict[str, EventTrigger] = domain.collections[KIND]
    obj = change.obj
    if (
        not triggers
        or change.kind != events.OBJECT_ADDED
        or obj is None
        or change.reason in ("MERGED", journal.ROLLBACK)
        or change.profile_id is None
        or domain.sink is None
    ):
        return
    relevant = [t for t in triggers.values() if t.object_type == obj.object_type]
    if not relevant:
        return
    document = obj.document
    object_type = domain.collections["object-types"].get(obj.object_type)
    profile = domain.profiles.get(change.profile_id)
    stamp = now()
    seen: dict[str, str | None] = {}
    for trigger in relevant:
        if not trigger.check(object_type)(document, seen):
            continue
        if trigger.segment_filter is not None:
            segment = domain.collections[segments.KIND].get(trigger.segment_filter)
            if (
                segment is None
                or profile is None
                or not segments.is_member(domain, segment, profile)
            ):
                continue
        fired = trigger.firings.get(change.profile_id, [])
        if not within_limits(trigger.limits, fired, stamp):
            continue
        horizon = _horizon(trigger.limits)
        if horizon is not None:  # only firings a limit can still count are kept
            journal.record(_restorer(trigger.firings, change.profile_id))
            trigger.firings[change.profile_id] = [
                *(f for f in fired if stamp - f < horizon),
                stamp,
            ]
        effects.keep_firing(
            domain.sink[0],
            {
                "EventTriggerName": trigger.name,
                "DomainName": domain.name,
                "ProfileId": change.profile_id,
                "ObjectTypeName": obj.object_type,
                "ProfileObjectUniqueKey": obj.unique_key,
                "FiredAt": stamp,
            },
        )


def _restorer(firings: dict[str, list[datetime]], profile_id: str) -> Callable[[], None]:
    """How to put one profile's firings back as they are now (for a failed call)."""
    was = firings.get(profile_id)

    def restore() -> None:
        if was is None:
            firings.pop(profile_id, None)
        else:
            firings[profile_id] = was

    return restore


class EventTriggersMixin(CoreBackend):
    def _trigger(self, domain: Domain, name: str) -> EventTrigger:
        found: EventTrigger = domain.named(KIND, name, "Event trigger")
        return found

    def _check_trigger(
        self,
        domain: Domain,
        object_type_name: str,
        conditions: list[dict[str, Any]],
        segment_filter: str | None,
        limits: dict[str, Any] | None,
    ) -> None:
        object_type = domain.collections["object-types"].get(object_type_name)
        if object_type is None:
            raise BadRequestException(
                f"Object type {object_type_name} does not exist in domain {domain.name}"
            )
        for condition in conditions:
            for dimension in condition["EventTriggerDimensions"]:
                for attribute in dimension["ObjectAttributes"]:
                    source, name = attribute.get("Source"), attribute.get("FieldName")
                    if bool(source) == bool(name):
                        raise BadRequestException(
                            "Each ObjectAttribute needs exactly one of Source and FieldName"
                        )
                    if source:
                        if not _REFERENCE.match(source):
                            check_source("ObjectAttributes", source)
                    elif name not in object_type.fields:
                        raise BadRequestException(
                            f"Object type {object_type_name} has no field {name}"
                        )
                    if (
                        attribute["ComparisonOperator"] in ("BETWEEN", "NOT_BETWEEN")
                        and len(attribute["Values"]) != 2
                    ):
                        raise BadRequestException(
                            f"{attribute['ComparisonOperator']} takes exactly two values"
                        )
        if segment_filter is not None and segment_filter not in domain.collections[segments.KIND]:
            raise BadRequestException(
                f"SegmentFilter names segment {segment_filter}, which does not exist"
            )
        for period in (limits or {}).get("Periods") or []:
            if period.get("Unlimited") and period.get("MaxInvocationsPerProfile") is not None:
                raise BadRequestException(
                    "A period sets either MaxInvocationsPerProfile or Unlimited, not both"
                )

    def create_event_trigger(
        self,
        domain_name: str,
        event_trigger_name: str,
        object_type_name: str,
        event_trigger_conditions: list[dict[str, Any]],
        description: str | None = None,
        segment_filter: str | None = None,
        event_trigger_limits: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if event_trigger_name in domain.collections[KIND]:
            raise BadRequestException(
                f"Event trigger with name {event_trigger_name} already exists"
            )
        self._check_trigger(
            domain, object_type_name, event_trigger_conditions, segment_filter, event_trigger_limits
        )
        stamp = now()
        trigger = EventTrigger(
            name=event_trigger_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{event_trigger_name}"),
            object_type=object_type_name,
            description=description,
            conditions=copy.deepcopy(event_trigger_conditions),
            segment_filter=segment_filter,
            limits=copy.deepcopy(event_trigger_limits),
            created_at=stamp,
            last_updated_at=stamp,
            tags=dict(tags or {}),
        )
        domain.collections[KIND][event_trigger_name] = trigger
        return trigger.describe()

    def get_event_trigger(self, domain_name: str, event_trigger_name: str) -> dict[str, Any]:
        return self._trigger(self.domain(domain_name), event_trigger_name).describe()

    def update_event_trigger(
        self,
        domain_name: str,
        event_trigger_name: str,
        object_type_name: str | None = None,
        description: str | None = None,
        event_trigger_conditions: list[dict[str, Any]] | None = None,
        segment_filter: str | None = None,
        event_trigger_limits: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        trigger = self._trigger(domain, event_trigger_name)
        self._check_trigger(
            domain,
            object_type_name or trigger.object_type,
            event_trigger_conditions or trigger.conditions,
            segment_filter if segment_filter is not None else trigger.segment_filter,
            event_trigger_limits if event_trigger_limits is not None else trigger.limits,
        )
        if object_type_name is not None:
            trigger.object_type = object_type_name
        if description is not None:
            trigger.description = description
        if event_trigger_conditions is not None:
            trigger.conditions = copy.deepcopy(event_trigger_conditions)
        if segment_filter is not None:
            trigger.segment_filter = segment_filter
        if event_trigger_limits is not None:
            trigger.limits = copy.deepcopy(event_trigger_limits)
        trigger.last_updated_at = now()
        return trigger.describe()

    def delete_event_trigger(self, domain_name: str, event_trigger_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._trigger(domain, event_trigger_name)
        users = sorted(
            uri
            for uri, integration in domain.collections["integrations"].items()
            if event_trigger_name in (integration.event_trigger_names or [])
        )
        if users:
            raise BadRequestException(
                f"Event trigger {event_trigger_name} is used by integration {', '.join(users)}; "
                "remove it from the integration first"
            )
        del domain.collections[KIND][event_trigger_name]
        return {"Message": f"Event trigger {event_trigger_name} was deleted."}

    def list_event_triggers(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[KIND].values()), lambda t: t.name, next_token, max_results
        )
        keep = (
            "ObjectTypeName",
            "EventTriggerName",
            "Description",
            "CreatedAt",
            "LastUpdatedAt",
            "Tags",
        )
        return {
            "Items": [{k: v for k, v in t.describe().items() if k in keep} for t in page],
            "NextToken": token,
        }

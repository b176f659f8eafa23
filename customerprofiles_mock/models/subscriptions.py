"""Segment subscriptions and the segment membership stream (reference §6.4).

A subscription keeps its segment's member set. CLASSIC segments are re-checked for the
profile every change touches and record LIVE JOINED/LEFT events at once; every segment is
also re-evaluated when its schedule comes due on the mock's clock (checked whenever the
domain is accessed) and records SCHEDULE events for what changed meanwhile, which is how
ENHANCED (SQL) segments report. With a stream associated, each event is also written to
that Kinesis stream (moto's, under mock_aws; the outbox always).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import effects, timing
from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from . import events, journal, segments
from .base import CoreBackend
from .domains import Domain
from .pagination import paginate
from .segments import Segment, is_member, member_ids

STATE = "subscriptions"
DEFAULT_SCHEDULE = {"Interval": 24, "Unit": "HOURLY"}
_KINESIS_ARN = "arn:aws:kinesis:"


@dataclass
class Subscription:
    segment: str
    schedule: dict[str, Any]
    started_at: datetime
    last_updated_at: datetime
    next_due: datetime
    member_ids: set[str] = field(default_factory=set)
    events: list[dict[str, Any]] = field(default_factory=list)
    last_executed: datetime | None = None


@dataclass
class Stream:
    destination_arn: str
    role_arn: str
    associated_at: datetime
    disassociated_at: datetime | None = None
    failure: str | None = None


@dataclass
class SubscriptionState:
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    stream: Stream | None = None


def _state(domain: Domain) -> SubscriptionState:
    found: SubscriptionState | None = domain.state.get(STATE)
    if found is None:
        found = domain.state[STATE] = SubscriptionState()
    return found


def _existing(domain: Domain) -> SubscriptionState:
    """The domain's state for reads: an empty one (not stored) when there is none yet."""
    found: SubscriptionState | None = domain.state.get(STATE)
    return found if found is not None else SubscriptionState()


def _interval(schedule: dict[str, Any]) -> timedelta:
    return timedelta(hours=schedule.get("Interval", 24))


def _record(
    domain: Domain,
    state: SubscriptionState,
    sub: Subscription,
    profile_id: str,
    kind: str,
    event: str,
    at: datetime,
) -> None:
    entry = {"ProfileId": profile_id, "UpdatedAt": at, "EventType": kind, "Event": event}
    sub.events.append(entry)
    journal.record(sub.events.pop)
    stream = state.stream
    if stream is None or stream.disassociated_at is not None or domain.sink is None:
        return
    outbox, account_id, region = domain.sink
    data = json.dumps(
        {
            "DomainName": domain.name,
            "SegmentName": sub.segment,
            "ProfileId": profile_id,
            "EventType": kind,
            "Event": event,
            "UpdatedAt": at.isoformat(),
        }
    ).encode()
    try:
        effects.put_kinesis_record(
            outbox, account_id, region, stream.destination_arn, data, profile_id
        )
    except effects.DeliveryError as error:
        stream.failure = str(error)
    else:
        stream.failure = None


@events.subscribe
def _follow_changes(domain: Domain, change: events.Change) -> None:
    state: SubscriptionState | None = domain.state.get(STATE)
    if state is None or not state.subscriptions or change.profile_id is None:
        return
    profile = domain.profiles.get(change.profile_id)
    stamp = now()
    for sub in state.subscriptions.values():
        segment: Segment | None = domain.collections[segments.KIND].get(sub.segment)
        if segment is None or segment.sql is not None:
            continue  # ENHANCED segments report on their schedule only
        present = profile is not None and is_member(domain, segment, profile)
        was = change.profile_id in sub.member_ids
        quiet = change.reason == journal.ROLLBACK  # membership goes back, unannounced
        if present and not was:
            sub.member_ids.add(change.profile_id)
            if not quiet:
                _record(domain, state, sub, change.profile_id, "LIVE", "JOINED", stamp)
        elif was and not present:
            sub.member_ids.discard(change.profile_id)
            if not quiet:
                _record(domain, state, sub, change.profile_id, "LIVE", "LEFT", stamp)


@events.on_tick
def _run_schedules(domain: Domain) -> None:
    state: SubscriptionState | None = domain.state.get(STATE)
    if state is None or not state.subscriptions:
        return
    stamp = now()
    for sub in state.subscriptions.values():
        if sub.next_due > stamp:
            continue
        due = sub.next_due
        while sub.next_due <= stamp:
            due = sub.next_due
            sub.next_due += _interval(sub.schedule)
        segment: Segment | None = domain.collections[segments.KIND].get(sub.segment)
        if segment is None:
            continue
        current = member_ids(domain, segment)
        for profile_id in sorted(current - sub.member_ids):
            _record(domain, state, sub, profile_id, "SCHEDULE", "JOINED", due)
        for profile_id in sorted(sub.member_ids - current):
            _record(domain, state, sub, profile_id, "SCHEDULE", "LEFT", due)
        sub.member_ids = current
        sub.last_executed = due


def _forget(domain: Domain, name: str) -> None:
    state: SubscriptionState | None = domain.state.get(STATE)
    if state is not None:
        state.subscriptions.pop(name, None)


segments.SEGMENT_DELETED.append(_forget)


class SubscriptionsMixin(CoreBackend):
    def _subscription(self, domain: Domain, name: str) -> Subscription:
        found = _existing(domain).subscriptions.get(name)
        if found is None:
            raise ResourceNotFoundException(
                f"Segment definition {name} has no subscription in domain {domain.name}."
            )
        return found

    def put_segment_subscription(
        self,
        domain_name: str,
        segment_definition_name: str,
        schedule_configuration: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        segment: Segment = domain.named(
            segments.KIND, segment_definition_name, "Segment definition"
        )
        state = _state(domain)
        schedule = {**DEFAULT_SCHEDULE, **(schedule_configuration or {})}
        stamp = now()
        sub = state.subscriptions.get(segment_definition_name)
        if sub is None:
            sub = Subscription(
                segment=segment_definition_name,
                schedule=schedule,
                started_at=stamp,
                last_updated_at=stamp,
                next_due=stamp + _interval(schedule),
                member_ids=member_ids(domain, segment),
            )
            state.subscriptions[segment_definition_name] = sub
        else:
            sub.schedule = schedule
            sub.last_updated_at = stamp
            sub.next_due = (sub.last_executed or sub.started_at) + _interval(schedule)
        status, _ = timing.SEGMENT_SUBSCRIPTION.status(sub.started_at)
        return {
            "Status": status,
            "ScheduleConfiguration": sub.schedule,
            "StartedAt": sub.started_at,
        }

    def get_segment_subscription(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        sub = self._subscription(domain, segment_definition_name)
        status, _ = timing.SEGMENT_SUBSCRIPTION.status(sub.started_at)
        return {
            "Status": status,
            "Message": "Subscription is starting." if status == "STARTING" else None,
            "ScheduleConfiguration": sub.schedule,
            "ScheduledExecutions": {
                "NextExecutedAt": sub.next_due,
                "LastExecutedAt": sub.last_executed,
            },
            "StartedAt": sub.started_at,
            "LastUpdatedAt": sub.last_updated_at,
        }

    def delete_segment_subscription(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._subscription(domain, segment_definition_name)
        del _state(domain).subscriptions[segment_definition_name]
        return {"Message": f"Subscription to segment {segment_definition_name} was deleted."}

    def list_segment_subscription_events(
        self,
        domain_name: str,
        segment_definition_name: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        sub = self._subscription(domain, segment_definition_name)
        page, token = paginate(
            list(enumerate(sub.events)), lambda item: item[0], next_token, max_results
        )
        return {"Events": [event for _, event in page], "NextToken": token}

    def associate_stream_for_segments(
        self, domain_name: str, destination_arn: str, destination_role_arn: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if not destination_arn.startswith(_KINESIS_ARN) or ":stream/" not in destination_arn:
            raise BadRequestException(
                f"DestinationArn {destination_arn!r} must be a Kinesis stream ARN "
                "(arn:aws:kinesis:<region>:<account>:stream/<name>)"
            )
        current = _existing(domain).stream
        if current is not None and current.disassociated_at is None:
            raise BadRequestException(
                f"Domain {domain_name} already has a segment stream: disassociate it first"
            )
        state = _state(domain)
        state.stream = Stream(destination_arn, destination_role_arn, now())
        return {}

    def get_stream_for_segments(self, domain_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        state = _existing(domain)
        stream = state.stream
        if stream is None:
            raise ResourceNotFoundException(f"Domain {domain_name} has no segment stream.")
        if stream.disassociated_at is not None:
            health, reason = "STOPPED", None
        elif not effects.kinesis_stream_exists(
            self.account_id, self.region_name, stream.destination_arn
        ):
            health, reason = (
                "UNHEALTHY",
                f"The Kinesis stream {stream.destination_arn} does not exist",
            )
        else:
            health, reason = ("UNHEALTHY", stream.failure) if stream.failure else ("RUNNING", None)
        running = health == "RUNNING"
        return {
            "DomainName": domain_name,
            "DestinationArn": stream.destination_arn,
            "DestinationRoleArn": stream.role_arn,
            "State": health,
            "AssociatedAt": stream.associated_at,
            "DisassociatedAt": stream.disassociated_at,
            "FailureReason": reason,
            "AssociatedSegments": [
                {
                    "SegmentName": name,
                    "Status": "RUNNING"
                    if running
                    else "STOPPED"
                    if health == "STOPPED"
                    else "FAILED",
                    "Message": reason,
                }
                for name in sorted(state.subscriptions)
            ],
        }

    def disassociate_stream_for_segments(self, domain_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        stream = _existing(domain).stream
        if stream is None or stream.disassociated_at is not None:
            raise ResourceNotFoundException(f"Domain {domain_name} has no segment stream.")
        stream.disassociated_at = now()
        return {"Message": f"The segment stream of domain {domain_name} was disassociated."}

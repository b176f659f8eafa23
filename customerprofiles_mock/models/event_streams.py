"""Event streams (reference §8.2): real-time export of profile and object changes to
Kinesis, one active stream per domain.

Every change the store publishes becomes one record shaped as AWS documents its export
records, written to moto's stream under ``mock_aws`` and always kept in the outbox.
A stream moto does not have makes the destination UNHEALTHY (with the time it became
so); it turns HEALTHY once the stream exists.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import effects
from ..clock import now
from ..exceptions import BadRequestException
from . import events, journal
from .base import CoreBackend
from .domains import Domain
from .pagination import paginate
from .store import new_id

KIND = "event-streams"
#: Change kind -> the export record's EventType [inference beyond CREATED].
EVENT_TYPES = {
    events.PROFILE_CREATED: "CREATED",
    events.PROFILE_UPDATED: "UPDATED",
    events.OBJECT_ADDED: "CREATED",
}


@dataclass
class EventStream:
    name: str
    arn: str
    uri: str
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    unhealthy_since: datetime | None = None
    message: str | None = None

    def check(self, account_id: str, region: str) -> None:
        """Follow the destination's health: moto's stream existing or not."""
        if effects.kinesis_stream_exists(account_id, region, self.uri):
            self.unhealthy_since, self.message = None, None
        elif self.unhealthy_since is None:
            self.unhealthy_since = now()
            self.message = f"The Kinesis stream {self.uri} does not exist."

    def status(self) -> str:
        return "UNHEALTHY" if self.unhealthy_since else "HEALTHY"


def _record(domain: Domain, change: events.Change) -> dict[str, Any] | None:
    """The export record for one change, or None for changes a stream does not report."""
    obj = change.obj
    if obj is not None and change.reason in ("MERGED", "REPLACED"):
        return None  # a merge is reported once, on the profile; a replacement as UPDATED
    if change.kind == events.PROFILE_REMOVED:
        event_type, body = ("MERGED" if change.reason == "MERGED" else "DELETED"), change.before
    elif obj is not None:
        replaced = change.kind == events.OBJECT_ADDED and obj.unique_key in _replacing(domain)
        event_type = "UPDATED" if replaced else EVENT_TYPES.get(change.kind, "DELETED")
        body = obj.document
    else:
        profile = domain.profiles.get(change.profile_id or "")
        event_type, body = EVENT_TYPES[change.kind], profile.to_dict() if profile else {}
    return {
        "SchemaVersion": 0,
        "EventId": new_id(),
        "EventTimestamp": now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "EventType": event_type,
        "DomainName": domain.name,
        "ObjectTypeName": obj.object_type if obj is not None else "_profile",
        "AssociatedProfileId": change.profile_id,
        "ProfileObjectUniqueKey": obj.unique_key if obj is not None else None,
        "Object": body,
        "IsMessageRealTime": True,
    }


def _replacing(domain: Domain) -> set[str]:
    found: set[str] = domain.state.setdefault("event-streams.replacing", set())
    return found


@events.subscribe
def _export(domain: Domain, change: events.Change) -> None:
    streams: dict[str, EventStream] = domain.collections[KIND]
    if not streams or domain.sink is None or change.reason == journal.ROLLBACK:
        return
    if change.reason == "REPLACED" and change.obj is not None:
        replacing, key = _replacing(domain), change.obj.unique_key
        if key not in replacing:
            replacing.add(key)
            journal.record(functools.partial(replacing.discard, key))
    record = _record(domain, change)
    if change.kind == events.OBJECT_ADDED and change.obj is not None:
        _replacing(domain).discard(change.obj.unique_key)
    if record is None:
        return
    outbox, account_id, region = domain.sink
    data = json.dumps(record, default=str).encode()
    for stream in streams.values():
        try:
            effects.put_kinesis_record(
                outbox, account_id, region, stream.uri, data, change.profile_id or domain.name
            )
        except effects.DeliveryError as error:
            stream.unhealthy_since = stream.unhealthy_since or now()
            stream.message = str(error)


class EventStreamsMixin(CoreBackend):
    def _event_stream(self, domain: Domain, name: str) -> EventStream:
        found: EventStream = domain.named(KIND, name, "Event stream")
        found.check(self.account_id, self.region_name)
        return found

    def create_event_stream(
        self,
        domain_name: str,
        uri: str,
        event_stream_name: str,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        prefix = f"arn:{self.partition}:kinesis:{self.region_name}:{self.account_id}:stream/"
        if not uri.startswith(prefix) or len(uri) == len(prefix):
            raise BadRequestException(
                f"Uri {uri!r} must be the ARN of a Kinesis stream in this account and region "
                f"({prefix}<name>)"
            )
        # One active stream per domain; a second create, of the same name or another, gets
        # the message AWS's own CloudFormation handler matches on.
        if domain.collections[KIND]:
            raise BadRequestException(
                f"The Customer Profiles Domain: {domain_name} is already associated with an "
                "active EventStream"
            )
        stream = EventStream(
            name=event_stream_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{event_stream_name}"),
            uri=uri,
            created_at=now(),
            tags=dict(tags or {}),
        )
        stream.check(self.account_id, self.region_name)
        domain.collections[KIND][event_stream_name] = stream
        return {"EventStreamArn": stream.arn, "Tags": stream.tags}

    def get_event_stream(self, domain_name: str, event_stream_name: str) -> dict[str, Any]:
        stream = self._event_stream(self.domain(domain_name), event_stream_name)
        return {
            "DomainName": domain_name,
            "EventStreamArn": stream.arn,
            "CreatedAt": stream.created_at,
            "State": "RUNNING",
            "DestinationDetails": {
                "Uri": stream.uri,
                "Status": stream.status(),
                "UnhealthySince": stream.unhealthy_since,
                "Message": stream.message,
            },
            "Tags": stream.tags,
        }

    def delete_event_stream(self, domain_name: str, event_stream_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._event_stream(domain, event_stream_name)
        del domain.collections[KIND][event_stream_name]
        return {}

    def list_event_streams(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        streams = [self._event_stream(domain, n) for n in domain.collections[KIND]]
        page, token = paginate(streams, lambda s: s.name, next_token, max_results)
        items = [
            {
                "DomainName": domain_name,
                "EventStreamName": s.name,
                "EventStreamArn": s.arn,
                "State": "RUNNING",
                "DestinationSummary": {
                    "Uri": s.uri,
                    "Status": s.status(),
                    "UnhealthySince": s.unhealthy_since,
                },
                "Tags": s.tags,
            }
            for s in page
        ]
        return {"Items": items, "NextToken": token}

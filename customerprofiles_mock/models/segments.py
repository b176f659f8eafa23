"""Segment definitions, membership, estimates and snapshots (reference §6.1 to 6.3).

CLASSIC segments (``SegmentGroups``) are evaluated one profile at a time by
``segment_engine``, against the profile as it is now, so membership follows every change
at once. ENHANCED segments (``SegmentSqlQuery``) run through ``segment_sql`` over the
whole domain; their result is cached until the domain changes.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import effects, timing
from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from . import events
from .base import CoreBackend
from .calculated_attributes import value_of
from .compare import number, to_date
from .domains import Domain
from .mapping import string_profile_fields
from .pagination import paginate
from .segment_engine import (
    Context,
    compile_segment,
    referenced_calculated_attributes,
    referenced_segments,
    segment_matches,
)
from .segment_sql import ADDRESS_SUBFIELDS, compile_query
from .segment_tables import SqlTables, check
from .store import ADDRESS_FIELDS, Profile, new_id

KIND = "segment-definitions"
STATE = "segments"
#: Called with (domain, segment name) when a segment is deleted (subscriptions, streams).
SEGMENT_DELETED: list[Callable[[Domain, str], None]] = []


@dataclass
class Segment:
    name: str
    arn: str
    display_name: str
    description: str | None
    groups: dict[str, Any] | None
    sql: str | None
    compiled: str | None
    sort: dict[str, Any] | None
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def segment_type(self) -> str:
        return "ENHANCED" if self.sql is not None else "CLASSIC"

    def summary(self) -> dict[str, Any]:
        return {
            "SegmentDefinitionName": self.name,
            "DisplayName": self.display_name,
            "Description": self.description,
            "SegmentDefinitionArn": self.arn,
            "CreatedAt": self.created_at,
            "Tags": self.tags,
            "SegmentType": self.segment_type,
        }


@dataclass
class Estimate:
    id: str
    started: datetime
    count: int


@dataclass
class Snapshot:
    id: str
    data_format: str
    started: datetime
    failure: str | None
    encryption_key: str | None
    role_arn: str | None
    destination_uri: str | None


@dataclass
class SegmentState:
    version: int = 0
    sql_results: dict[str, tuple[int, list[str], datetime, set[str]]] = field(default_factory=dict)
    estimates: dict[str, Estimate] = field(default_factory=dict)
    snapshots: dict[tuple[str, str], Snapshot] = field(default_factory=dict)


def segment_state(domain: Domain) -> SegmentState:
    found: SegmentState | None = domain.state.get(STATE)
    if found is None:
        found = domain.state[STATE] = SegmentState()
    return found


@events.subscribe
def _count_changes(domain: Domain, _change: events.Change) -> None:
    """Any change may move an ENHANCED segment's result: bump the domain's version."""
    state: SegmentState | None = domain.state.get(STATE)
    if state is not None:
        state.version += 1


SQL_TABLES = "segments.sql-tables"


def sql_tables(domain: Domain) -> SqlTables:
    """The domain's SQL tables: built the first time it answers SQL, kept current by
    :func:`_keep_sql_tables` from then on; a type whose definition changed is refilled."""
    types = domain.collections["object-types"]
    tables: SqlTables | None = domain.state.get(SQL_TABLES)
    if tables is None:
        tables = domain.state[SQL_TABLES] = SqlTables()
        for profile in domain.store.ordered_profiles(domain.profiles):
            tables.put_profile(profile)
    refill = {
        name for name, object_type in types.items() if tables.sync_type(name, object_type.fields)
    }
    for gone in [name for name in tables.types if name not in types]:
        tables.sync_type(gone, None)
    if refill:
        for obj in domain.store.objects_by_key.values():
            if obj.object_type in refill:
                tables.put_object(obj, types[obj.object_type].fields)
    return tables


def _schema_tables(domain: Domain) -> SqlTables:
    """Tables with no rows, for checking a query in a domain that has not run SQL yet."""
    tables = SqlTables()
    for name, object_type in domain.collections["object-types"].items():
        tables.sync_type(name, object_type.fields)
    return tables


@events.subscribe
def _keep_sql_tables(domain: Domain, change: events.Change) -> None:
    """Row by row: a profile upserted or deleted, an object inserted or deleted."""
    tables: SqlTables | None = domain.state.get(SQL_TABLES)
    if tables is None:
        return
    obj = change.obj
    if change.kind in (events.PROFILE_CREATED, events.PROFILE_UPDATED):
        profile = domain.profiles.get(change.profile_id or "")
        if profile is not None:
            tables.put_profile(profile)
    elif change.kind == events.PROFILE_REMOVED:
        tables.remove_profile(change.profile_id or "")
    elif obj is not None and change.kind == events.OBJECT_ADDED:
        object_type = domain.collections["object-types"].get(obj.object_type)
        if object_type is not None:
            tables.put_object(obj, object_type.fields)
    elif obj is not None:
        tables.remove_object(obj)


def sql_members(domain: Domain, segment: Segment) -> tuple[list[str], datetime, set[str]]:
    """An ENHANCED segment's profile ids, when they were computed, and the same ids as a
    set (cached until the domain changes)."""
    state = segment_state(domain)
    cached = state.sql_results.get(segment.name)
    if cached is not None and cached[0] == state.version:
        return cached[1], cached[2], cached[3]
    ids = [i for i in sql_tables(domain).run(segment.compiled or "") if i in domain.profiles]
    stamp = now()
    state.sql_results[segment.name] = (state.version, ids, stamp, set(ids))
    return ids, stamp, state.sql_results[segment.name][3]


def matches_groups(
    domain: Domain, groups: dict[str, Any], profile: Profile, visiting: frozenset[str]
) -> bool:
    def calculated(name: str, override: dict[str, Any] | None) -> str | None:
        if name not in domain.collections["calculated-attributes"]:
            return None
        return value_of(domain, name, profile.profile_id, override)["Value"]  # type: ignore[no-any-return]

    def in_segment(name: str) -> bool:
        source = domain.collections[KIND].get(name)
        if source is None or name in visiting:
            return False
        return is_member(domain, source, profile, visiting | {name})

    context = Context(profile.fields, calculated, in_segment)
    return segment_matches(groups, context)


def evaluator(
    domain: Domain, groups: dict[str, Any], visiting: frozenset[str] = frozenset()
) -> Callable[[Profile], bool]:
    """``matches_groups`` for many profiles: the groups compiled once, one context
    re-pointed at each profile (a whole-domain pass costs little more than a loop)."""
    predicate = compile_segment(groups)
    current: list[Profile] = [Profile("", 0)]  # the profile under evaluation

    def calculated(name: str, override: dict[str, Any] | None) -> str | None:
        if name not in domain.collections["calculated-attributes"]:
            return None
        return value_of(domain, name, current[0].profile_id, override)["Value"]  # type: ignore[no-any-return]

    def in_segment(name: str) -> bool:
        source = domain.collections[KIND].get(name)
        if source is None or name in visiting:
            return False
        return is_member(domain, source, current[0], visiting | {name})

    context = Context({}, calculated, in_segment)

    def evaluate(profile: Profile) -> bool:
        current[0] = profile
        context.fields = profile.fields
        return predicate(context)

    return evaluate


def is_member(
    domain: Domain, segment: Segment, profile: Profile, visiting: frozenset[str] = frozenset()
) -> bool:
    if segment.sql is not None:
        state = segment_state(domain)
        cached = state.sql_results.get(segment.name)
        if cached is not None and cached[0] == state.version:
            return profile.profile_id in cached[3]
        # One profile's answer: the query filtered on its id, which SQLite pushes down
        # to that profile's rows instead of evaluating the whole domain.
        return sql_tables(domain).selects(segment.compiled or "", profile.profile_id)
    return matches_groups(domain, segment.groups or {}, profile, visiting | {segment.name})


def members(domain: Domain, segment: Segment) -> list[Profile]:
    """Every member, in the segment's SegmentSort order (else creation order)."""
    if segment.sql is not None:
        ids = sql_members(domain, segment)[0]
        found = [domain.profiles[i] for i in ids]
    else:
        evaluate = evaluator(domain, segment.groups or {}, frozenset({segment.name}))
        found = sorted(filter(evaluate, domain.profiles.values()), key=_creation_order)
    return sort_profiles(domain, found, segment.sort)


_creation_order = operator.attrgetter("seq")


def member_ids(domain: Domain, segment: Segment) -> set[str]:
    """Every member's id, when order does not matter (a subscription's member set)."""
    if segment.sql is not None:
        return set(sql_members(domain, segment)[0])
    evaluate = evaluator(domain, segment.groups or {}, frozenset({segment.name}))
    return {p.profile_id for p in filter(evaluate, domain.profiles.values())}


def sort_profiles(
    domain: Domain, profiles: list[Profile], sort: dict[str, Any] | None
) -> list[Profile]:
    for attribute in reversed((sort or {}).get("Attributes") or []):

        def key(profile: Profile, spec: dict[str, Any] = attribute) -> tuple[bool, Any]:
            if spec.get("Type") == "CALCULATED":
                raw = (
                    value_of(domain, spec["Name"], profile.profile_id)["Value"]
                    if spec["Name"] in domain.collections["calculated-attributes"]
                    else None
                )
            else:
                raw = Context(profile.fields, lambda *_: None, lambda _: False).field(spec["Name"])
            kind = spec.get("DataType") or "STRING"
            value: Any = (
                number(raw) if kind == "NUMBER" else to_date(raw) if kind == "DATE" else raw
            )
            return value is None, value

        present = [p for p in profiles if not key(p)[0]]
        absent = [p for p in profiles if key(p)[0]]
        present.sort(key=lambda p: key(p)[1], reverse=attribute.get("Order") == "DESC")
        profiles = present + absent  # profiles without the value go last either way
    return profiles


def snapshot_columns(profiles: list[Profile]) -> list[str]:
    attributes = sorted({a for p in profiles for a in (p.fields.get("Attributes") or {})})
    return [
        "ProfileId",
        *string_profile_fields(),
        *(f"{a}.{s}" for a in ADDRESS_FIELDS for s in ADDRESS_SUBFIELDS),
        *(f"Attributes.{a}" for a in attributes),
    ]


def render(profiles: list[Profile], data_format: str) -> bytes:
    if data_format == "JSONL":
        return "".join(json.dumps(p.to_dict()) + "\n" for p in profiles).encode()
    buffer = io.StringIO()
    columns = snapshot_columns(profiles)
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for profile in profiles:
        context = Context(profile.fields, lambda *_: None, lambda _: False)
        writer.writerow([profile.profile_id, *(context.field(c) or "" for c in columns[1:])])
    return buffer.getvalue().encode()


class SegmentsMixin(CoreBackend):
    def _segment(self, domain: Domain, name: str) -> Segment:
        found: Segment = domain.named(KIND, name, "Segment definition")
        return found

    def _check_query(
        self,
        domain: Domain,
        groups: dict[str, Any] | None,
        sql: str | None,
        name: str | None = None,
    ) -> str | None:
        """Validate a CLASSIC or ENHANCED query; returns the compiled SQL when there is one."""
        if (groups is None) == (sql is None):
            raise BadRequestException(
                "Give exactly one of SegmentGroups (CLASSIC) and SegmentSqlQuery (ENHANCED)"
            )
        if sql is not None:
            if not domain.data_store_enabled:
                raise BadRequestException(
                    f"SQL segments need the data store: enable DataStore on domain {domain.name}"
                )
            compiled = compile_query(sql)
            # Checked against the tables' schema only: no row is read.
            known = SQL_TABLES in domain.state
            check(sql_tables(domain) if known else _schema_tables(domain), compiled)
            return compiled
        sources = referenced_segments(groups)
        missing = sorted(s for s in sources if s not in domain.collections[KIND])
        if name in sources:
            raise BadRequestException(f"Segment {name} cannot use itself as a source segment")
        if missing:
            raise BadRequestException(f"Source segment(s) do not exist: {', '.join(missing)}")
        if name is not None:
            self._check_cycle(domain, name, sources)
        unknown = sorted(
            c
            for c in referenced_calculated_attributes(groups)
            if c not in domain.collections["calculated-attributes"]
        )
        if unknown:
            raise BadRequestException(f"Calculated attribute(s) do not exist: {', '.join(unknown)}")
        return None

    @staticmethod
    def _check_cycle(domain: Domain, name: str, sources: set[str]) -> None:
        pending, seen = list(sources), set()
        while pending:
            current = pending.pop()
            if current == name:
                raise BadRequestException(
                    f"Segment {name} would depend on itself through its source segments"
                )
            if current in seen:
                continue
            seen.add(current)
            found = domain.collections[KIND].get(current)
            if found is not None:
                pending.extend(referenced_segments(found.groups))

    def create_segment_definition(
        self,
        domain_name: str,
        segment_definition_name: str,
        display_name: str,
        description: str | None = None,
        segment_groups: dict[str, Any] | None = None,
        segment_sql_query: str | None = None,
        segment_sort: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if segment_definition_name in domain.collections[KIND]:
            raise BadRequestException(
                f"Segment definition with name {segment_definition_name} already exists"
            )
        compiled = self._check_query(
            domain, segment_groups, segment_sql_query, segment_definition_name
        )
        for attribute in (segment_sort or {}).get("Attributes") or []:
            calculated = domain.collections["calculated-attributes"]
            if attribute.get("Type") == "CALCULATED" and attribute["Name"] not in calculated:
                raise BadRequestException(
                    f"SegmentSort names calculated attribute {attribute['Name']}, which does not "
                    "exist"
                )
        segment = Segment(
            name=segment_definition_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{segment_definition_name}"),
            display_name=display_name,
            description=description,
            groups=copy.deepcopy(segment_groups),
            sql=segment_sql_query,
            compiled=compiled,
            sort=copy.deepcopy(segment_sort),
            created_at=now(),
            tags=dict(tags or {}),
        )
        domain.collections[KIND][segment_definition_name] = segment
        segment_state(domain)
        summary = segment.summary()
        del summary["SegmentType"]
        return summary

    def get_segment_definition(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        segment = self._segment(self.domain(domain_name), segment_definition_name)
        return {
            **segment.summary(),
            "SegmentGroups": segment.groups,
            "SegmentSqlQuery": segment.sql,
            "SegmentSort": segment.sort,
        }

    def list_segment_definitions(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[KIND].values()), lambda s: s.name, next_token, max_results
        )
        return {"Items": [s.summary() for s in page], "NextToken": token}

    def delete_segment_definition(
        self, domain_name: str, segment_definition_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._segment(domain, segment_definition_name)
        del domain.collections[KIND][segment_definition_name]
        state = segment_state(domain)
        state.sql_results.pop(segment_definition_name, None)
        for key in [k for k in state.snapshots if k[0] == segment_definition_name]:
            del state.snapshots[key]
        for hook in SEGMENT_DELETED:
            hook(domain, segment_definition_name)
        return {"Message": f"Segment definition {segment_definition_name} was deleted."}

    def get_segment_membership(
        self, domain_name: str, segment_definition_name: str, profile_ids: list[str]
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        segment = self._segment(domain, segment_definition_name)
        computed = now()
        if segment.sql is not None:
            cached = segment_state(domain).sql_results.get(segment.name)
            if cached is not None and cached[0] == segment_state(domain).version:
                computed = cached[2]  # the whole result is current: it was computed then
        results, failures = [], []
        for profile_id in dict.fromkeys(profile_ids):
            profile = domain.profiles.get(profile_id)
            if profile is None:
                failures.append(
                    {"ProfileId": profile_id, "Message": "Profile not found", "Status": 404}
                )
                continue
            present = is_member(domain, segment, profile)
            results.append(
                {
                    "ProfileId": profile_id,
                    "QueryResult": "PRESENT" if present else "ABSENT",
                    "Profile": profile.to_dict() if present else None,
                }
            )
        return {
            "SegmentDefinitionName": segment_definition_name,
            "Profiles": results,
            "Failures": failures,
            "LastComputedAt": computed,
        }

    def create_segment_estimate(
        self,
        domain_name: str,
        segment_query: dict[str, Any] | None = None,
        segment_sql_query: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        compiled = self._check_query(domain, segment_query, segment_sql_query)
        if compiled is not None:
            count = len(sql_tables(domain).run(compiled))
        else:
            evaluate = evaluator(domain, segment_query or {})
            count = sum(map(evaluate, domain.profiles.values()))
        estimate = Estimate(new_id(), now(), count)
        segment_state(domain).estimates[estimate.id] = estimate
        return {"DomainName": domain_name, "EstimateId": estimate.id, "StatusCode": 200}

    def get_segment_estimate(self, domain_name: str, estimate_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        estimate = domain.state[STATE].estimates.get(estimate_id) if STATE in domain.state else None
        if estimate is None:
            raise ResourceNotFoundException(f"Segment estimate {estimate_id} does not exist.")
        status, _ = timing.SEGMENT_ESTIMATE.status(estimate.started)
        done = status == "SUCCEEDED"
        return {
            "DomainName": domain_name,
            "EstimateId": estimate_id,
            "Status": status,
            "Estimate": str(estimate.count) if done else None,
            "Message": None if done else "The estimate is being computed.",
            "StatusCode": 200,
        }

    def create_segment_snapshot(
        self,
        domain_name: str,
        segment_definition_name: str,
        data_format: str,
        encryption_key: str | None = None,
        role_arn: str | None = None,
        destination_uri: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        segment = self._segment(domain, segment_definition_name)
        if destination_uri is None:
            # The model: "must be provided unless the request is from the Amazon Connect
            # admin website", which no API client is.
            raise BadRequestException("DestinationUri is required for CreateSegmentSnapshot")
        if not destination_uri.startswith("s3://"):
            raise BadRequestException(
                f"DestinationUri {destination_uri!r} must be an S3 URI: s3://bucket[/prefix]"
            )
        snapshot_id = new_id()
        failure = None
        if data_format == "ORC":
            failure = "ORC snapshots are not supported by customerprofiles_mock; use CSV or JSONL."
        else:
            bucket, prefix = effects.split_s3_uri(destination_uri)
            key = "/".join(
                p for p in (prefix.strip("/"), f"{snapshot_id}.{data_format.lower()}") if p
            )
            body = render(members(domain, segment), data_format)
            try:
                effects.put_s3_object(self.outbox, self.account_id, f"s3://{bucket}/{key}", body)
            except effects.DeliveryError as error:
                failure = str(error)
        segment_state(domain).snapshots[(segment_definition_name, snapshot_id)] = Snapshot(
            snapshot_id, data_format, now(), failure, encryption_key, role_arn, destination_uri
        )
        return {"SnapshotId": snapshot_id}

    def get_segment_snapshot(
        self, domain_name: str, segment_definition_name: str, snapshot_id: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._segment(domain, segment_definition_name)
        snapshot = segment_state(domain).snapshots.get(
            (segment_definition_name, snapshot_id)
        )  # segment exists, so its state does
        if snapshot is None:
            raise ResourceNotFoundException(f"Segment snapshot {snapshot_id} does not exist.")
        status, _ = timing.SEGMENT_SNAPSHOT.status(snapshot.started)
        if snapshot.failure is not None:
            status = "FAILED"
        return {
            "SnapshotId": snapshot.id,
            "Status": status,
            "StatusMessage": snapshot.failure,
            "DataFormat": snapshot.data_format,
            "EncryptionKey": snapshot.encryption_key,
            "RoleArn": snapshot.role_arn,
            "DestinationUri": snapshot.destination_uri,
        }

"""A failed call changes nothing: for each family, state after a rejected call equals
the state before it, compared over everything the backend holds."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import requires_operations
from .test_integrations import FLOW

ARN = "arn:aws:profile:us-east-1:123456789012:domains/d"


def canonical(value: Any) -> Any:
    """Plain, ordered data for any backend record, so two states compare with ==."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if hasattr(value, "profiles") and hasattr(value, "index"):  # the profile store
        return canonical({k: v for k, v in vars(value).items() if not k.startswith("_")})
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def state(handle: Any) -> str:
    return json.dumps(canonical(handle.backend().domains), sort_keys=True, default=str)


@pytest.fixture
def seeded(cp: Any) -> Any:
    """A domain with a profile, a custom type, an object and a key: something to lose."""
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        MaxProfileObjectCount=5,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    cp.put_profile_object(
        DomainName="d",
        ObjectTypeName="Order",
        Object=json.dumps({"id": "o1", "email": "a@example.com"}),
    )
    profile_id = cp.create_profile(DomainName="d", FirstName="Bo", Gender="MALE")["ProfileId"]
    cp.add_profile_key(DomainName="d", ProfileId=profile_id, KeyName="k", Values=["v"])
    cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="orders",
        Statistic="COUNT",
        AttributeDetails={"Attributes": [{"Name": "id"}], "Expression": "{Order.id}"},
    )
    cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="bos",
        DisplayName="Bos",
        SegmentGroups=BOS,
    )
    cp.seeded_profile = profile_id
    return cp


BOS = {
    "Groups": [
        {
            "Dimensions": [
                {
                    "ProfileAttributes": {
                        "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Bo"]}
                    }
                }
            ]
        }
    ]
}


FAILING_CALLS: dict[str, Callable[[Any], Any]] = {
    "domains: duplicate": lambda cp: cp.create_domain(DomainName="d", DefaultExpirationDays=1),
    "domains: bad rule": lambda cp: cp.update_domain(
        DomainName="d",
        DefaultExpirationDays=9,
        RuleBasedMatching={"Enabled": True, "MatchingRules": [{"Rule": ["Shoe"]}]},
    ),
    "domains: too many tags": lambda cp: cp.update_domain(
        DomainName="d", DefaultExpirationDays=9, Tags={f"t{i}": "v" for i in range(51)}
    ),
    "tags: too many": lambda cp: cp.tag_resource(
        resourceArn=ARN, tags={f"t{i}": "v" for i in range(51)}
    ),
    "tags: unknown resource": lambda cp: cp.tag_resource(
        resourceArn=ARN + "/object-types/Nope", tags={"a": "b"}
    ),
    "profiles: enum cleared": lambda cp: cp.update_profile(
        DomainName="d", ProfileId=cp.seeded_profile, Gender="", FirstName="X"
    ),
    "profiles: unknown": lambda cp: cp.update_profile(
        DomainName="d", ProfileId="0" * 32, FirstName="X"
    ),
    "keys: unknown profile": lambda cp: cp.add_profile_key(
        DomainName="d", ProfileId="0" * 32, KeyName="k", Values=["w"]
    ),
    "merge: unknown profile": lambda cp: cp.merge_profiles(
        DomainName="d", MainProfileId=cp.seeded_profile, ProfileIdsToBeMerged=["0" * 32]
    ),
    "merge: stranger as field source": lambda cp: cp.merge_profiles(
        DomainName="d",
        MainProfileId=cp.seeded_profile,
        ProfileIdsToBeMerged=[cp.seeded_profile[::-1]],
        FieldSourceProfileIds={"FirstName": "f" * 32},
    ),
    "object types: bad target": lambda cp: cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="replaced",
        Fields={"id": {"Source": "_source.id", "Target": "_profile.Attributes"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    ),
    "object types: template clash": lambda cp: cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="x",
        TemplateId="CTR",
        AllowProfileCreation=True,
    ),
    "object types: delete unknown": lambda cp: cp.delete_profile_object_type(
        DomainName="d", ObjectTypeName="Nope"
    ),
    "ingestion: not json": lambda cp: cp.put_profile_object(
        DomainName="d", ObjectTypeName="CTR", Object="not json"
    ),
    "ingestion: no unique value": lambda cp: cp.put_profile_object(
        DomainName="d", ObjectTypeName="Order", Object=json.dumps({"email": "b@example.com"})
    ),
    "batch: repeated ids": lambda cp: cp.batch_put_profile_object(
        DomainName="d",
        ObjectTypeName="Order",
        Items=[{"Id": "a", "Object": "{}"}, {"Id": "a", "Object": "{}"}],
    ),
    "objects: delete unknown": lambda cp: cp.delete_profile_object(
        DomainName="d",
        ProfileId=cp.seeded_profile,
        ProfileObjectUniqueKey="nope",
        ObjectTypeName="Order",
    ),
    "search: foreign token": lambda cp: cp.search_profiles(
        DomainName="d", KeyName="k", Values=["v"], NextToken="abc.def"
    ),
    "history: unknown record": lambda cp: cp.get_profile_history_record(
        DomainName="d", ProfileId=cp.seeded_profile, Id="0" * 32
    ),
    "detect: not json": lambda cp: cp.detect_profile_object_type(
        DomainName="d", Objects=["[1, 2]"]
    ),
    "calculated: duplicate": lambda cp: cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="orders",
        Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "id"}], "Expression": "{Order.id}"},
    ),
    "calculated: unknown field": lambda cp: cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="other",
        Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "total"}], "Expression": "{Order.total}"},
        UseHistoricalData=True,
    ),
    "calculated: bad range": lambda cp: cp.update_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="orders",
        DisplayName="changed",
        Conditions={"Range": {"ValueRange": {"Start": 1, "End": 5}, "Unit": "DAYS"}},
    ),
    "segments: duplicate": lambda cp: cp.create_segment_definition(
        DomainName="d", SegmentDefinitionName="bos", DisplayName="x", SegmentGroups=BOS
    ),
    "segments: missing source": lambda cp: cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="new",
        DisplayName="x",
        SegmentGroups={"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "nope"}]}]},
    ),
    "segments: sql without data store": lambda cp: cp.create_segment_estimate(
        DomainName="d", SegmentSqlQuery="SELECT ProfileId FROM profiles"
    ),
    "segments: snapshot to a non-S3 URI": lambda cp: cp.create_segment_snapshot(
        DomainName="d", SegmentDefinitionName="bos", DataFormat="CSV", DestinationUri="ftp://x"
    ),
    "subscriptions: unknown segment": lambda cp: cp.put_segment_subscription(
        DomainName="d", SegmentDefinitionName="nope"
    ),
    "integrations: unknown object type": lambda cp: cp.put_integration(
        DomainName="d", Uri="s3://b", ObjectTypeName="Nope"
    ),
    "integrations: unknown trigger": lambda cp: cp.put_integration(
        DomainName="d", Uri="s3://b", ObjectTypeName="Order", EventTriggerNames=["nope"]
    ),
    "event streams: foreign stream": lambda cp: cp.create_event_stream(
        DomainName="d", EventStreamName="s", Uri="arn:aws:kinesis:eu-west-1:1:stream/x"
    ),
    "event triggers: unknown field": lambda cp: cp.create_event_trigger(
        DomainName="d",
        EventTriggerName="t",
        ObjectTypeName="Order",
        EventTriggerConditions=[
            {
                "LogicalOperator": "ALL",
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {"FieldName": "nope", "ComparisonOperator": "EQUAL", "Values": ["1"]}
                        ]
                    }
                ],
            }
        ],
    ),
    "workflows: unknown object type": lambda cp: cp.create_integration_workflow(
        DomainName="d",
        WorkflowType="APPFLOW_INTEGRATION",
        IntegrationConfig={"AppflowIntegration": {"FlowDefinition": FLOW}},
        ObjectTypeName="Nope",
        RoleArn="arn:aws:iam::123456789012:role/r",
    ),
    "upload jobs: unique key not a field": lambda cp: cp.create_upload_job(
        DomainName="d",
        DisplayName="x",
        Fields={"email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        UniqueKey="phone",
    ),
    "upload jobs: start unknown": lambda cp: cp.start_upload_job(DomainName="d", JobId="nope"),
    "layouts: update unknown": lambda cp: cp.update_domain_layout(
        DomainName="d", LayoutDefinitionName="nope", DisplayName="x"
    ),
    "streams: not a Kinesis ARN": lambda cp: cp.associate_stream_for_segments(
        DomainName="d",
        DestinationArn="arn:aws:sqs:us-east-1:123456789012:q",
        DestinationRoleArn="arn:aws:iam::123456789012:role/r",
    ),
}


#: Families whose operations an older botocore may not model.
NEWER_OPERATIONS = {
    "batch": "BatchPutProfileObject",
    "subscriptions": "PutSegmentSubscription",
    "streams": "AssociateStreamForSegments",
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=requires_operations(NEWER_OPERATIONS[case.split(":")[0]]))
        if case.split(":")[0] in NEWER_OPERATIONS
        else case
        for case in sorted(FAILING_CALLS)
    ],
)
def test_a_failed_call_changes_nothing(seeded: Any, customerprofiles_mock: Any, case: str) -> None:
    before = state(customerprofiles_mock)
    with pytest.raises(ClientError) as error:
        FAILING_CALLS[case](seeded)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)
    assert state(customerprofiles_mock) == before


def test_the_snapshot_sees_changes(seeded: Any, customerprofiles_mock: Any) -> None:
    """The comparison above is only worth something if a real change shows in it."""
    before = state(customerprofiles_mock)
    seeded.add_profile_key(
        DomainName="d", ProfileId=seeded.seeded_profile, KeyName="k", Values=["w"]
    )
    assert state(customerprofiles_mock) != before


# -- a change-stream reaction that fails inside a call (issue 14) ----------------------
def settled(handle: Any) -> Any:
    """The backend's state without the counters that only ever go up (versions)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "version"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(canonical(handle.backend().domains))


@pytest.fixture
def busy(cp: Any) -> Any:
    """A domain where every family reacts to an ingested object."""
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
            "total": {"Source": "_source.total", "ContentType": "NUMBER"},
            "name": {"Source": "_source.name", "Target": "_profile.FirstName"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="spend",
        Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "total"}], "Expression": "{Order.total}"},
    )
    cp.create_event_stream(
        DomainName="d",
        EventStreamName="s",
        Uri="arn:aws:kinesis:us-east-1:123456789012:stream/s",
    )
    cp.create_event_trigger(
        DomainName="d",
        EventTriggerName="big",
        ObjectTypeName="Order",
        EventTriggerConditions=[
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "FieldName": "total",
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["10"],
                            }
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
    )
    for oid, email, total in (("o1", "ana@x.io", 50), ("o2", "bo@x.io", 20)):
        document = {"id": oid, "email": email, "total": total, "name": email[:2]}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Order", Object=json.dumps(document))
    return cp


def put(cp: Any, oid: str, email: str, total: int) -> Any:
    document = {"id": oid, "email": email, "total": total, "name": "New"}
    return cp.put_profile_object(
        DomainName="d", ObjectTypeName="Order", Object=json.dumps(document)
    )


@pytest.mark.parametrize(
    ("what", "oid", "email"),
    [
        ("a new customer", "o9", "new@x.io"),
        ("a replaced object", "o1", "ana@x.io"),
        ("an object moving to another profile", "o2", "ana@x.io"),
    ],
)
def test_a_reaction_that_fails_takes_the_whole_call_back(
    busy: Any,
    customerprofiles_mock: Any,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    oid: str,
    email: str,
) -> None:
    """Insights reacts after calculated attributes, the event stream and the triggers
    took the change: when it fails, the call fails and every family is as it was."""
    from customerprofiles_mock import outbox
    from customerprofiles_mock.models import insights

    before = settled(customerprofiles_mock)
    sent = {k: list(v) for k, v in outbox().kinesis.items()}
    fired = list(outbox().event_triggers)

    def broken(*_args: Any) -> Any:
        raise RuntimeError("a family's reaction failed")

    monkeypatch.setattr(insights, "attribute_values", broken)
    # In-process, a fault of the mock surfaces as itself (over HTTP: InternalServerException).
    with pytest.raises(RuntimeError, match="reaction failed"):
        put(busy, oid, email, 99)
    assert settled(customerprofiles_mock) == before, what
    assert {k: list(v) for k, v in outbox().kinesis.items()} == sent
    assert outbox().event_triggers == fired

    monkeypatch.undo()  # later calls see consistent state and work as usual
    put(busy, oid, email, 99)
    [profile] = busy.search_profiles(DomainName="d", KeyName="_email", Values=[email])["Items"]
    spend = busy.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=profile["ProfileId"], CalculatedAttributeName="spend"
    )["Value"]
    assert float(spend) == {"o9": 99, "o1": 99, "o2": 149}[oid]


def test_a_merge_whose_reaction_fails_is_taken_back_whole(
    busy: Any, customerprofiles_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge moves keys and objects and removes profiles; a family failing on the moved
    objects takes all of it back."""
    from customerprofiles_mock.models import calculated_attributes

    ids = [
        busy.search_profiles(DomainName="d", KeyName="_email", Values=[e])["Items"][0]["ProfileId"]
        for e in ("ana@x.io", "bo@x.io")
    ]
    before = settled(customerprofiles_mock)

    working = calculated_attributes._entry
    calls: list[None] = []

    def broken(*args: Any) -> Any:  # fails once: the rollback itself then works
        calls.append(None)
        if len(calls) == 1:
            raise RuntimeError("a family's reaction failed")
        return working(*args)

    monkeypatch.setattr(calculated_attributes, "_entry", broken)
    with pytest.raises(RuntimeError, match="reaction failed"):
        busy.merge_profiles(DomainName="d", MainProfileId=ids[0], ProfileIdsToBeMerged=[ids[1]])
    assert settled(customerprofiles_mock) == before
    monkeypatch.undo()
    busy.merge_profiles(DomainName="d", MainProfileId=ids[0], ProfileIdsToBeMerged=[ids[1]])
    spend = busy.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=ids[0], CalculatedAttributeName="spend"
    )["Value"]
    assert float(spend) == 70
    found = busy.search_profiles(DomainName="d", KeyName="_email", Values=["bo@x.io"])["Items"]
    assert [p["ProfileId"] for p in found] == [ids[0]]


def test_domain_object_records_are_taken_back_with_a_failed_call(
    customerprofiles_client: Any, customerprofiles_mock: Any
) -> None:
    """A record written to a domain object type goes back when its call fails later."""
    from customerprofiles_mock.models import journal
    from customerprofiles_mock.models.domain_object_types import ingest_record, records

    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    cp.put_domain_object_type(
        DomainName="d",
        ObjectTypeName="Items",
        Fields={
            "id": {"Source": "_source.id", "Target": "_catalogItem.Id"},
            "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
        },
    )
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="Items", Object='{"id": "1", "name": "Old"}'
    )
    domain = customerprofiles_mock.backend().domains["d"]
    item_type = domain.collections["domain-object-types"]["Items"]
    before = {k: dict(v) for k, v in records(domain, "Items").items()}
    with pytest.raises(RuntimeError), journal.transaction():
        ingest_record(domain, item_type, '{"id": "1", "name": "New"}')  # replaces
        ingest_record(domain, item_type, '{"id": "2", "name": "Added"}')
        raise RuntimeError("the call fails after writing")
    assert records(domain, "Items") == before

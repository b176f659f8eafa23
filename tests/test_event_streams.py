"""Event streams (export records read back from moto's Kinesis) and event triggers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from moto import mock_aws

from .conftest import error_code, requires_enum
from .test_calculated_attributes import order, order_type

STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/export"


def kinesis_records(kinesis: Any, name: str = "export") -> list[dict[str, Any]]:
    shard = kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]
    iterator = kinesis.get_shard_iterator(
        StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return [
        {**json.loads(r["Data"]), "_partition": r["PartitionKey"]}
        for r in kinesis.get_records(ShardIterator=iterator)["Records"]
    ]


def test_every_change_is_exported_to_moto_kinesis() -> None:
    with mock_aws():
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="export", ShardCount=1)
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        order_type(cp)
        made = cp.create_event_stream(
            DomainName="d", EventStreamName="exp", Uri=STREAM, Tags={"k": "v"}
        )
        assert (
            made["EventStreamArn"]
            == "arn:aws:profile:us-east-1:123456789012:domains/d/event-streams/exp"
        )
        ana = cp.create_profile(DomainName="d", FirstName="Ana", EmailAddress="a@x.io")["ProfileId"]
        cp.update_profile(DomainName="d", ProfileId=ana, LastName="Silva")
        key = order(cp, "o1", "a@x.io", total=5)
        order(cp, "o1", "a@x.io", total=6)  # replaced
        other = cp.create_profile(DomainName="d", EmailAddress="b@x.io")["ProfileId"]
        cp.merge_profiles(DomainName="d", MainProfileId=ana, ProfileIdsToBeMerged=[other])
        cp.delete_profile_object(
            DomainName="d", ProfileId=ana, ProfileObjectUniqueKey=key, ObjectTypeName="Order"
        )
        cp.delete_profile(DomainName="d", ProfileId=ana)
        records = kinesis_records(kinesis)
        summary = [(r["EventType"], r["ObjectTypeName"], r["AssociatedProfileId"]) for r in records]
        assert summary == [
            ("CREATED", "_profile", ana),
            ("UPDATED", "_profile", ana),
            ("CREATED", "Order", ana),
            ("UPDATED", "Order", ana),
            ("CREATED", "_profile", other),
            ("MERGED", "_profile", other),
            ("UPDATED", "_profile", ana),
            ("DELETED", "Order", ana),
            ("DELETED", "_profile", ana),
        ]
        first = records[0]
        assert (
            first["SchemaVersion"] == 0 and first["EventId"] and first["IsMessageRealTime"] is True
        )
        assert first["DomainName"] == "d" and first["Object"]["FirstName"] == "Ana"
        assert records[3]["Object"]["total"] == 6 and records[3]["ProfileObjectUniqueKey"] == key
        assert all(r["_partition"] == r["AssociatedProfileId"] for r in records)


def test_stream_health_follows_moto_and_one_stream_per_domain() -> None:
    with mock_aws():
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        cp.create_event_stream(DomainName="d", EventStreamName="exp", Uri=STREAM)
        got = cp.get_event_stream(DomainName="d", EventStreamName="exp")
        details = got["DestinationDetails"]
        assert (got["State"], details["Status"], details["Uri"]) == ("RUNNING", "UNHEALTHY", STREAM)
        assert details["UnhealthySince"] and "does not exist" in details["Message"]
        boto3.client("kinesis", region_name="us-east-1").create_stream(
            StreamName="export", ShardCount=1
        )
        listed = cp.list_event_streams(DomainName="d")["Items"]
        assert [(s["EventStreamName"], s["DestinationSummary"]["Status"]) for s in listed] == [
            ("exp", "HEALTHY")
        ]
        code, _, message = error_code(
            cp.create_event_stream, DomainName="d", EventStreamName="second", Uri=STREAM
        )
        assert (code, message) == (
            "BadRequestException",
            "The Customer Profiles Domain: d is already associated with an active EventStream",
        )
        cp.delete_event_stream(DomainName="d", EventStreamName="exp")
        assert cp.list_event_streams(DomainName="d")["Items"] == []


@pytest.mark.parametrize(
    "uri",
    [
        "arn:aws:kinesis:eu-west-1:123456789012:stream/x",
        "arn:aws:kinesis:us-east-1:999999999999:stream/x",
        "arn:aws:sqs:us-east-1:123456789012:q",
        "s3://bucket",
    ],
)
def test_stream_uri_must_be_a_kinesis_stream_here(cp: Any, uri: str) -> None:
    code, _, message = error_code(
        cp.create_event_stream, DomainName="d", EventStreamName="x", Uri=uri
    )
    assert code == "BadRequestException" and "Kinesis stream" in message
    assert cp.list_event_streams(DomainName="d")["Items"] == []


def test_without_mock_aws_records_are_in_the_outbox(cp: Any) -> None:
    import customerprofiles_mock

    cp.create_event_stream(DomainName="d", EventStreamName="exp", Uri=STREAM)
    pid = cp.create_profile(DomainName="d", FirstName="Ana")["ProfileId"]
    [record] = customerprofiles_mock.outbox().kinesis[STREAM]
    assert record["PartitionKey"] == pid
    assert json.loads(record["Data"])["EventType"] == "CREATED"
    assert cp.get_event_stream(DomainName="d", EventStreamName="exp")["DestinationDetails"][
        "Status"
    ] == ("HEALTHY")


# -- event triggers ---------------------------------------------------------------------
def attribute(
    operator: str, *values: str, field: str = "total", source: str | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {"ComparisonOperator": operator, "Values": list(values)}
    spec.update({"Source": source} if source else {"FieldName": field})
    return spec


def trigger(cp: Any, name: str, conditions: list[dict[str, Any]], **extra: Any) -> Any:
    return cp.create_event_trigger(
        DomainName="d",
        EventTriggerName=name,
        ObjectTypeName="Order",
        EventTriggerConditions=conditions,
        **extra,
    )


def fired(name: str | None = None) -> list[str]:
    import customerprofiles_mock

    return [
        f["ProfileObjectUniqueKey"]
        for f in customerprofiles_mock.outbox().event_triggers
        if name is None or f["EventTriggerName"] == name
    ]


def test_trigger_conditions_dimensions_and_attributes(cp: Any) -> None:
    import customerprofiles_mock

    order_type(cp)
    big = {
        "EventTriggerDimensions": [{"ObjectAttributes": [attribute("GREATER_THAN", "100")]}],
        "LogicalOperator": "ALL",
    }
    web_and_small = {
        "EventTriggerDimensions": [
            {
                "ObjectAttributes": [
                    attribute("INCLUSIVE", "web", field="channel"),
                    attribute("LESS_THAN", "10"),
                ]
            }
        ],
        "LogicalOperator": "ALL",
    }
    not_phone = {
        "EventTriggerDimensions": [
            {"ObjectAttributes": [attribute("INCLUSIVE", "phone", source="_source.channel")]},
            {"ObjectAttributes": [attribute("BEGINS_WITH", "o9", field="id")]},
        ],
        "LogicalOperator": "NONE",
    }
    trigger(cp, "big_or_web_small", [big, web_and_small])
    trigger(cp, "neither", [not_phone])
    keys = {
        "huge": order(cp, "o1", total=500, channel="phone"),
        "web_small": order(cp, "o2", total=5, channel="web"),
        "web_mid": order(cp, "o3", total=50, channel="web"),
        "o9_store": order(cp, "o9", total=1, channel="store"),
    }
    assert fired("big_or_web_small") == [keys["huge"], keys["web_small"]]
    assert fired("neither") == [keys["web_small"], keys["web_mid"]]
    firing = customerprofiles_mock.outbox().event_triggers[0]
    assert firing["ObjectTypeName"] == "Order" and firing["DomainName"] == "d" and firing["FiredAt"]


@requires_enum("PeriodUnit", "MINUTES")
def test_period_limits_count_per_profile_on_the_clock(cp: Any) -> None:
    order_type(cp)
    always = [
        {
            "EventTriggerDimensions": [{"ObjectAttributes": [attribute("GREATER_THAN", "0")]}],
            "LogicalOperator": "ALL",
        }
    ]
    with freeze_time("2026-01-01") as clock:
        trigger(
            cp,
            "twice_per_10_min",
            always,
            EventTriggerLimits={
                "Periods": [{"Unit": "MINUTES", "Value": 10, "MaxInvocationsPerProfile": 2}]
            },
        )
        trigger(
            cp,
            "unlimited",
            always,
            EventTriggerLimits={"Periods": [{"Unit": "DAYS", "Value": 1, "Unlimited": True}]},
        )
        for n in range(3):
            order(cp, f"a{n}", "a@x.io", total=1)
        order(cp, "b0", "b@x.io", total=1)
        assert len(fired("twice_per_10_min")) == 3  # two for a, one for b
        assert len(fired("unlimited")) == 4
        clock.tick(timedelta(minutes=11))
        order(cp, "a3", "a@x.io", total=1)
        assert len(fired("twice_per_10_min")) == 4


def test_segment_filter_restricts_firing(cp: Any) -> None:
    order_type(cp)
    cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="vips",
        DisplayName="vips",
        SegmentGroups={
            "Groups": [
                {
                    "Dimensions": [
                        {
                            "ProfileAttributes": {
                                "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Vip"]}
                            }
                        }
                    ]
                }
            ]
        },
    )
    always = [
        {
            "EventTriggerDimensions": [{"ObjectAttributes": [attribute("GREATER_THAN", "0")]}],
            "LogicalOperator": "ALL",
        }
    ]
    trigger(cp, "vip_orders", always, SegmentFilter="vips")
    cp.create_profile(DomainName="d", FirstName="Vip", EmailAddress="v@x.io")
    cp.create_profile(DomainName="d", FirstName="Joe", EmailAddress="j@x.io")
    vip_key = order(cp, "o1", "v@x.io", total=5)
    order(cp, "o2", "j@x.io", total=5)
    assert fired("vip_orders") == [vip_key]


@requires_enum("PeriodUnit", "MINUTES")
def test_trigger_crud_with_minutes_and_validation(cp: Any) -> None:
    order_type(cp)
    conditions = [
        {
            "EventTriggerDimensions": [{"ObjectAttributes": [attribute("EQUAL", "5")]}],
            "LogicalOperator": "ANY",
        }
    ]
    limits = {
        "EventExpiration": 60000,
        "Periods": [{"Unit": "MINUTES", "Value": 60, "MaxInvocationsPerProfile": 3}],
    }
    made = trigger(cp, "t", conditions, Description="d", EventTriggerLimits=limits, Tags={"k": "v"})
    assert (made["EventTriggerLimits"], made["ObjectTypeName"]) == (limits, "Order")
    assert cp.get_event_trigger(DomainName="d", EventTriggerName="t")["EventTriggerConditions"] == (
        conditions
    )
    updated = cp.update_event_trigger(DomainName="d", EventTriggerName="t", Description="new")
    assert (updated["Description"], updated["EventTriggerConditions"]) == ("new", conditions)
    listed = cp.list_event_triggers(DomainName="d")["Items"]
    assert [(i["EventTriggerName"], i["Description"]) for i in listed] == [("t", "new")]
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/event-triggers/t"
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"k": "v"}
    bad_cases = [
        {"ObjectTypeName": "Nope"},
        {
            "EventTriggerConditions": [
                {
                    "EventTriggerDimensions": [
                        {"ObjectAttributes": [attribute("EQUAL", "1", field="nope")]}
                    ],
                    "LogicalOperator": "ANY",
                }
            ]
        },
        {
            "EventTriggerConditions": [
                {
                    "EventTriggerDimensions": [
                        {"ObjectAttributes": [attribute("EQUAL", "1", source="amount")]}
                    ],
                    "LogicalOperator": "ANY",
                }
            ]
        },
        {"SegmentFilter": "nope"},
        {"EventTriggerLimits": {"Periods": [{"Unit": "MINUTES", "Value": 61}]}},
    ]
    for bad in bad_cases:
        args = {"ObjectTypeName": "Order", "EventTriggerConditions": conditions, **bad}
        assert error_code(cp.create_event_trigger, DomainName="d", EventTriggerName="x", **args)[
            0
        ] == ("BadRequestException"), bad
    cp.put_integration(
        DomainName="d", Uri="s3://b", ObjectTypeName="Order", EventTriggerNames=["t"]
    )
    code, _, message = error_code(cp.delete_event_trigger, DomainName="d", EventTriggerName="t")
    assert code == "BadRequestException" and "s3://b" in message
    cp.delete_integration(DomainName="d", Uri="s3://b")
    assert "deleted" in cp.delete_event_trigger(DomainName="d", EventTriggerName="t")["Message"]
    assert error_code(cp.get_event_trigger, DomainName="d", EventTriggerName="t")[0] == (
        "ResourceNotFoundException"
    )

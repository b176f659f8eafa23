"""Segment subscriptions (LIVE and SCHEDULE events) and the membership stream to Kinesis."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
from freezegun import freeze_time
from moto import mock_aws

from .conftest import error_code, requires_operations
from .test_segments import one, rule

pytestmark = requires_operations("PutSegmentSubscription", "AssociateStreamForSegments")
STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/members"
ROLE = "arn:aws:iam::123456789012:role/stream"


def lisbon(cp: Any) -> None:
    cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="lisbon",
        DisplayName="Lisbon",
        SegmentGroups=one(Address={"City": rule("INCLUSIVE", "Lisbon")}),
    )


def events(cp: Any, segment: str = "lisbon") -> list[tuple[str, str, str]]:
    found = cp.list_segment_subscription_events(DomainName="d", SegmentDefinitionName=segment)
    return [(e["ProfileId"], e["EventType"], e["Event"]) for e in found["Events"]]


def test_subscription_lifecycle_and_live_events(cp: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        before = cp.create_profile(DomainName="d", Address={"City": "Lisbon"})["ProfileId"]
        lisbon(cp)
        put = cp.put_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")
        assert put["Status"] == "STARTING"
        assert put["ScheduleConfiguration"] == {"Interval": 24, "Unit": "HOURLY"}
        clock.tick(timedelta(seconds=5))
        got = cp.get_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")
        assert got["Status"] == "RUNNING"
        assert (
            got["ScheduledExecutions"]["NextExecutedAt"].isoformat() == "2026-01-02T00:00:00+00:00"
        )
        joiner = cp.create_profile(DomainName="d", Address={"City": "Lisbon"})["ProfileId"]
        cp.create_profile(DomainName="d", Address={"City": "Porto"})
        cp.update_profile(DomainName="d", ProfileId=before, Address={"City": "Porto"})
        cp.delete_profile(DomainName="d", ProfileId=joiner)
        assert events(cp) == [
            (joiner, "LIVE", "JOINED"),
            (before, "LIVE", "LEFT"),
            (joiner, "LIVE", "LEFT"),
        ]
        updated = cp.put_segment_subscription(
            DomainName="d",
            SegmentDefinitionName="lisbon",
            ScheduleConfiguration={"Interval": 6, "Unit": "HOURLY"},
        )
        assert updated["ScheduleConfiguration"] == {"Interval": 6, "Unit": "HOURLY"}
        assert updated["StartedAt"] == put["StartedAt"]
        assert len(events(cp)) == 3  # an update keeps the events
        assert (
            "deleted"
            in cp.delete_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")[
                "Message"
            ]
        )
        assert (
            error_code(cp.get_segment_subscription, DomainName="d", SegmentDefinitionName="lisbon")[
                0
            ]
            == "ResourceNotFoundException"
        )
    assert (
        error_code(cp.put_segment_subscription, DomainName="d", SegmentDefinitionName="nope")[0]
        == "ResourceNotFoundException"
    )


def test_events_page(cp: Any) -> None:
    lisbon(cp)
    cp.put_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")
    ids = [
        cp.create_profile(DomainName="d", Address={"City": "Lisbon"})["ProfileId"] for _ in range(5)
    ]
    first = cp.list_segment_subscription_events(
        DomainName="d", SegmentDefinitionName="lisbon", MaxResults=2
    )
    seen = [e["ProfileId"] for e in first["Events"]]
    token = first["NextToken"]
    while token:
        page = cp.list_segment_subscription_events(
            DomainName="d", SegmentDefinitionName="lisbon", MaxResults=2, NextToken=token
        )
        seen += [e["ProfileId"] for e in page["Events"]]
        token = page.get("NextToken")
    assert seen == ids


def test_sql_segments_report_on_their_schedule(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2026-01-01") as clock:
        cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
        cp.create_segment_definition(
            DomainName="d",
            SegmentDefinitionName="vip",
            DisplayName="vip",
            SegmentSqlQuery="SELECT ProfileId FROM profiles WHERE Attributes_vip = 'yes'",
        )
        cp.put_segment_subscription(
            DomainName="d",
            SegmentDefinitionName="vip",
            ScheduleConfiguration={"Interval": 2, "Unit": "HOURLY"},
        )
        vip = cp.create_profile(DomainName="d", Attributes={"vip": "yes"})["ProfileId"]
        assert events(cp, "vip") == []  # no LIVE events for SQL segments
        clock.tick(timedelta(hours=2, minutes=1))
        assert events(cp, "vip") == [(vip, "SCHEDULE", "JOINED")]
        listed = cp.list_segment_subscription_events(DomainName="d", SegmentDefinitionName="vip")
        assert listed["Events"][0]["UpdatedAt"].isoformat() == "2026-01-01T02:00:00+00:00"
        cp.update_profile(DomainName="d", ProfileId=vip, Attributes={"vip": "no"})
        clock.tick(timedelta(hours=2))
        assert events(cp, "vip")[-1] == (vip, "SCHEDULE", "LEFT")
        got = cp.get_segment_subscription(DomainName="d", SegmentDefinitionName="vip")
        assert (
            got["ScheduledExecutions"]["LastExecutedAt"].isoformat() == "2026-01-01T04:00:00+00:00"
        )


def test_membership_stream_to_moto_kinesis() -> None:
    with mock_aws():
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        lisbon(cp)
        cp.put_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")
        cp.associate_stream_for_segments(
            DomainName="d", DestinationArn=STREAM, DestinationRoleArn=ROLE
        )
        unhealthy = cp.get_stream_for_segments(DomainName="d")
        assert unhealthy["State"] == "UNHEALTHY" and "does not exist" in unhealthy["FailureReason"]
        kinesis.create_stream(StreamName="members", ShardCount=1)
        healthy = cp.get_stream_for_segments(DomainName="d")
        assert (healthy["State"], healthy["DestinationArn"]) == ("RUNNING", STREAM)
        assert healthy["AssociatedSegments"] == [{"SegmentName": "lisbon", "Status": "RUNNING"}]
        joiner = cp.create_profile(DomainName="d", Address={"City": "Lisbon"})["ProfileId"]
        shard = kinesis.describe_stream(StreamName="members")["StreamDescription"]["Shards"][0]
        iterator = kinesis.get_shard_iterator(
            StreamName="members", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        [record] = [json.loads(r["Data"]) for r in records]
        assert (
            record["ProfileId"],
            record["SegmentName"],
            record["Event"],
            record["EventType"],
        ) == (
            joiner,
            "lisbon",
            "JOINED",
            "LIVE",
        )
        assert records[0]["PartitionKey"] == joiner
        code, _, message = error_code(
            cp.associate_stream_for_segments,
            DomainName="d",
            DestinationArn=STREAM,
            DestinationRoleArn=ROLE,
        )
        assert code == "BadRequestException" and "already" in message
        cp.disassociate_stream_for_segments(DomainName="d")
        stopped = cp.get_stream_for_segments(DomainName="d")
        assert stopped["State"] == "STOPPED" and stopped["DisassociatedAt"]


def test_stream_without_mock_aws_goes_to_the_outbox(cp: Any) -> None:
    import customerprofiles_mock

    lisbon(cp)
    cp.put_segment_subscription(DomainName="d", SegmentDefinitionName="lisbon")
    assert error_code(cp.get_stream_for_segments, DomainName="d")[0] == "ResourceNotFoundException"
    assert (
        error_code(
            cp.associate_stream_for_segments,
            DomainName="d",
            DestinationArn="arn:aws:sqs:us-east-1:123456789012:q",
            DestinationRoleArn=ROLE,
        )[0]
        == "BadRequestException"
    )
    cp.associate_stream_for_segments(DomainName="d", DestinationArn=STREAM, DestinationRoleArn=ROLE)
    assert cp.get_stream_for_segments(DomainName="d")["State"] == "RUNNING"
    pid = cp.create_profile(DomainName="d", Address={"City": "Lisbon"})["ProfileId"]
    [record] = customerprofiles_mock.outbox().kinesis[STREAM]
    assert record["PartitionKey"] == pid
    assert json.loads(record["Data"])["Event"] == "JOINED"

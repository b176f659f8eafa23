"""Threads writing objects while others read the state derived from them (calculated
attributes, segments, triggers, the export stream): no errors, nothing lost or counted
twice."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import boto3

from .test_calculated_attributes import define, order_type

STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/export"


def test_writers_and_derived_state_readers_side_by_side(cp: Any) -> None:
    import customerprofiles_mock

    order_type(cp)
    define(cp, "spend", "SUM")
    cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="big",
        DisplayName="big",
        SegmentGroups={
            "Groups": [
                {
                    "Dimensions": [
                        {
                            "CalculatedAttributes": {
                                "spend": {"DimensionType": "GREATER_THAN", "Values": ["100"]}
                            }
                        }
                    ]
                }
            ]
        },
    )
    cp.create_event_trigger(
        DomainName="d",
        EventTriggerName="any-order",
        ObjectTypeName="Order",
        EventTriggerConditions=[
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["0"],
                                "FieldName": "total",
                            }
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
    )
    cp.create_event_stream(DomainName="d", EventStreamName="exp", Uri=STREAM)
    writers, readers, rounds = 4, 3, 60
    profile_ids = [
        cp.create_profile(DomainName="d", EmailAddress=f"w{n}@example.com")["ProfileId"]
        for n in range(writers)
    ]
    errors: list[BaseException] = []

    def write(n: int) -> None:
        client = boto3.client("customer-profiles", region_name="us-east-1")
        try:
            for i in range(rounds):
                document = {"id": f"{n}-{i}", "email": f"w{n}@example.com", "total": 10}
                client.put_profile_object(
                    DomainName="d", ObjectTypeName="Order", Object=json.dumps(document)
                )
        except BaseException as error:
            errors.append(error)

    def read() -> None:
        client = boto3.client("customer-profiles", region_name="us-east-1")
        try:
            for _ in range(rounds):
                client.get_segment_membership(
                    DomainName="d", SegmentDefinitionName="big", ProfileIds=profile_ids
                )
                for profile_id in profile_ids:
                    client.list_calculated_attributes_for_profile(
                        DomainName="d", ProfileId=profile_id
                    )
                client.create_segment_estimate(
                    DomainName="d",
                    SegmentQuery={
                        "Groups": [
                            {
                                "Dimensions": [
                                    {
                                        "ProfileAttributes": {
                                            "EmailAddress": {
                                                "DimensionType": "ENDS_WITH",
                                                "Values": ["example.com"],
                                            }
                                        }
                                    }
                                ]
                            }
                        ]
                    },
                )
                client.get_domain(DomainName="d")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=read) for _ in range(readers)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    for profile_id in profile_ids:
        got = cp.get_calculated_attribute_for_profile(
            DomainName="d", ProfileId=profile_id, CalculatedAttributeName="spend"
        )
        assert got["Value"] == str(10 * rounds)
    members = cp.get_segment_membership(
        DomainName="d", SegmentDefinitionName="big", ProfileIds=profile_ids
    )["Profiles"]
    assert {m["QueryResult"] for m in members} == {"PRESENT"}
    outbox = customerprofiles_mock.outbox()
    assert len(outbox.event_triggers) == writers * rounds
    object_records = [
        json.loads(r["Data"])
        for r in outbox.kinesis[STREAM]
        if json.loads(r["Data"])["ObjectTypeName"] == "Order"
    ]
    assert sorted(r["ProfileObjectUniqueKey"] for r in object_records) == sorted(
        {r["ProfileObjectUniqueKey"] for r in object_records}
    )
    assert len(object_records) == writers * rounds
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == writers * rounds

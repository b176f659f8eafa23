"""SQL segments at scale (issue 15): a write, and a SQL read right after it, cost the same
in a domain of 10,000 profiles as in one of 100, because the SQL tables are kept row by
row instead of being rebuilt from the whole domain after every change."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import boto3
from harness import REGION, interleaved, scale_scenario
from scale_data import ORDER

from customerprofiles_mock import mock_customerprofiles

BIG_SPENDERS = "SELECT ProfileId FROM `Order` GROUP BY ProfileId HAVING SUM(total) > 1000"


def _domain(cp: Any, name: str, profiles: int) -> None:
    cp.create_domain(DomainName=name, DefaultExpirationDays=365, DataStore={"Enabled": True})
    cp.put_profile_object_type(DomainName=name, ObjectTypeName="Order", **ORDER)
    cp.create_segment_definition(
        DomainName=name,
        SegmentDefinitionName="big",
        DisplayName="big spenders",
        SegmentSqlQuery=BIG_SPENDERS,
    )
    cp.create_event_trigger(
        DomainName=name,
        EventTriggerName="big-order",
        ObjectTypeName="Order",
        SegmentFilter="big",
        EventTriggerConditions=[
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "FieldName": "total",
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["100"],
                            }
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
    )
    for n in range(profiles):
        body = {"id": f"seed{n}", "email": f"c{n}@x.io", "total": n % 2000}
        cp.put_profile_object(DomainName=name, ObjectTypeName="Order", Object=json.dumps(body))


@scale_scenario
def sql_writes_scaling(rounds: int, calls: int) -> list[str]:
    """PutProfileObject with a trigger filtered by a SQL segment, then a SQL membership read."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        _domain(cp, "small", 100)
        _domain(cp, "large", 10_000)
        ids = {
            d: [
                p["ProfileId"]
                for p in cp.search_profiles(DomainName=d, KeyName="_email", Values=["c1@x.io"])[
                    "Items"
                ]
            ]
            for d in ("small", "large")
        }
        serial = count()

        def write(domain: str) -> Any:
            n = next(serial) % 50  # replace a bounded set: every call does the same work
            body = {"id": f"w{n}", "email": f"c{n}@x.io", "total": 150}
            return cp.put_profile_object(
                DomainName=domain, ObjectTypeName="Order", Object=json.dumps(body)
            )

        def write_then_read(domain: str) -> Any:
            write(domain)
            return cp.get_segment_membership(
                DomainName=domain, SegmentDefinitionName="big", ProfileIds=ids[domain]
            )

        timings = interleaved(
            {
                "write small": lambda: write("small"),
                "write large": lambda: write("large"),
                "read small": lambda: write_then_read("small"),
                "read large": lambda: write_then_read("large"),
            },
            rounds,
            max(calls // 10, 10),
        )
    return [
        f"put_profile_object with a SQL-filtered trigger: {timings['write small']:.0f} µs at 100 "
        f"profiles, {timings['write large']:.0f} µs at 10,000",
        f"SQL write 10k/100 = {timings['write large'] / timings['write small']:.2f}",
        f"write then get_segment_membership (SQL): {timings['read small']:.0f} µs at 100, "
        f"{timings['read large']:.0f} µs at 10,000",
        f"SQL write+read 10k/100 = {timings['read large'] / timings['read small']:.2f}",
    ]


@scale_scenario
def get_domain_scaling(rounds: int, calls: int) -> list[str]:
    """GetDomain (with Stats) and ListProfileAttributeValues at 100 and 10,000 profiles."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        _domain(cp, "small", 100)
        _domain(cp, "large", 10_000)
        for domain in ("small", "large"):  # five distinct cities, however many profiles
            for n in range(5):
                cp.create_profile(DomainName=domain, Address={"City": f"City{n}"})

        def values(domain: str) -> Any:
            return cp.list_profile_attribute_values(DomainName=domain, AttributeName="Address.City")

        timings = interleaved(
            {
                "small": lambda: cp.get_domain(DomainName="small"),
                "large": lambda: cp.get_domain(DomainName="large"),
                "values small": lambda: values("small"),
                "values large": lambda: values("large"),
            },
            rounds,
            calls,
        )
    return [
        f"get_domain with Stats: {timings['small']:.0f} µs at 100 profiles, "
        f"{timings['large']:.0f} µs at 10,000",
        f"get_domain 10k/100 = {timings['large'] / timings['small']:.2f}",
        f"list_profile_attribute_values (5 values): {timings['values small']:.0f} µs at 100, "
        f"{timings['values large']:.0f} µs at 10,000",
        f"attribute values 10k/100 = {timings['values large'] / timings['values small']:.2f}",
    ]

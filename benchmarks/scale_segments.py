"""Scale of calculated attributes and segments (issue 7): membership checks that do not
evaluate the whole domain, attribute reads that do not rescan a profile's objects, and
the throughput of evaluating a segment over every profile (estimates)."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
from harness import REGION, interleaved, scale_scenario

from customerprofiles_mock import mock_customerprofiles

LISBON_SPENDERS = {
    "Include": "ALL",
    "Groups": [
        {
            "Type": "ALL",
            "Dimensions": [
                {
                    "ProfileAttributes": {
                        "Address": {"City": {"DimensionType": "INCLUSIVE", "Values": ["Lisbon"]}}
                    }
                },
                {
                    "ProfileAttributes": {
                        "Attributes": {
                            "spend": {"DimensionType": "GREATER_THAN", "Values": ["500"]}
                        }
                    }
                },
            ],
        }
    ],
}


def _customers(cp: Any, domain: str, count: int) -> list[str]:
    cp.create_domain(DomainName=domain, DefaultExpirationDays=365)
    cp.create_segment_definition(
        DomainName=domain,
        SegmentDefinitionName="lisbon_spenders",
        DisplayName="Lisbon spenders",
        SegmentGroups=LISBON_SPENDERS,
    )
    return [
        cp.create_profile(
            DomainName=domain,
            FirstName=f"C{n}",
            Address={"City": "Lisbon" if n % 3 else "Porto"},
            Attributes={"spend": str(n * 10 % 1000)},
        )["ProfileId"]
        for n in range(count)
    ]


@scale_scenario
def membership_scaling(rounds: int, calls: int) -> list[str]:
    """GetSegmentMembership for 100 ids: a domain of 10,000 profiles against one of 100."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        small = _customers(cp, "small", 100)
        large = _customers(cp, "large", 10_000)[5000:5100]  # same mix of members as small
        timings = interleaved(
            {
                "100": lambda: cp.get_segment_membership(
                    DomainName="small", SegmentDefinitionName="lisbon_spenders", ProfileIds=small
                ),
                "10000": lambda: cp.get_segment_membership(
                    DomainName="large", SegmentDefinitionName="lisbon_spenders", ProfileIds=large
                ),
            },
            rounds,
            max(calls // 20, 10),
        )
    return [
        f"get_segment_membership (100 ids) at 100 profiles {timings['100']:.0f} µs, "
        f"at 10,000 {timings['10000']:.0f} µs",
        f"10k/100 membership ratio = {timings['10000'] / timings['100']:.3f}  (target <= 1.2)",
    ]


@scale_scenario
def calculated_attribute_flat(rounds: int, calls: int) -> list[str]:
    """GetCalculatedAttributeForProfile (30-day SUM) for a profile with 10 objects against
    one with 10,000."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        cp.create_domain(DomainName="calc", DefaultExpirationDays=365)
        cp.put_profile_object_type(
            DomainName="calc",
            ObjectTypeName="Purchase",
            Description="p",
            AllowProfileCreation=True,
            Fields={
                "id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
                "amount": {"Source": "_source.amount", "ContentType": "NUMBER"},
            },
            Keys={
                "pid": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
            },
            MaxProfileObjectCount=20_000,
        )
        cp.create_calculated_attribute_definition(
            DomainName="calc",
            CalculatedAttributeName="spend",
            Statistic="SUM",
            AttributeDetails={
                "Attributes": [{"Name": "amount"}],
                "Expression": "{Purchase.amount}",
            },
            Conditions={"Range": {"Value": 30, "Unit": "DAYS"}},
        )
        ids = {}
        for who, count in (("few", 10), ("many", 10_000)):
            for n in range(count):
                cp.put_profile_object(
                    DomainName="calc",
                    ObjectTypeName="Purchase",
                    Object=json.dumps(
                        {"id": f"{who}{n}", "email": f"{who}@x.io", "amount": n % 50}
                    ),
                )
            ids[who] = cp.search_profiles(
                DomainName="calc", KeyName="_email", Values=[f"{who}@x.io"]
            )["Items"][0]["ProfileId"]
        timings = interleaved(
            {
                who: (
                    lambda pid=pid: cp.get_calculated_attribute_for_profile(
                        DomainName="calc", ProfileId=pid, CalculatedAttributeName="spend"
                    )
                )
                for who, pid in ids.items()
            },
            rounds,
            calls,
        )
    return [
        f"get_calculated_attribute_for_profile at 10 objects {timings['few']:.1f} µs, "
        f"at 10,000 {timings['many']:.1f} µs",
        f"10,000/10 objects ratio = {timings['many'] / timings['few']:.3f}  (target <= 1.2)",
    ]


@scale_scenario
def estimate_throughput(rounds: int, calls: int) -> list[str]:
    """CreateSegmentEstimate over 100,000 profiles: profiles evaluated per second."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        _customers(cp, "wide", 100_000)
        best = float("inf")
        for _ in range(max(rounds // 2, 1)):
            start = time.perf_counter()
            cp.create_segment_estimate(DomainName="wide", SegmentQuery=LISBON_SPENDERS)
            best = min(best, time.perf_counter() - start)
    return [
        f"create_segment_estimate over 100,000 profiles: {best:.2f} s, "
        f"{100_000 / best:,.0f} profiles/s"
    ]

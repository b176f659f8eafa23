"""Data in and out (issue 8): what 20 event triggers and an event stream add to each
PutProfileObject, and how fast an upload job ingests a 10,000-row CSV."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any

import boto3
import requests
from harness import REGION, interleaved, memory_per_item, scale_scenario

from customerprofiles_mock import mock_customerprofiles

ORDER = {
    "Description": "orders",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
        "total": {"Source": "_source.total", "ContentType": "NUMBER"},
        "channel": {"Source": "_source.channel"},
    },
    "Keys": {
        "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}


def _triggers(cp: Any, domain: str, how_many: int) -> None:
    for n in range(how_many):
        cp.create_event_trigger(
            DomainName=domain,
            EventTriggerName=f"t{n}",
            ObjectTypeName="Order",
            EventTriggerConditions=[
                {
                    "LogicalOperator": "ALL",
                    "EventTriggerDimensions": [
                        {
                            "ObjectAttributes": [
                                {
                                    "FieldName": "total",
                                    "ComparisonOperator": "GREATER_THAN",
                                    "Values": [str(n)],
                                },
                                {
                                    "FieldName": "channel",
                                    "ComparisonOperator": "INCLUSIVE",
                                    "Values": ["web"],
                                },
                            ]
                        }
                    ],
                }
            ],
            EventTriggerLimits={"Periods": [{"Unit": "MINUTES", "Value": 1, "Unlimited": True}]},
        )


@scale_scenario
def ingestion_with_triggers_and_stream(rounds: int, calls: int) -> list[str]:
    """PutProfileObject with 20 triggers and an event stream, against neither."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        for domain in ("plain", "busy"):
            cp.create_domain(DomainName=domain, DefaultExpirationDays=365)
            cp.put_profile_object_type(DomainName=domain, ObjectTypeName="Order", **ORDER)
        _triggers(cp, "busy", 20)
        cp.create_event_stream(
            DomainName="busy",
            EventStreamName="export",
            Uri="arn:aws:kinesis:us-east-1:123456789012:stream/export",
        )
        serial = count()

        def put(domain: str) -> Any:
            n = next(serial) % 50  # replace a bounded set of orders: every call does the same work
            body = {"id": f"o{n}", "email": f"c{n % 10}@x.io", "total": 25, "channel": "web"}
            return cp.put_profile_object(
                DomainName=domain, ObjectTypeName="Order", Object=json.dumps(body)
            )

        timings = interleaved(
            {"plain": lambda: put("plain"), "busy": lambda: put("busy")}, rounds, calls // 2
        )
    return [
        f"put_profile_object plain {timings['plain']:.1f} µs, with 20 triggers and an event "
        f"stream {timings['busy']:.1f} µs",
        f"busy/plain = {timings['busy'] / timings['plain']:.3f}  (target <= 1.3)",
    ]


@scale_scenario
def upload_throughput(rounds: int, calls: int) -> list[str]:
    """An upload job ingesting a 10,000-row CSV: rows per second (StartUploadJob)."""
    rows = "email,first,city\n" + "".join(
        f"u{n}@x.io,User{n},City{n % 50}\n" for n in range(10_000)
    )
    fields = {
        "email": {
            "Source": "_source.email",
            "Target": "_profile.EmailAddress",
            "ContentType": "EMAIL_ADDRESS",
        },
        "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
        "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
    }
    best = float("inf")
    for attempt in range(max(rounds // 3, 1)):
        with mock_customerprofiles():
            cp = boto3.client("customer-profiles", region_name=REGION)
            cp.create_domain(DomainName=f"u{attempt}", DefaultExpirationDays=365)
            job = cp.create_upload_job(
                DomainName=f"u{attempt}", DisplayName="bench", Fields=fields, UniqueKey="email"
            )["JobId"]
            url = cp.get_upload_job_path(DomainName=f"u{attempt}", JobId=job)["Url"]
            requests.put(url, data=rows.encode(), timeout=60)
            start = time.perf_counter()
            cp.start_upload_job(DomainName=f"u{attempt}", JobId=job)
            best = min(best, time.perf_counter() - start)
    return [f"upload job, 10,000-row CSV: {best:.2f} s, {10_000 / best:,.0f} rows/s"]


@scale_scenario
def memory_per_profile_with_objects(rounds: int, calls: int) -> list[str]:
    """Retained heap per profile that five ingested objects made (issue 15's shape)."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        cp.create_domain(DomainName="mem", DefaultExpirationDays=365)
        cp.put_profile_object_type(DomainName="mem", ObjectTypeName="Order", **ORDER)
        serial = count()

        def build(profiles: int) -> None:
            for _ in range(profiles):
                n = next(serial)
                for k in range(5):
                    body = {"id": f"o{n}-{k}", "email": f"c{n}@x.io", "total": 10 * k + n % 7}
                    cp.put_profile_object(
                        DomainName="mem", ObjectTypeName="Order", Object=json.dumps(body)
                    )

        build(50)  # warm every cache first
        per_profile = memory_per_item(build, 2000)
    return [f"memory per profile with 5 objects ≈ {per_profile / 1024:.2f} KiB"]

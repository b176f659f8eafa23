"""Per-call cost of the mock against two baselines, measured in one process.

Scenarios run interleaved in rounds and report medians, so machine noise hits every
scenario alike; the figures that matter are the ratios, not the microseconds.

* floor: the same boto3 call answered by a ``before-send`` hook returning canned bytes,
  the least any in-process botocore mock can cost;
* moto:  a comparable GET of a moto built-in rest-json service (apigatewayv2 GetApi)
  under ``mock_aws``;
* mock:  ``get_domain`` under ``mock_customerprofiles``.

Scale scenarios (issue 3) are added through ``SCALE_SCENARIOS``.

Run: ``python benchmarks/bench.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from customerprofiles_mock import mock_customerprofiles
from customerprofiles_mock.raw import RawResponse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (
    REGION,
    SCALE_SCENARIOS,
    fill,
    interleaved,
    memory_per_item,
    scale_scenario,
)

CANNED_GET_DOMAIN = json.dumps(
    {
        "DomainName": "bench",
        "DefaultExpirationDays": 365,
        "CreatedAt": 1700000000.123,
        "LastUpdatedAt": 1700000000.123,
        "Stats": {"ProfileCount": 0, "MeteringProfileCount": 0, "ObjectCount": 0, "TotalSize": 0},
    }
).encode()


def floor_client() -> Any:
    client = boto3.client("customer-profiles", region_name=REGION)

    def canned(request: Any, **_kwargs: Any) -> AWSResponse:
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, 200, headers, RawResponse(CANNED_GET_DOMAIN))  # type: ignore[arg-type]

    # First in line, so the answer is the canned one even while a mock is active.
    client.meta.events.register_first("before-send", canned)
    return client


def bench_get_domain(rounds: int, calls: int) -> dict[str, float]:
    floor = floor_client()
    with mock_aws():
        apis = boto3.client("apigatewayv2", region_name=REGION)
        api_id = apis.create_api(Name="bench", ProtocolType="HTTP")["ApiId"]
        moto_call = lambda: apis.get_api(ApiId=api_id)  # noqa: E731
        moto_us = interleaved({"moto": moto_call}, rounds, calls)["moto"]
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        cp.create_domain(DomainName="bench", DefaultExpirationDays=365)
        timings = interleaved(
            {
                "mock": lambda: cp.get_domain(DomainName="bench"),
                "floor": lambda: floor.get_domain(DomainName="bench"),
            },
            rounds,
            calls,
        )
    timings["moto"] = moto_us
    return timings


def report_get_domain(timings: dict[str, float]) -> list[str]:
    mock, floor, moto = timings["mock"], timings["floor"], timings["moto"]
    return [
        f"get_domain per call: mock {mock:.1f} µs, floor {floor:.1f} µs, "
        f"moto apigatewayv2.get_api {moto:.1f} µs",
        f"mock/floor = {mock / floor:.3f}  (target <= 1.25)",
        f"mock/moto  = {mock / moto:.3f}",
    ]


def _small_and_large_domains() -> Any:
    """A client with domain ``small`` of 100 profiles and ``large`` of 10,000."""
    cp = boto3.client("customer-profiles", region_name=REGION)
    for name, size in (("small", 100), ("large", 10_000)):
        cp.create_domain(DomainName=name, DefaultExpirationDays=365)
        fill(cp, name, size)
    return cp


@scale_scenario
def search_scaling(rounds: int, calls: int) -> list[str]:
    """SearchProfiles by email: a domain of 10,000 profiles against one of 100."""
    with mock_customerprofiles():
        cp = _small_and_large_domains()
        timings = interleaved(
            {
                "100": lambda: cp.search_profiles(
                    DomainName="small", KeyName="_email", Values=["user42@example.com"]
                ),
                "10000": lambda: cp.search_profiles(
                    DomainName="large", KeyName="_email", Values=["user4242@example.com"]
                ),
            },
            rounds,
            calls,
        )
    return [
        f"search_profiles at 100 profiles {timings['100']:.1f} µs, "
        f"at 10,000 {timings['10000']:.1f} µs",
        f"10k/100 search ratio = {timings['10000'] / timings['100']:.3f}  (target <= 1.2)",
    ]


@scale_scenario
def create_scaling(rounds: int, calls: int) -> list[str]:
    """CreateProfile cost in a domain of 100 profiles against one of 10,000."""
    with mock_customerprofiles():
        cp = _small_and_large_domains()
        counter = iter(range(10**9))

        def create(domain: str) -> Any:
            n = next(counter)
            return cp.create_profile(DomainName=domain, FirstName="New", EmailAddress=f"n{n}@x.io")

        timings = interleaved(
            {"100": lambda: create("small"), "10000": lambda: create("large")},
            rounds,
            calls // 4,
        )
    return [
        f"create_profile at ~100 profiles {timings['100']:.1f} µs, "
        f"at ~10,000 {timings['10000']:.1f} µs",
        f"10k/100 create ratio = {timings['10000'] / timings['100']:.3f}",
    ]


@scale_scenario
def memory_per_profile(rounds: int, calls: int) -> list[str]:
    """Retained heap per simple profile (five fields, indexed), created through boto3."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        cp.create_domain(DomainName="mem", DefaultExpirationDays=365)
        fill(cp, "mem", 50)  # warm every cache first
        per_profile = memory_per_item(lambda count: fill(cp, "mem", count, 50), 2000)
    return [f"memory per simple profile ≈ {per_profile / 1024:.2f} KiB"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    args = parser.parse_args()
    rounds, calls = (3, 200) if args.quick else (7, 1000)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    import botocore
    import moto

    print(
        f"python {sys.version.split()[0]}, botocore {botocore.__version__}, "
        f"moto {moto.__version__}, {os.cpu_count()} cores; {rounds} rounds x {calls} calls"
    )
    for line in report_get_domain(bench_get_domain(rounds, calls)):
        print(line)
    import scale_data  # noqa: F401  (registers its scenarios)
    import scale_identity  # noqa: F401
    import scale_recommend  # noqa: F401
    import scale_segments  # noqa: F401
    import scale_sql  # noqa: F401

    for name, scenario in SCALE_SCENARIOS.items():
        for line in scenario(rounds, calls):
            print(f"{name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

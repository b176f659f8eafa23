"""Identity resolution and insights (issue 9): GetSimilarProfiles flat in the domain's
size, a matching job over 10,000 profiles, and attribute statistics over 100,000 objects."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any

import boto3
from freezegun import freeze_time
from harness import REGION, interleaved, scale_scenario, small_large_report

from customerprofiles_mock import mock_customerprofiles
from customerprofiles_mock.models import backend_for


def _people(cp: Any, domain: str, count: int, **settings: Any) -> list[str]:
    cp.create_domain(DomainName=domain, DefaultExpirationDays=365, **settings)
    return [
        cp.create_profile(
            DomainName=domain,
            FirstName=f"F{n // 2}",
            LastName=f"L{n // 2}",
            EmailAddress=f"user{n // 2}@x.io",  # every customer twice
            PhoneNumber=f"+1555{n:07d}",
        )["ProfileId"]
        for n in range(count)
    ]


@scale_scenario
def similar_profiles_scaling(rounds: int, calls: int) -> list[str]:
    """GetSimilarProfiles (rule-based) in a domain of 10,000 profiles against one of 100."""
    rules = {"Enabled": True, "MatchingRules": [{"Rule": ["EmailAddress"]}, {"Rule": ["LastName"]}]}
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        with freeze_time("2026-01-01"):  # an hour later (now) rule-based matching is ACTIVE
            small = _people(cp, "small", 100, RuleBasedMatching=rules)[42]
            large = _people(cp, "large", 10_000, RuleBasedMatching=rules)[4242]

        def similar(domain: str, profile_id: str) -> Any:
            return cp.get_similar_profiles(
                DomainName=domain,
                MatchType="RULE_BASED_MATCHING",
                SearchKey="_profileId",
                SearchValue=profile_id,
            )

        timings = interleaved(
            {"100": lambda: similar("small", small), "10000": lambda: similar("large", large)},
            rounds,
            calls // 2,
        )
    return [
        f"get_similar_profiles at 100 profiles {timings['100']:.1f} µs, at 10,000 "
        f"{timings['10000']:.1f} µs",
        f"10k/100 similar ratio = {timings['10000'] / timings['100']:.3f}  (target <= 1.2)",
    ]


@scale_scenario
def identity_resolution_job(rounds: int, calls: int) -> list[str]:
    """A scheduled matching job over 10,000 profiles (5,000 customers, each twice): the
    call that runs it."""
    with mock_customerprofiles(), freeze_time("2026-01-01") as clock:
        cp = boto3.client("customer-profiles", region_name=REGION)
        _people(cp, "ml", 10_000, Matching={"Enabled": True})
        clock.move_to("2026-01-03 00:10")  # past Saturday's run
        start = time.process_time()  # freezegun stops the wall clocks, not this one
        [job] = [
            j
            for j in cp.list_identity_resolution_jobs(DomainName="ml")["IdentityResolutionJobsList"]
            if j["Status"] == "COMPLETED"
        ]
        seconds = time.process_time() - start
    found = job["JobStats"]["NumberOfMatchesFound"]
    return [f"identity resolution job over 10,000 profiles: {seconds:.2f} s, {found:,} matches"]


@scale_scenario
def attribute_statistics(rounds: int, calls: int) -> list[str]:
    """GetObjectTypeAttributeStatistics over 100,000 ingested objects (first and later calls)."""
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        cp.create_domain(DomainName="stats", DefaultExpirationDays=365, DataStore={"Enabled": True})
        cp.put_profile_object_type(
            DomainName="stats",
            ObjectTypeName="Order",
            Description="o",
            AllowProfileCreation=True,
            MaxProfileObjectCount=100_000,
            Fields={
                "id": {"Source": "_source.id"},
                "customer": {"Source": "_source.customer"},
                "total": {"Source": "_source.total", "ContentType": "NUMBER"},
            },
            Keys={
                "oid": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                "cid": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["customer"]}],
            },
        )
        backend = backend_for("123456789012", REGION)
        domain = backend.domains["stats"]
        object_type = domain.collections["object-types"]["Order"]
        for n in range(100_000):  # through the backend: the set-up is not what is measured
            body = json.dumps({"id": f"o{n}", "customer": f"c{n % 1000}", "total": n % 997 + 0.5})
            backend._ingest(domain, object_type, body)

        def statistics() -> Any:
            return cp.get_object_type_attribute_statistics(
                DomainName="stats", ObjectTypeName="Order", AttributeName="total"
            )

        start = time.perf_counter()
        statistics()
        first = time.perf_counter() - start
        later = interleaved({"stats": statistics}, rounds, calls // 4)["stats"]
    return [
        f"get_object_type_attribute_statistics over 100,000 objects: first call "
        f"{first * 1000:.0f} ms, later calls {later:.0f} µs (cached until the attribute changes)"
    ]


@scale_scenario
def rule_writes_scaling(rounds: int, calls: int) -> list[str]:
    """A write with rule-based matching and auto-merge on, alone and followed by the reads
    that see it: the index re-groups only the written profile's groups (issue 15)."""
    rules = {
        "Enabled": True,
        "MatchingRules": [{"Rule": ["EmailAddress"]}, {"Rule": ["LastName"]}],
        "MaxAllowedRuleLevelForMerging": 1,
    }
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        with freeze_time("2026-01-01"):  # an hour later (now) rule-based matching is ACTIVE
            ids = {
                "small": _people(cp, "small", 100, RuleBasedMatching=rules),
                "large": _people(cp, "large", 10_000, RuleBasedMatching=rules),
            }
        for domain in ids:  # the first read merges every twin (level 1): not measured
            cp.list_rule_based_matches(DomainName=domain)
        targets = {d: [_survivor(cp, d, k) for k in range(50)] for d in ids}
        serial = count()

        def write(domain: str) -> Any:
            k = next(serial)  # 50 profiles in turn, each to a value other than its last
            n, cycle = k % 50, k // 50
            return cp.update_profile(
                DomainName=domain, ProfileId=targets[domain][n], LastName=f"Moved{(n + cycle) % 7}"
            )

        def write_list(domain: str) -> Any:
            write(domain)
            return cp.list_rule_based_matches(DomainName=domain, MaxResults=10)

        def write_similar(domain: str) -> Any:
            write(domain)
            return cp.get_similar_profiles(
                DomainName=domain,
                MatchType="RULE_BASED_MATCHING",
                SearchKey="_profileId",
                SearchValue=targets[domain][0],
            )

        timings = interleaved(
            {
                f"{kind} {d}": (lambda d=d, f=f: f(d))
                for kind, f in (("write", write), ("list", write_list), ("similar", write_similar))
                for d in ("small", "large")
            },
            rounds,
            max(calls // 10, 10),
        )
    return small_large_report(
        timings,
        "rule-based",
        {
            "write": "update_profile (rule-based matching, auto-merge on)",
            "list": "update_profile then list_rule_based_matches (one page)",
            "similar": "update_profile then get_similar_profiles (rule-based)",
        },
    )


def _survivor(cp: Any, domain: str, customer: int) -> str:
    """The one profile left of a customer's twins after auto-merge."""
    found = cp.search_profiles(
        DomainName=domain, KeyName="_email", Values=[f"user{customer}@x.io"]
    )["Items"]
    assert len(found) == 1, "auto-merge should have merged the twins"
    return str(found[0]["ProfileId"])


@scale_scenario
def crowded_rule_group_scaling(rounds: int, calls: int) -> list[str]:
    """A write to one of the profiles that share a last name with a tenth of the domain,
    matched on last name alone: at 10,000 profiles the group (1,000) is too large to be a
    match, and the index knows it from its counts without reading the members."""
    rules = {"Enabled": True, "MatchingRules": [{"Rule": ["LastName"]}]}
    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name=REGION)
        crowd: dict[str, list[str]] = {}
        with freeze_time("2026-01-01"):  # an hour later (now) rule-based matching is ACTIVE
            for domain, size in (("small", 100), ("large", 10_000)):
                cp.create_domain(
                    DomainName=domain, DefaultExpirationDays=365, RuleBasedMatching=rules
                )
                ids = [
                    cp.create_profile(
                        DomainName=domain, LastName="Silva" if n % 10 == 0 else f"L{n}"
                    )["ProfileId"]
                    for n in range(size)
                ]
                crowd[domain] = ids[::10][:10]
        for domain in crowd:
            cp.list_rule_based_matches(DomainName=domain)
        serial = count()

        def write(domain: str) -> Any:
            profile_id = crowd[domain][next(serial) % 10]
            cp.update_profile(DomainName=domain, ProfileId=profile_id, FirstName=f"F{next(serial)}")
            return cp.list_rule_based_matches(DomainName=domain, MaxResults=10)

        timings = interleaved(
            {f"write {d}": (lambda d=d: write(d)) for d in ("small", "large")},
            rounds,
            max(calls // 10, 10),
        )
    return small_large_report(
        timings,
        "rule-based crowded group",
        {"write": "update_profile in a 10% last-name crowd, then list_rule_based_matches"},
    )

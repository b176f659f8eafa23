"""Recommendations at scale (issue 15): their inputs are kept as objects arrive, so a
call no longer re-reads every object of the domain."""

from __future__ import annotations

import json
import sys
from itertools import count
from pathlib import Path
from typing import Any

import boto3
from harness import REGION, interleaved, scale_scenario, small_large_report

from customerprofiles_mock import mock_customerprofiles, timing

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.test_recommenders import CLICKS, PRODUCTS  # the tests' own object types

ITEMS = 20


def _shop(cp: Any, name: str, profiles: int) -> str:
    """``profiles`` customers with five clicks each over a 20-item catalog."""
    cp.create_domain(DomainName=name, DefaultExpirationDays=365)
    cp.put_profile_object_type(DomainName=name, ObjectTypeName="Click", **CLICKS)
    cp.put_profile_object_type(DomainName=name, ObjectTypeName="Product", **PRODUCTS)
    for n in range(ITEMS):
        body = {"sku": f"sku{n}", "name": f"Item {n}"}
        cp.put_profile_object(DomainName=name, ObjectTypeName="Product", Object=json.dumps(body))
    for n in range(profiles):
        for k in range(5):
            body = {
                "event_id": f"e{n}-{k}",
                "email": f"c{n}@x.io",
                "item": f"sku{(n + k * 3) % ITEMS}",
            }
            cp.put_profile_object(DomainName=name, ObjectTypeName="Click", Object=json.dumps(body))
    cp.create_recommender(
        DomainName=name, RecommenderName="popular", RecommenderRecipeName="popular-items"
    )
    cp.create_recommender(
        DomainName=name, RecommenderName="similar", RecommenderRecipeName="similar-items"
    )
    found = cp.search_profiles(DomainName=name, KeyName="_email", Values=["c7@x.io"])
    return str(found["Items"][0]["ProfileId"])


@scale_scenario
def recommendations_scaling(rounds: int, calls: int) -> list[str]:
    """GetProfileRecommendations (popular-items, similar-items), alone and after a click."""
    saved, timing.SPEED = timing.SPEED, 0  # recommenders ACTIVE at once
    try:
        with mock_customerprofiles():
            cp = boto3.client("customer-profiles", region_name=REGION)
            who = {"small": _shop(cp, "small", 100), "large": _shop(cp, "large", 10_000)}
            serial = count()

            def ask(domain: str, recommender: str) -> Any:
                return cp.get_profile_recommendations(
                    DomainName=domain, ProfileId=who[domain], RecommenderName=recommender
                )

            def click_then_ask(domain: str) -> Any:
                n = next(serial) % 50  # replaces one of 50 events: the domain does not grow
                body = {"event_id": f"w{n}", "email": "c7@x.io", "item": f"sku{n % ITEMS}"}
                cp.put_profile_object(
                    DomainName=domain, ObjectTypeName="Click", Object=json.dumps(body)
                )
                return ask(domain, "popular")

            timings = interleaved(
                {
                    "popular small": lambda: ask("small", "popular"),
                    "popular large": lambda: ask("large", "popular"),
                    "similar small": lambda: ask("small", "similar"),
                    "similar large": lambda: ask("large", "similar"),
                    "write small": lambda: click_then_ask("small"),
                    "write large": lambda: click_then_ask("large"),
                },
                rounds,
                max(calls // 10, 10),
            )
    finally:
        timing.SPEED = saved
    return small_large_report(
        timings,
        "recommendations",
        {
            "popular": "get_profile_recommendations popular-items",
            "similar": "get_profile_recommendations similar-items",
            "write": "put_profile_object (a click) then popular-items",
        },
    )

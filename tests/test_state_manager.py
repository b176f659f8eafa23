"""Job-like statuses follow moto's state manager when a transition is set, and the
mock's clock otherwise (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto.moto_api import state_manager

from customerprofiles_mock import timing

RECOMMENDER = "customerprofiles::recommender"


@pytest.fixture
def transitions() -> Iterator[None]:
    yield
    for model in timing.MODELS:
        state_manager.unset_transition(f"customerprofiles::{model}")


def test_every_schedule_is_registered() -> None:
    registered = set(state_manager.get_registered_models())
    assert {f"customerprofiles::{m}" for m in timing.MODELS} <= registered
    assert {"recommender", "identity-resolution-job", "upload-job"} <= set(timing.MODELS)


def test_manual_moves_one_status_per_call_that_reads_it(cp: Any, transitions: None) -> None:
    state_manager.set_transition(RECOMMENDER, {"progression": "manual", "times": 1})
    cp.create_recommender(
        DomainName="d", RecommenderName="r", RecommenderRecipeName="popular-items"
    )
    seen = [cp.get_recommender(DomainName="d", RecommenderName="r")["Status"] for _ in range(4)]
    assert seen == ["PENDING", "IN_PROGRESS", "ACTIVE", "ACTIVE"]
    state_manager.set_transition(RECOMMENDER, {"progression": "manual", "times": 2})
    cp.create_recommender(
        DomainName="d", RecommenderName="r2", RecommenderRecipeName="popular-items"
    )
    seen = [cp.get_recommender(DomainName="d", RecommenderName="r2")["Status"] for _ in range(5)]
    assert seen == ["PENDING", "PENDING", "IN_PROGRESS", "IN_PROGRESS", "ACTIVE"]


def test_without_a_transition_the_clock_decides(cp: Any, transitions: None) -> None:
    state_manager.set_transition(RECOMMENDER, {"progression": "immediate"})
    state_manager.unset_transition(RECOMMENDER)
    cp.create_recommender(
        DomainName="d", RecommenderName="r", RecommenderRecipeName="popular-items"
    )
    assert cp.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "PENDING"


def test_domain_statuses_follow_the_state_manager(
    customerprofiles_client: Any, transitions: None
) -> None:
    cp = customerprofiles_client
    rules = {"Enabled": True, "MatchingRules": [{"Rule": ["EmailAddress"]}]}
    cp.create_domain(
        DomainName="d",
        DefaultExpirationDays=30,
        RuleBasedMatching=rules,
        DataStore={"Enabled": True},
    )
    got = cp.get_domain(DomainName="d")
    assert got["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
    assert got["DataStore"]["Readiness"]["ProgressPercentage"] < 100
    for model in ("rule-based-matching", "data-store"):
        state_manager.set_transition(f"customerprofiles::{model}", {"progression": "immediate"})
    got = cp.get_domain(DomainName="d")
    assert got["RuleBasedMatching"]["Status"] == "ACTIVE"
    assert got["DataStore"]["Readiness"] == {
        "ProgressPercentage": 100,
        "Message": "Data store is ready.",
    }

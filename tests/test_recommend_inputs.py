"""Recommendation inputs are kept object by object (issue 15): after writes, merges,
deletions and a failed call, every recipe answers what inputs rebuilt from the
domain's objects answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from customerprofiles_mock.models import backend_for
from customerprofiles_mock.models.recommend_inputs import STATE

from .test_recommenders import NEWER_RECOMMENDERS, instant, make, profile, shop

__all__ = ["instant", "shop"]  # fixtures used below

RECIPES = [
    "popular-items",
    "trending-now",
    "recommended-for-you",
    "similar-items",
    "frequently-paired-items",
]
PEOPLE = ["ana@x.io", "bo@x.io", "cy@x.io", "dee@x.io"]


def answers(cp: Any) -> dict[tuple[str, str], list[tuple[str, float]]]:
    found = {}
    for recipe in RECIPES:
        for email in PEOPLE:
            got = cp.get_profile_recommendations(
                DomainName="d", ProfileId=profile(cp, email), RecommenderName=recipe
            )["Recommendations"]
            found[recipe, email] = [(r["CatalogItem"]["Id"], r["Score"]) for r in got]
    return found


def rebuilt(cp: Any) -> dict[tuple[str, str], list[tuple[str, float]]]:
    backend_for("123456789012", "us-east-1").domains["d"].state.pop(STATE, None)
    return answers(cp)


@NEWER_RECOMMENDERS
def test_kept_inputs_equal_rebuilt_ones(shop: Any, instant: None) -> None:
    cp = shop
    for recipe in RECIPES:
        make(cp, recipe, recipe)
    initial = answers(cp)
    assert initial == rebuilt(cp)

    def click(n: int, email: str, item: str, kind: str = "view") -> None:
        body = {"event_id": f"x{n}", "email": email, "item": item, "kind": kind}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Click", Object=json.dumps(body))

    click(1, "ana@x.io", "socks")
    click(2, "cy@x.io", "boots", "purchase")
    click(1, "ana@x.io", "scarf")  # replaces event x1: socks no longer counts
    kept = answers(cp)
    assert kept == rebuilt(cp)
    assert kept != initial
    # A merge moves dee's clicks to cy.
    cp.merge_profiles(
        DomainName="d",
        MainProfileId=profile(cp, "cy@x.io"),
        ProfileIdsToBeMerged=[profile(cp, "dee@x.io")],
    )
    PEOPLE.remove("dee@x.io")
    try:
        assert answers(cp) == rebuilt(cp)
        # Deleting an object takes its interaction away.
        [obj] = [
            o
            for o in cp.list_profile_objects(
                DomainName="d", ObjectTypeName="Click", ProfileId=profile(cp, "bo@x.io")
            )["Items"]
            if json.loads(o["Object"])["item"] == "hat"
        ]
        cp.delete_profile_object(
            DomainName="d",
            ProfileId=profile(cp, "bo@x.io"),
            ProfileObjectUniqueKey=obj["ProfileObjectUniqueKey"],
            ObjectTypeName="Click",
        )
        assert answers(cp) == rebuilt(cp)
    finally:
        PEOPLE.append("dee@x.io")


@NEWER_RECOMMENDERS
def test_a_failed_call_leaves_the_inputs_as_they_were(shop: Any, instant: None) -> None:
    cp = shop
    make(cp, "pop", "popular-items")
    before = cp.get_profile_recommendations(
        DomainName="d", ProfileId=profile(cp, "ana@x.io"), RecommenderName="pop"
    )["Recommendations"]
    from customerprofiles_mock.models import events

    def boom(_domain: Any, change: Any) -> None:
        if change.kind == events.OBJECT_ADDED and change.reason != "ROLLBACK":
            raise RuntimeError("a reaction failed")

    events.subscribe(boom)
    try:
        body = {"event_id": "z", "email": "ana@x.io", "item": "scarf", "kind": "view"}
        with pytest.raises(RuntimeError, match="a reaction failed"):
            cp.put_profile_object(DomainName="d", ObjectTypeName="Click", Object=json.dumps(body))
    finally:
        events._subscribers.remove(boom)
    after = cp.get_profile_recommendations(
        DomainName="d", ProfileId=profile(cp, "ana@x.io"), RecommenderName="pop"
    )["Recommendations"]
    assert after == before

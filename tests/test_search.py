"""SearchProfiles through the predefined and custom keys, and profile keys."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import error_code


def ids(response: dict[str, Any]) -> list[str]:
    return [item["ProfileId"] for item in response["Items"]]


def search(cp: Any, key: str, *values: str, **kwargs: Any) -> list[str]:
    return ids(cp.search_profiles(DomainName="d", KeyName=key, Values=list(values), **kwargs))


@pytest.fixture
def people(cp: Any) -> dict[str, str]:
    return {
        "ana": cp.create_profile(
            DomainName="d",
            FirstName="Ana",
            MiddleName="Maria",
            LastName="Diaz",
            AccountNumber="ACC-1",
            MobilePhoneNumber="+15551234567",
            BusinessEmailAddress="Ana@Work.example",
        )["ProfileId"],
        "bo": cp.create_profile(
            DomainName="d",
            FirstName="Bo",
            LastName="Lee",
            HomePhoneNumber="+15559990000",
            PersonalEmailAddress="bo@home.example",
        )["ProfileId"],
    }


def test_predefined_keys_find_standard_fields(cp: Any, people: dict[str, str]) -> None:
    ana, bo = people["ana"], people["bo"]
    assert search(cp, "_profileId", ana) == [ana]
    assert search(cp, "_account", "ACC-1") == [ana]
    assert search(cp, "_phone", "+15551234567") == [ana]
    assert search(cp, "_phone", "(555) 999-0000") == [bo]
    assert search(cp, "_email", "ana@work.example") == [ana]
    assert search(cp, "_email", "bo@home.example") == [bo]
    assert search(cp, "_fullName", "Ana Maria Diaz") == [ana]
    assert search(cp, "_fullName", "Bo Lee") == [bo]
    assert search(cp, "_fullName", "Ana Diaz") == []


def test_updates_keep_the_index_exact(cp: Any, people: dict[str, str]) -> None:
    ana = people["ana"]
    cp.update_profile(DomainName="d", ProfileId=ana, BusinessEmailAddress="", LastName="Ruiz")
    assert search(cp, "_email", "ana@work.example") == []
    assert search(cp, "_fullName", "Ana Maria Diaz") == []
    assert search(cp, "_fullName", "Ana Maria Ruiz") == [ana]


def test_any_value_of_a_key_matches_and_found_by_items(cp: Any, people: dict[str, str]) -> None:
    response = cp.search_profiles(
        DomainName="d", KeyName="_email", Values=["bo@home.example", "ana@work.example", "no@x"]
    )
    assert sorted(ids(response)) == sorted(people.values())
    for item in response["Items"]:
        assert item["FoundByItems"][0]["KeyName"] == "_email"
        assert len(item["FoundByItems"][0]["Values"]) == 1


def test_or_is_the_default_and_and_needs_every_key(cp: Any, people: dict[str, str]) -> None:
    extra = [{"KeyName": "_fullName", "Values": ["Bo Lee"]}]
    either = cp.search_profiles(
        DomainName="d", KeyName="_account", Values=["ACC-1"], AdditionalSearchKeys=extra
    )
    assert sorted(ids(either)) == sorted(people.values())
    found_by = {i["ProfileId"]: [f["KeyName"] for f in i["FoundByItems"]] for i in either["Items"]}
    assert found_by == {people["ana"]: ["_account"], people["bo"]: ["_fullName"]}
    both = cp.search_profiles(
        DomainName="d",
        KeyName="_phone",
        Values=["+15559990000"],
        AdditionalSearchKeys=extra,
        LogicalOperator="AND",
    )
    assert ids(both) == [people["bo"]]
    assert [f["KeyName"] for f in both["Items"][0]["FoundByItems"]] == ["_phone", "_fullName"]
    none = cp.search_profiles(
        DomainName="d",
        KeyName="_account",
        Values=["ACC-1"],
        AdditionalSearchKeys=extra,
        LogicalOperator="AND",
    )
    assert none["Items"] == []


def test_paging_returns_every_match_once(cp: Any) -> None:
    created = [
        cp.create_profile(DomainName="d", LastName="Same", FirstName="X", AccountNumber=str(i))[
            "ProfileId"
        ]
        for i in range(45)
    ]
    first = cp.search_profiles(DomainName="d", KeyName="_fullName", Values=["X Same"])
    assert len(first["Items"]) == 20  # the documented default page size
    seen: list[str] = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = cp.search_profiles(
            DomainName="d", KeyName="_fullName", Values=["x same"], MaxResults=7, **kwargs
        )
        seen += ids(page)
        token = page.get("NextToken")
        if not token:
            break
    assert seen == created


@pytest.mark.parametrize(
    "kwargs",
    [
        {"MaxResults": 101},
        {"LogicalOperator": "XOR"},
        {"AdditionalSearchKeys": [{"KeyName": "_phone", "Values": ["1"]}] * 5},
        {"KeyName": "bad key!"},
    ],
)
def test_bad_search_input_is_bad_request(cp: Any, kwargs: dict[str, Any]) -> None:
    request = {"DomainName": "d", "KeyName": "_email", "Values": ["a@b.c"], **kwargs}
    assert error_code(cp.search_profiles, **request)[:2] == ("BadRequestException", 400)


def test_unknown_domain(cp: Any) -> None:
    assert error_code(cp.search_profiles, DomainName="zz", KeyName="_email", Values=["x"])[:2] == (
        "ResourceNotFoundException",
        404,
    )


def test_profile_keys_are_searchable_and_removable(cp: Any, people: dict[str, str]) -> None:
    ana = people["ana"]
    added = cp.add_profile_key(
        DomainName="d", ProfileId=ana, KeyName="loyaltyId", Values=["L1", "L2"]
    )
    assert (added["KeyName"], added["Values"]) == ("loyaltyId", ["L1", "L2"])
    assert search(cp, "loyaltyId", "L2") == [ana]
    deleted = cp.delete_profile_key(
        DomainName="d", ProfileId=ana, KeyName="loyaltyId", Values=["L2"]
    )
    assert deleted["Message"] == "Removed 1 value(s) of key loyaltyId."
    assert search(cp, "loyaltyId", "L2") == []
    assert search(cp, "loyaltyId", "L1") == [ana]
    assert (
        error_code(
            cp.add_profile_key, DomainName="d", ProfileId="a" * 32, KeyName="k", Values=["v"]
        )[0]
        == "ResourceNotFoundException"
    )


def test_deleting_a_profile_key_keeps_the_field_derived_one(
    cp: Any, people: dict[str, str]
) -> None:
    ana = people["ana"]
    cp.add_profile_key(DomainName="d", ProfileId=ana, KeyName="_account", Values=["ACC-1"])
    cp.delete_profile_key(DomainName="d", ProfileId=ana, KeyName="_account", Values=["ACC-1"])
    assert search(cp, "_account", "ACC-1") == [ana]


# --- pages read from the holders in creation order (issue 15) --------------------------
#
# A page is read from each searched value's holders kept in creation order, not chosen
# among every match; whatever the writes in between, walking the pages answers what
# filtering every profile answers.

_KEYS = ("tier", "zone")
_VALUES = ("a", "b", "c")
_step = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(_VALUES)),
    st.tuples(st.just("add"), st.integers(0, 9), st.sampled_from(_KEYS), st.sampled_from(_VALUES)),
    st.tuples(
        st.just("remove"), st.integers(0, 9), st.sampled_from(_KEYS), st.sampled_from(_VALUES)
    ),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(
        st.just("search"),
        st.lists(st.sampled_from(_VALUES), min_size=1, max_size=3),
        st.lists(st.sampled_from(_VALUES), max_size=2),
        st.booleans(),
        st.integers(1, 4),
    ),
)


def _walk(cp: Any, request: dict[str, Any], size: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = cp.search_profiles(DomainName="s", MaxResults=size, **request, **extra)
        assert len(page["Items"]) <= size
        items += page["Items"]
        token = page.get("NextToken")
        if not token:
            return items


@settings(max_examples=60, deadline=None)
@given(st.lists(_step, min_size=1, max_size=30))
def test_pages_equal_filtering_every_profile(steps: list[Any]) -> None:
    import boto3

    from customerprofiles_mock import mock_customerprofiles

    with mock_customerprofiles():
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="s", DefaultExpirationDays=1)
        order: list[str] = []  # live profiles in creation order
        keys: dict[str, dict[str, set[str]]] = {}
        for step in steps:
            kind = step[0]
            if kind == "create":
                pid = cp.create_profile(DomainName="s")["ProfileId"]
                cp.add_profile_key(DomainName="s", ProfileId=pid, KeyName="tier", Values=[step[1]])
                order.append(pid)
                keys[pid] = {"tier": {step[1]}, "zone": set()}
            elif kind in ("add", "remove", "delete") and order:
                pid = order[step[1] % len(order)]
                if kind == "delete":
                    cp.delete_profile(DomainName="s", ProfileId=pid)
                    order.remove(pid)
                    continue
                call = cp.add_profile_key if kind == "add" else cp.delete_profile_key
                call(DomainName="s", ProfileId=pid, KeyName=step[2], Values=[step[3]])
                (keys[pid][step[2]].add if kind == "add" else keys[pid][step[2]].discard)(step[3])
            elif kind == "search":
                _, tiers, zones, every, size = step
                request: dict[str, Any] = {"KeyName": "tier", "Values": tiers}
                wanted = [("tier", tiers)]
                if zones:
                    request["AdditionalSearchKeys"] = [{"KeyName": "zone", "Values": zones}]
                    request["LogicalOperator"] = "AND" if every else "OR"
                    wanted.append(("zone", zones))
                hits = [
                    (
                        pid,
                        [
                            (n, [v for v in dict.fromkeys(vs) if v in keys[pid][n]])
                            for n, vs in wanted
                        ],
                    )
                    for pid in order
                ]
                test = all if zones and every else any
                expected = [
                    (pid, [{"KeyName": n, "Values": vs} for n, vs in found if vs])
                    for pid, found in hits
                    if test(vs for _, vs in found)
                ]
                got = [(i["ProfileId"], i["FoundByItems"]) for i in _walk(cp, request, size)]
                assert got == expected


@pytest.mark.parametrize("token", ["garbage", "e30=", "eyJhZnRlciI6ICJ4In0="])
def test_a_search_token_that_is_not_one_is_bad_request(cp: Any, token: str) -> None:
    """A NextToken this search never handed out is refused, never a 500."""
    request = {"DomainName": "d", "KeyName": "_email", "Values": ["a@b.c"], "NextToken": token}
    assert error_code(cp.search_profiles, **request)[:2] == ("BadRequestException", 400)

"""Domain Stats and profile attribute values come from running totals (issue 15): they
must always equal a count made from scratch, through every kind of change, including a
call that fails and is taken back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from customerprofiles_mock.models.store import attribute_values, fields_size


def recount(handle: Any) -> dict[str, int]:
    domain = handle.backend().domains["d"]
    profiles = list(domain.profiles.values())
    unattached = list(domain.store.unattached.values())
    return {
        "ProfileCount": len(profiles),
        "MeteringProfileCount": sum(1 + max(p.object_count - 1, 0) // 100 for p in profiles),
        "ObjectCount": sum(p.object_count for p in profiles) + len(unattached),
        "TotalSize": sum(fields_size(p.fields) for p in profiles)
        + sum(len(o.body) for p in profiles for by in p.objects.values() for o in by.values())
        + sum(len(o.body) for o in unattached),
    }


def test_stats_follow_every_change(cp: Any, customerprofiles_mock: Any) -> None:
    def check() -> None:
        assert cp.get_domain(DomainName="d")["Stats"] == recount(customerprofiles_mock)
        domain = customerprofiles_mock.backend().domains["d"]
        counted: dict[str, dict[str, int]] = {}
        for profile in domain.profiles.values():
            for path, value in attribute_values(profile.fields):
                counted.setdefault(path, {}).setdefault(value, 0)
                counted[path][value] += 1
        assert {k: v for k, v in domain.store.values.items() if v} == counted

    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        ExpirationDays=1,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
            "name": {"Source": "_source.name", "Target": "_profile.FirstName"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    check()
    with freeze_time("2026-01-01") as clock:
        ana = cp.create_profile(DomainName="d", FirstName="Ana", EmailAddress="ana@x.io")
        check()
        for n in range(150):  # past a hundred objects: a second metering unit
            body = {"id": f"o{n}", "email": "ana@x.io", "name": "Ana"}
            cp.put_profile_object(DomainName="d", ObjectTypeName="Order", Object=json.dumps(body))
        check()
        body = {"id": "o1", "email": "ana@x.io", "name": "A much longer name than before"}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Order", Object=json.dumps(body))
        check()
        bo = cp.create_profile(DomainName="d", FirstName="Bo")["ProfileId"]
        cp.update_profile(DomainName="d", ProfileId=bo, LastName="Berg", AccountNumber="9")
        check()
        cp.merge_profiles(DomainName="d", MainProfileId=bo, ProfileIdsToBeMerged=[ana["ProfileId"]])
        check()
        with pytest.raises(Exception):  # noqa: B017  (a failed call is taken back)
            cp.merge_profiles(DomainName="d", MainProfileId=bo, ProfileIdsToBeMerged=[bo])
        check()
        cp.delete_profile_object(
            DomainName="d",
            ProfileId=bo,
            ObjectTypeName="Order",
            ProfileObjectUniqueKey=cp.list_profile_objects(
                DomainName="d", ObjectTypeName="Order", ProfileId=bo
            )["Items"][0]["ProfileObjectUniqueKey"],
        )
        check()
        clock.tick(timedelta(days=2))  # the orders expire
        check()
        cp.delete_profile(DomainName="d", ProfileId=bo)
        check()
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 0


def test_replacing_writes_do_not_grow_the_expiry_schedule(
    cp: Any, customerprofiles_mock: Any
) -> None:
    """Each write that replaces an object schedules a new expiry; the superseded entries
    are dropped, so a domain that does not grow keeps a schedule that does not grow."""
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Ping",
        Description="pings",
        AllowProfileCreation=True,
        Fields={"id": {"Source": "_source.id"}, "email": {"Source": "_source.email"}},
        Keys={
            "pingId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    store = customerprofiles_mock.backend().domains["d"].store
    for n in range(3000):
        body = {"id": f"p{n % 20}", "email": f"c{n % 20}@x.io"}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Ping", Object=json.dumps(body))
    assert len(store.objects_by_key) == 20
    assert len(store.expiring_objects) <= 1024 + 2 * len(store.objects_by_key)
    assert len(store.expiring_profiles) <= 1024 + 2 * len(store.profiles)
    assert cp.get_domain(DomainName="d")["Stats"] == recount(customerprofiles_mock)


def test_deleting_a_type_visits_only_what_it_holds(cp: Any, customerprofiles_mock: Any) -> None:
    """DeleteProfileObjectType removes the type's objects and what it gave profiles (fields,
    keys), found through the store's per-type records rather than a scan of the domain."""
    for name in ("Keep", "Drop"):
        cp.put_profile_object_type(
            DomainName="d",
            ObjectTypeName=name,
            Description=name,
            AllowProfileCreation=True,
            Fields={
                "id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
                "note": {"Source": "_source.note", "Target": f"_profile.Attributes.{name}"},
            },
            Keys={
                f"{name}Id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
                "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
            },
        )
    for n in range(5):
        for name in ("Keep", "Drop"):
            body = {"id": f"{name}{n}", "email": f"c{n}@x.io", "note": name}
            cp.put_profile_object(DomainName="d", ObjectTypeName=name, Object=json.dumps(body))
    store = customerprofiles_mock.backend().domains["d"].store
    assert len(store.fed_by["Drop"]) == 5
    cp.delete_profile_object_type(DomainName="d", ObjectTypeName="Drop")
    assert not store.objects_of_type.get("Drop")
    assert cp.search_profiles(DomainName="d", KeyName="DropId", Values=["Drop1"])["Items"] == []
    [kept] = cp.search_profiles(DomainName="d", KeyName="KeepId", Values=["Keep1"])["Items"]
    assert kept["Attributes"] == {"Keep": "Keep"}  # the dropped type's attribute is gone
    assert cp.get_domain(DomainName="d")["Stats"] == recount(customerprofiles_mock)
    # An empty type is deleted without touching anything else.
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Empty",
        Description="empty",
        Fields={"id": {"Source": "_source.id"}},
        Keys={"emptyId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    )
    cp.delete_profile_object_type(DomainName="d", ObjectTypeName="Empty")
    assert "Empty" not in store.fed_by


# --- attribute insights keep one map for values seen once (issue 15: memory) ---------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from("abc")), max_size=30))
def test_attribute_counts_follow_adds_and_removals(steps: list[tuple[bool, str]]) -> None:
    """Whatever the adds and removals, each value's count and presence are what a
    plain counter says, with a repeat count kept only for values held more than once."""
    from datetime import datetime, timezone

    from customerprofiles_mock.models.insights import AttributeValues

    values = AttributeValues()
    expected: dict[str, int] = {}
    stamp = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for adding, value in steps:
        if adding:
            values.add(value, stamp)
            expected[value] = expected.get(value, 0) + 1
        elif expected.get(value):
            values.remove(value)
            expected[value] -= 1
            if not expected[value]:
                del expected[value]
        assert dict(values.counted()) == expected
        assert all(count > 1 for count in values.repeats.values())
        assert sorted(v for _, v in values.sorted_values()) == sorted(expected)

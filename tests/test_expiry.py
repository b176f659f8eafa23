"""Expiry follows the latest write, and costs one schedule entry per profile and object.

A profile's expiry moves with every write to it (DefaultExpirationDays from the write),
and a replaced object takes the expiry of its latest version. The schedule keeps one
entry per profile and object however often they are written: an entry that comes up
before its item's current expiry re-schedules itself (issue 15: no growth under
replacing writes). Entries sit in one-second buckets; expiry itself is exact.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from freezegun import freeze_time

ORDER = {
    "Description": "orders",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        "total": {"Source": "_source.total"},
    },
    "Keys": {
        "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}


def _order(cp: Any, total: int) -> None:
    body = json.dumps({"id": "o1", "email": "a@x.io", "total": str(total)})
    cp.put_profile_object(DomainName="e", ObjectTypeName="Order", Object=body)


def _found(cp: Any) -> list[Any]:
    return cp.search_profiles(DomainName="e", KeyName="_email", Values=["a@x.io"])["Items"]


def test_rewrites_push_expiry_to_the_latest_write(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2026-03-01") as clock:
        cp.create_domain(DomainName="e", DefaultExpirationDays=2)
        cp.put_profile_object_type(DomainName="e", ObjectTypeName="Order", **ORDER)
        _order(cp, 1)
        clock.tick(timedelta(days=1))
        _order(cp, 2)  # replaces the object, touches the profile: both now expire on day 3
        clock.tick(timedelta(days=1, hours=1))  # past the first write's expiry
        [profile] = _found(cp)
        objects = cp.list_profile_objects(
            DomainName="e", ProfileId=profile["ProfileId"], ObjectTypeName="Order"
        )["Items"]
        assert [json.loads(o["Object"])["total"] for o in objects] == ["2"]
        clock.tick(timedelta(days=1))  # past the latest write's expiry
        assert _found(cp) == []
        assert cp.get_domain(DomainName="e")["Stats"]["ProfileCount"] == 0


def test_one_schedule_entry_per_profile_and_object(
    customerprofiles_client: Any, customerprofiles_mock: Any
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="e", DefaultExpirationDays=30)
    cp.put_profile_object_type(DomainName="e", ObjectTypeName="Order", **ORDER)
    for total in range(300):
        _order(cp, total)
    store = customerprofiles_mock.backend().domains["e"].store
    # the profile's entry and the object's
    assert len(store.expiring_profiles) + len(store.expiring_objects) == 2
    [profile] = _found(cp)
    cp.update_profile(DomainName="e", ProfileId=profile["ProfileId"], FirstName="Ana")
    assert len(store.expiring_profiles) + len(store.expiring_objects) == 2


def test_expiry_is_exact_within_a_second(customerprofiles_client: Any) -> None:
    """Entries share a bucket per second, but nothing goes before its own expiry: an
    object written half a second in is still there a microsecond before its day ends."""
    cp = customerprofiles_client
    with freeze_time("2026-03-01 10:00:00.500000") as clock:
        cp.create_domain(DomainName="e", DefaultExpirationDays=1)
        cp.put_profile_object_type(DomainName="e", ObjectTypeName="Order", **ORDER)
        _order(cp, 1)
        clock.move_to("2026-03-02 10:00:00.499999")
        assert len(_found(cp)) == 1
        assert len(_found(cp)) == 1  # the same instant, checked again
        clock.move_to("2026-03-02 10:00:00.500000")
        assert _found(cp) == []
        assert cp.get_domain(DomainName="e")["Stats"]["ProfileCount"] == 0

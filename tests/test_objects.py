"""ListProfileObjects (filters, paging, standard objects) and DeleteProfileObject."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from freezegun import freeze_time

from .conftest import error_code

KEYS = {
    "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    "status": [{"StandardIdentifiers": ["LOOKUP_ONLY"], "FieldNames": ["status"]}],
}
FIELDS = {
    "id": {"Source": "_source.id", "Target": "_order.OrderId"},
    "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    "status": {"Source": "_source.status", "Target": "_order.Status"},
}


def setup_orders(cp: Any, count: int = 5) -> str:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Orders",
        Description="o",
        AllowProfileCreation=True,
        Fields=FIELDS,
        Keys=KEYS,
    )
    with freeze_time(datetime.now(timezone.utc)) as clock:  # distinct, ordered ingestion times
        for n in range(count):
            body = {"id": f"o{n}", "email": "c@x.com", "status": "open" if n % 2 else "closed"}
            cp.put_profile_object(DomainName="d", ObjectTypeName="Orders", Object=json.dumps(body))
            clock.tick(timedelta(seconds=1))
    found = cp.search_profiles(DomainName="d", KeyName="_email", Values=["c@x.com"])["Items"]
    return str(found[0]["ProfileId"])


def test_list_pages_in_ingestion_order(cp: Any) -> None:
    profile_id = setup_orders(cp)
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = cp.list_profile_objects(
            DomainName="d", ObjectTypeName="Orders", ProfileId=profile_id, MaxResults=2, **kwargs
        )
        seen += [json.loads(i["Object"])["id"] for i in page["Items"]]
        assert all(i["ObjectTypeName"] == "Orders" for i in page["Items"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"o{n}" for n in range(5)]


def test_object_filter(cp: Any) -> None:
    profile_id = setup_orders(cp)
    items = cp.list_profile_objects(
        DomainName="d",
        ObjectTypeName="Orders",
        ProfileId=profile_id,
        ObjectFilter={"KeyName": "status", "Values": ["open"]},
    )["Items"]
    assert [json.loads(i["Object"])["id"] for i in items] == ["o1", "o3"]
    by_unique = cp.list_profile_objects(
        DomainName="d",
        ObjectTypeName="Orders",
        ProfileId=profile_id,
        ObjectFilter={"KeyName": "orderId", "Values": ["o4", "o0"]},
    )["Items"]
    assert sorted(json.loads(i["Object"])["id"] for i in by_unique) == ["o0", "o4"]


def test_standard_order_objects(cp: Any) -> None:
    profile_id = setup_orders(cp, count=2)
    items = cp.list_profile_objects(
        DomainName="d",
        ObjectTypeName="_order",
        ProfileId=profile_id,
        ObjectFilter={"KeyName": "_orderId", "Values": ["o1"]},
    )["Items"]
    assert [json.loads(i["Object"]) for i in items] == [{"OrderId": "o1", "Status": "open"}]
    assert items[0]["ObjectTypeName"] == "_order"


def test_order_id_is_a_predefined_search_key(cp: Any) -> None:
    profile_id = setup_orders(cp, count=2)
    found = cp.search_profiles(DomainName="d", KeyName="_orderId", Values=["o1"])["Items"]
    assert [p["ProfileId"] for p in found] == [profile_id]


def test_delete_object(cp: Any) -> None:
    profile_id = setup_orders(cp, count=2)
    items = cp.list_profile_objects(DomainName="d", ObjectTypeName="Orders", ProfileId=profile_id)[
        "Items"
    ]
    target = items[0]["ProfileObjectUniqueKey"]
    assert (
        target
        in cp.delete_profile_object(
            DomainName="d",
            ProfileId=profile_id,
            ObjectTypeName="Orders",
            ProfileObjectUniqueKey=target,
        )["Message"]
    )
    left = cp.list_profile_objects(DomainName="d", ObjectTypeName="Orders", ProfileId=profile_id)
    assert [i["ProfileObjectUniqueKey"] for i in left["Items"]] == [
        items[1]["ProfileObjectUniqueKey"]
    ]
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 1
    assert error_code(
        cp.delete_profile_object,
        DomainName="d",
        ProfileId=profile_id,
        ObjectTypeName="Orders",
        ProfileObjectUniqueKey=target,
    )[:2] == ("ResourceNotFoundException", 404)


def test_unknown_profile_or_type(cp: Any) -> None:
    profile_id = setup_orders(cp, count=1)
    assert (
        error_code(
            cp.list_profile_objects, DomainName="d", ObjectTypeName="Orders", ProfileId="9" * 32
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_code(
            cp.list_profile_objects, DomainName="d", ObjectTypeName="Nope", ProfileId=profile_id
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_code(
            cp.list_profile_objects,
            DomainName="d",
            ObjectTypeName="Orders",
            ProfileId=profile_id,
            MaxResults=500,
        )[0]
        == "BadRequestException"
    )


def test_deleting_a_profile_deletes_its_objects(cp: Any) -> None:
    profile_id = setup_orders(cp, count=3)
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 3
    cp.delete_profile(DomainName="d", ProfileId=profile_id)
    stats = cp.get_domain(DomainName="d")["Stats"]
    assert (stats["ObjectCount"], stats["ProfileCount"], stats["TotalSize"]) == (0, 0, 0)

"""The data store through boto3: domain object types and attribute insights."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import error_code
from .test_calculated_attributes import order, order_type

CATALOG_FIELDS = {
    "sku": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
    "title": {"Source": "_source.title", "Target": "_catalogItem.Name", "FeatureType": "TEXTUAL"},
    "price": {"Source": "_source.price", "Target": "_catalogItem.Price", "ContentType": "NUMBER"},
    "category": {
        "Source": "_source.category",
        "Target": "_catalogItem.Category",
        "FeatureType": "CATEGORICAL",
    },
}


@pytest.fixture
def store(customerprofiles_client: Any) -> Any:
    customerprofiles_client.create_domain(
        DomainName="d", DefaultExpirationDays=365, DataStore={"Enabled": True}
    )
    return customerprofiles_client


def test_data_store_readiness_and_no_disabling(store: Any) -> None:
    with freeze_time(timedelta(minutes=11)):
        ready = store.get_domain(DomainName="d")["DataStore"]
    assert ready == {
        "Enabled": True,
        "Readiness": {"ProgressPercentage": 100, "Message": "Data store is ready."},
    }
    code, _, message = error_code(
        store.update_domain, DomainName="d", DefaultExpirationDays=9, DataStore={"Enabled": False}
    )
    assert code == "BadRequestException" and "cannot be disabled" in message
    assert store.get_domain(DomainName="d")["DefaultExpirationDays"] == 365


def test_domain_object_types_need_the_data_store(cp: Any) -> None:
    code, _, message = error_code(
        cp.put_domain_object_type, DomainName="d", ObjectTypeName="Catalog", Fields=CATALOG_FIELDS
    )
    assert code == "BadRequestException" and "data store" in message
    assert cp.list_domain_object_types(DomainName="d")["Items"] == []


def test_domain_object_type_crud_tags_and_records(store: Any) -> None:
    made = store.put_domain_object_type(
        DomainName="d",
        ObjectTypeName="Catalog",
        Description="Products",
        Fields=CATALOG_FIELDS,
        Tags={"t": "1"},
    )
    assert (made["Fields"], made["Description"]) == (CATALOG_FIELDS, "Products")
    again = store.put_domain_object_type(
        DomainName="d", ObjectTypeName="Catalog", Description="v2", Fields=CATALOG_FIELDS
    )
    assert again["CreatedAt"] == made["CreatedAt"] and again["Description"] == "v2"
    got = store.get_domain_object_type(DomainName="d", ObjectTypeName="Catalog")
    assert got["Tags"] == {"t": "1"}
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/domain-object-types/Catalog"
    store.tag_resource(resourceArn=arn, tags={"u": "2"})
    assert store.list_tags_for_resource(resourceArn=arn)["tags"] == {"t": "1", "u": "2"}
    store.put_domain_object_type(
        DomainName="d",
        ObjectTypeName="Stores",
        Fields={"id": {"Source": "_source.id", "Target": "_store.Id"}},
    )
    page = store.list_domain_object_types(DomainName="d", MaxResults=1)
    rest = store.list_domain_object_types(DomainName="d", NextToken=page["NextToken"])
    assert [i["ObjectTypeName"] for i in page["Items"] + rest["Items"]] == ["Catalog", "Stores"]
    key = store.put_profile_object(
        DomainName="d",
        ObjectTypeName="Catalog",
        Object=json.dumps({"sku": "S1", "title": "Shoe", "price": 50}),
    )["ProfileObjectUniqueKey"]
    assert key == "S1"
    attributes = store.list_object_type_attributes(DomainName="d", ObjectTypeName="Catalog")[
        "Items"
    ]
    assert sorted(a["AttributeName"] for a in attributes) == ["category", "price", "sku", "title"]
    deleted = store.delete_domain_object_type(DomainName="d", ObjectTypeName="Catalog")
    assert set(deleted) == {"ResponseMetadata"}
    assert error_code(store.get_domain_object_type, DomainName="d", ObjectTypeName="Catalog")[
        0
    ] == ("ResourceNotFoundException")
    bad = {"x": {"Source": "x", "Target": "_catalogItem.Id"}}
    assert error_code(
        store.put_domain_object_type, DomainName="d", ObjectTypeName="Bad", Fields=bad
    )[0] == ("BadRequestException")


def test_attributes_values_and_statistics_follow_objects(store: Any) -> None:
    order_type(store)
    with freeze_time("2026-01-01") as clock:
        keys = []
        for n, total in enumerate([10, 20, 30, 40, 50]):
            keys.append(order(store, f"o{n}", total=total, channel="web" if n % 2 else "store"))
            clock.tick(timedelta(minutes=1))
        attributes = store.list_object_type_attributes(DomainName="d", ObjectTypeName="Order")[
            "Items"
        ]
        names = [a["AttributeName"] for a in attributes]
        assert {"id", "email", "total", "channel", "tax", "placed"} <= set(names)
        values = store.list_object_type_attribute_values(
            DomainName="d", ObjectTypeName="Order", AttributeName="channel"
        )["Items"]
        assert [v["Value"] for v in values] == ["store", "web"]  # newest first
        stats = store.get_object_type_attribute_statistics(
            DomainName="d", ObjectTypeName="Order", AttributeName="total"
        )
        assert stats["Statistics"] == {
            "Maximum": 50.0,
            "Minimum": 10.0,
            "Average": 30.0,
            "StandardDeviation": pytest.approx(14.1421356237),
            "Percentiles": {"P5": 12.0, "P25": 20.0, "P50": 30.0, "P75": 40.0, "P95": 48.0},
        }
        order(store, "o0", total=100, channel="phone")  # replaces 10 with 100
        [profile] = store.search_profiles(
            DomainName="d", KeyName="_email", Values=["a@example.com"]
        )["Items"]
        store.delete_profile_object(
            DomainName="d",
            ProfileId=profile["ProfileId"],
            ProfileObjectUniqueKey=keys[4],
            ObjectTypeName="Order",
        )
        # "Calculations are performed once per day, providing a consistent snapshot."
        same_day = store.get_object_type_attribute_statistics(
            DomainName="d", ObjectTypeName="Order", AttributeName="total"
        )
        assert same_day["Statistics"] == stats["Statistics"]
        assert same_day["CalculatedAt"] == stats["CalculatedAt"]
        clock.tick(timedelta(days=1))
        next_day = store.get_object_type_attribute_statistics(
            DomainName="d", ObjectTypeName="Order", AttributeName="total"
        )
        got = next_day["Statistics"]
        assert (got["Minimum"], got["Maximum"], got["Average"]) == (20.0, 100.0, 47.5)
        assert next_day["CalculatedAt"] > stats["CalculatedAt"]
        first = store.list_object_type_attribute_values(
            DomainName="d", ObjectTypeName="Order", AttributeName="channel", MaxResults=1
        )
        assert [v["Value"] for v in first["Items"]] == ["phone"] and first["NextToken"]
    # "You'll receive null values ... for attributes that don't contain numeric values."
    text = store.get_object_type_attribute_statistics(
        DomainName="d", ObjectTypeName="Order", AttributeName="channel"
    )
    assert "Maximum" not in text["Statistics"] and "Average" not in text["Statistics"]
    assert (
        error_code(
            store.list_object_type_attribute_values,
            DomainName="d",
            ObjectTypeName="Order",
            AttributeName="nope",
        )[0]
        == "ResourceNotFoundException"
    )
    assert error_code(store.list_object_type_attributes, DomainName="d", ObjectTypeName="Nope")[
        0
    ] == ("ResourceNotFoundException")


def test_statistics_need_the_data_store(cp: Any) -> None:
    order_type(cp)
    order(cp, "o1", total=5)
    code, _, message = error_code(
        cp.get_object_type_attribute_statistics,
        DomainName="d",
        ObjectTypeName="Order",
        AttributeName="total",
    )
    assert code == "BadRequestException" and "data store" in message


def test_profile_attribute_values_keep_working(cp: Any) -> None:
    for city in ("Lisbon", "Oslo", "Lisbon"):
        cp.create_profile(DomainName="d", Address={"City": city})
    found = cp.list_profile_attribute_values(DomainName="d", AttributeName="Address.City")
    assert [i["Value"] for i in found["Items"]] == ["Lisbon", "Oslo"]


def test_domain_object_type_values_follow_records(store: Any) -> None:
    """Kept record by record: a replaced record's old value goes, a type made again starts
    empty, and a failed call's record leaves no value behind."""
    store.put_domain_object_type(DomainName="d", ObjectTypeName="Catalog", Fields=CATALOG_FIELDS)

    def put(sku: str, category: str) -> None:
        body = {"sku": sku, "title": sku, "category": category}
        store.put_profile_object(DomainName="d", ObjectTypeName="Catalog", Object=json.dumps(body))

    def categories() -> list[str]:
        found = store.list_object_type_attribute_values(
            DomainName="d", ObjectTypeName="Catalog", AttributeName="category"
        )["Items"]
        return sorted(v["Value"] for v in found)

    put("S1", "shoes")
    put("S2", "hats")
    assert categories() == ["hats", "shoes"]
    put("S1", "socks")  # replaces S1
    assert categories() == ["hats", "socks"]
    from customerprofiles_mock.models import domain_object_types

    def boom(*_args: Any) -> None:
        raise RuntimeError("a listener failed")

    domain_object_types.record_listeners.append(boom)
    try:
        with pytest.raises(RuntimeError):
            put("S3", "scarves")
    finally:
        domain_object_types.record_listeners.remove(boom)
    assert categories() == ["hats", "socks"]
    store.delete_domain_object_type(DomainName="d", ObjectTypeName="Catalog")
    store.put_domain_object_type(DomainName="d", ObjectTypeName="Catalog", Fields=CATALOG_FIELDS)
    assert categories() == []

"""Calculated attributes through boto3: definitions, every statistic and condition, and
values that follow every change to the objects behind them."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import error_code, requires_enum

ORDER_FIELDS = {
    "id": {"Source": "_source.id"},
    "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    "total": {"Source": "_source.total", "ContentType": "NUMBER"},
    "tax": {"Source": "_source.tax", "ContentType": "NUMBER"},
    "channel": {"Source": "_source.channel"},
    "placed": {"Source": "_source.placed"},
}


def order_type(cp: Any, **extra: Any) -> None:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        Fields=ORDER_FIELDS,
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
        **extra,
    )


def order(cp: Any, oid: str, email: str = "a@example.com", **values: Any) -> str:
    document = {"id": oid, "email": email, **values}
    return str(
        cp.put_profile_object(DomainName="d", ObjectTypeName="Order", Object=json.dumps(document))[
            "ProfileObjectUniqueKey"
        ]
    )


def define(
    cp: Any, name: str, statistic: str, expression: str = "{Order.total}", **extra: Any
) -> Any:
    fields = sorted(set(re.findall(r"\{\w+\.(\w+)\}", expression)))
    return cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName=name,
        Statistic=statistic,
        AttributeDetails={"Attributes": [{"Name": f} for f in fields], "Expression": expression},
        **extra,
    )


def profile_id(cp: Any, email: str = "a@example.com") -> str:
    [found] = cp.search_profiles(DomainName="d", KeyName="_email", Values=[email])["Items"]
    return str(found["ProfileId"])


def value(cp: Any, name: str, email: str = "a@example.com") -> str | None:
    got = cp.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=profile_id(cp, email), CalculatedAttributeName=name
    )
    return got.get("Value")


@pytest.fixture
def orders(cp: Any) -> Any:
    order_type(cp)
    return cp


# -- definitions ------------------------------------------------------------------------
def test_definition_round_trip_and_tags(orders: Any) -> None:
    created = define(
        orders,
        "spend",
        "SUM",
        "{Order.total} - {Order.tax}",
        DisplayName="Net spend",
        Description="spend minus tax",
        Conditions={"Range": {"Value": 30, "Unit": "DAYS"}, "ObjectCount": 5},
        Tags={"team": "growth"},
    )
    assert created["CalculatedAttributeName"] == "spend"
    assert created["AttributeDetails"]["Expression"] == "{Order.total} - {Order.tax}"
    assert (created["Statistic"], created["Status"]) == ("SUM", "COMPLETED")
    got = orders.get_calculated_attribute_definition(
        DomainName="d", CalculatedAttributeName="spend"
    )
    assert got["Conditions"] == {"Range": {"Value": 30, "Unit": "DAYS"}, "ObjectCount": 5}
    assert got["UseHistoricalData"] is False
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/calculated-attributes/spend"
    assert orders.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "growth"}
    orders.tag_resource(resourceArn=arn, tags={"x": "y"})
    listed = orders.list_calculated_attribute_definitions(DomainName="d")["Items"]
    assert [(i["CalculatedAttributeName"], i["Tags"]) for i in listed] == [
        ("spend", {"team": "growth", "x": "y"})
    ]


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("{Nope.total}", "Nope does not exist"),
        ("{Order.nope}", "no field nope"),
        ("{Order.total} -", "not a valid expression"),
        ("{Order.total} + {Other.x}", "one object type"),
        ("total", "{ObjectType.field}"),
        ("{Order.total} ** 2", "+ - * /"),
        ("{Order.total} + {Order.tax} + {Order.channel}", "at most two fields"),
    ],
)
def test_bad_expressions_are_rejected_and_store_nothing(
    orders: Any, expression: str, says: str
) -> None:
    code, status, message = error_code(
        orders.create_calculated_attribute_definition,
        DomainName="d",
        CalculatedAttributeName="x",
        Statistic="SUM",
        AttributeDetails={"Attributes": [{"Name": "total"}], "Expression": expression},
    )
    assert (code, status) == ("BadRequestException", 400)
    assert says in message
    assert orders.list_calculated_attribute_definitions(DomainName="d")["Items"] == []


def test_duplicate_name_already_exists(orders: Any) -> None:
    define(orders, "spend", "SUM")
    code, _, message = error_code(lambda: define(orders, "spend", "COUNT"))
    assert code == "BadRequestException"
    assert message == "Calculated attribute definition with name spend already exists"


def test_update_changes_only_display_name_description_and_conditions(orders: Any) -> None:
    define(orders, "spend", "SUM", DisplayName="Spend")
    updated = orders.update_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="spend",
        DisplayName="Spend 7d",
        Description="last week",
        Conditions={"Range": {"Value": 7, "Unit": "DAYS"}},
    )
    assert (updated["DisplayName"], updated["Description"]) == ("Spend 7d", "last week")
    assert updated["Conditions"] == {"Range": {"Value": 7, "Unit": "DAYS"}}
    assert (updated["Statistic"], updated["AttributeDetails"]["Expression"]) == (
        "SUM",
        "{Order.total}",
    )


def test_unknown_definition_and_profile_are_not_found(orders: Any) -> None:
    define(orders, "spend", "SUM")
    order(orders, "o1", total=5)
    pid = profile_id(orders)
    assert error_code(
        orders.get_calculated_attribute_for_profile,
        DomainName="d",
        ProfileId=pid,
        CalculatedAttributeName="nope",
    )[:2] == ("ResourceNotFoundException", 404)
    assert error_code(
        orders.get_calculated_attribute_for_profile,
        DomainName="d",
        ProfileId="0" * 32,
        CalculatedAttributeName="spend",
    )[:2] == ("ResourceNotFoundException", 404)
    orders.delete_calculated_attribute_definition(DomainName="d", CalculatedAttributeName="spend")
    assert (
        error_code(
            orders.get_calculated_attribute_definition,
            DomainName="d",
            CalculatedAttributeName="spend",
        )[0]
        == "ResourceNotFoundException"
    )


# -- statistics -------------------------------------------------------------------------
STATS = {
    "FIRST_OCCURRENCE": ("{Order.channel}", "web"),
    "LAST_OCCURRENCE": ("{Order.channel}", "phone"),
    "COUNT": ("{Order.total}", "4"),
    "SUM": ("{Order.total}", "35.5"),
    "MINIMUM": ("{Order.total}", "0.5"),
    "MAXIMUM": ("{Order.total}", "20"),
    "AVERAGE": ("{Order.total}", "8.875"),
    "MAX_OCCURRENCE": ("{Order.channel}", "web"),
    "RECENT_OCCURRENCES": ("{Order.channel}", json.dumps(["phone", "web", "store", "web"])),
}


@pytest.mark.parametrize(
    "statistic",
    [
        pytest.param(s, marks=requires_enum("Statistic", s)) if s == "RECENT_OCCURRENCES" else s
        for s in sorted(STATS)
    ],
)
def test_every_statistic(orders: Any, statistic: str) -> None:
    expression, expected = STATS[statistic]
    define(orders, "stat", statistic, expression)
    for n, (total, channel) in enumerate([(10, "web"), (5, "store"), (20, "web"), (0.5, "phone")]):
        order(orders, f"o{n}", total=total, channel=channel)
    assert value(orders, "stat") == expected


def test_arithmetic_expression_and_clean_numbers(orders: Any) -> None:
    define(orders, "net", "SUM", "{Order.total} - {Order.tax}")
    define(orders, "avg", "AVERAGE", "{Order.total} * 1")
    order(orders, "o1", total=0.1, tax=0)
    order(orders, "o2", total=0.2, tax=0)
    order(orders, "o3", total=10, tax=0.3)
    assert value(orders, "net") == "10"
    assert value(orders, "avg") == "3.43333333333333"


def test_last_occurrence_by_timestamp_source(orders: Any) -> None:
    define(
        orders,
        "latest",
        "LAST_OCCURRENCE",
        "{Order.channel}",
        Conditions={
            "Range": {
                "Value": 3650,
                "Unit": "DAYS",
                "TimestampSource": "{Order.placed}",
                "TimestampFormat": "ISO_8601",
            }
        },
    )
    order(orders, "o1", channel="newest", placed="2024-05-01T00:00:00Z")
    order(orders, "o2", channel="older", placed="2023-01-01T00:00:00Z")
    assert value(orders, "latest") == "newest"
    bad = {"Range": {"Value": 1, "Unit": "DAYS", "TimestampSource": "placed"}}
    code, _, message = error_code(lambda: define(orders, "bad", "COUNT", Conditions=bad))
    assert code == "BadRequestException" and "TimestampSource" in message


# -- conditions -------------------------------------------------------------------------
def test_range_window_follows_the_mock_clock(orders: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        define(orders, "spend30", "SUM", Conditions={"Range": {"Value": 30, "Unit": "DAYS"}})
        define(
            orders,
            "older",
            "SUM",
            Conditions={"Range": {"ValueRange": {"Start": 60, "End": 20}, "Unit": "DAYS"}},
        )
        order(orders, "o1", total=100)
        clock.tick(timedelta(days=25))
        order(orders, "o2", total=10)
        assert value(orders, "spend30") == "110"
        assert value(orders, "older") == "100"
        clock.tick(timedelta(days=10))  # o1 is 35 days old now
        assert value(orders, "spend30") == "10"
        assert value(orders, "older") == "100"
        clock.tick(timedelta(days=40))
        assert value(orders, "spend30") is None
        assert value(orders, "older") == "10"


def test_object_count_threshold_and_filter(orders: Any) -> None:
    define(orders, "last2", "SUM", Conditions={"ObjectCount": 2})
    define(
        orders,
        "big_spender",
        "SUM",
        Conditions={"Threshold": {"Value": "100", "Operator": "GREATER_THAN"}},
    )
    define(
        orders,
        "web_spend",
        "SUM",
        "{Order.total}",
        Filter={
            "Include": "ALL",
            "Groups": [
                {
                    "Type": "ALL",
                    "Dimensions": [
                        {
                            "Attributes": {
                                "channel": {"DimensionType": "INCLUSIVE", "Values": ["web"]}
                            }
                        }
                    ],
                }
            ],
        },
    )
    order(orders, "o1", total=60, channel="web")
    assert value(orders, "big_spender") == "false"
    order(orders, "o2", total=50, channel="store")
    order(orders, "o3", total=5, channel="web")
    assert value(orders, "last2") == "55"
    assert value(orders, "big_spender") == "true"
    assert value(orders, "web_spend") == "65"


def test_no_data_answers(orders: Any) -> None:
    define(orders, "n", "COUNT")
    define(orders, "s", "SUM")
    pid = orders.create_profile(DomainName="d", EmailAddress="none@example.com")["ProfileId"]
    count = orders.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=pid, CalculatedAttributeName="n"
    )
    assert (count["Value"], count["IsDataPartial"]) == ("0", "false")
    assert "LastObjectTimestamp" not in count
    total = orders.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=pid, CalculatedAttributeName="s"
    )
    assert "Value" not in total and total["CalculatedAttributeName"] == "s"


# -- historical data --------------------------------------------------------------------
def test_historical_data_counts_and_reports_readiness(orders: Any) -> None:
    with freeze_time("2026-03-01") as clock:
        order(orders, "old", total=7)
        define(orders, "all", "SUM", UseHistoricalData=True)
        define(orders, "new_only", "SUM")
        first = orders.get_calculated_attribute_definition(
            DomainName="d", CalculatedAttributeName="all"
        )
        assert (first["Status"], first["Readiness"]["ProgressPercentage"]) == ("PREPARING", 0)
        partial = orders.get_calculated_attribute_for_profile(
            DomainName="d", ProfileId=profile_id(orders), CalculatedAttributeName="all"
        )
        assert (partial["Value"], partial["IsDataPartial"]) == ("7", "true")
        clock.tick(timedelta(seconds=20))
        middle = orders.get_calculated_attribute_definition(
            DomainName="d", CalculatedAttributeName="all"
        )
        assert middle["Status"] == "IN_PROGRESS"
        assert 0 < middle["Readiness"]["ProgressPercentage"] < 100
        clock.tick(timedelta(minutes=5))
        done = orders.get_calculated_attribute_definition(
            DomainName="d", CalculatedAttributeName="all"
        )
        assert (done["Status"], done["Readiness"]["ProgressPercentage"]) == ("COMPLETED", 100)
        order(orders, "new", total=3)
        assert value(orders, "all") == "10"
        assert value(orders, "new_only") == "3"


def test_definitions_reading_alike_each_count_from_their_own_start(orders: Any) -> None:
    """Definitions over the same objects share their entries, but one without historical
    data still counts only what came after its own creation, and one deleted leaves the
    others as they were."""
    order(orders, "o0", total=1)
    define(orders, "first", "COUNT")
    order(orders, "o1", total=2)
    define(orders, "second", "SUM")
    define(orders, "every", "COUNT", UseHistoricalData=True)
    define(orders, "spent", "SUM", UseHistoricalData=True)  # joins the historical group
    order(orders, "o2", total=4)
    assert (value(orders, "first"), value(orders, "second"), value(orders, "every")) == (
        "2",
        "4",
        "3",
    )
    assert value(orders, "spent") == "7"
    orders.delete_calculated_attribute_definition(DomainName="d", CalculatedAttributeName="first")
    order(orders, "o3", total=8)
    assert (value(orders, "second"), value(orders, "every")) == ("12", "4")
    define(orders, "again", "COUNT")  # a new start: none of the earlier orders
    order(orders, "o4", total=16)
    assert (value(orders, "again"), value(orders, "second")) == ("1", "28")


def test_an_update_of_the_timestamp_source_leaves_the_others_reading_as_before(
    orders: Any,
) -> None:
    """Two definitions alike share their entries until an update makes one read its
    objects differently: that one re-reads them, the other keeps its answer."""
    by_placement = {
        "Range": {
            "Value": 3650,
            "Unit": "DAYS",
            "TimestampSource": "{Order.placed}",
            "TimestampFormat": "ISO_8601",
        }
    }
    for name in ("placed", "arrived"):
        define(orders, name, "LAST_OCCURRENCE", "{Order.channel}", Conditions=by_placement)
    order(orders, "o1", channel="newest", placed="2024-05-01T00:00:00Z")
    order(orders, "o2", channel="older", placed="2023-01-01T00:00:00Z")
    assert (value(orders, "placed"), value(orders, "arrived")) == ("newest", "newest")
    orders.update_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName="arrived",
        Conditions={"Range": {"Value": 3650, "Unit": "DAYS"}},  # by ingestion time now
    )
    assert (value(orders, "placed"), value(orders, "arrived")) == ("newest", "older")
    order(orders, "o3", channel="mid", placed="2023-06-01T00:00:00Z")
    assert (value(orders, "placed"), value(orders, "arrived")) == ("newest", "mid")


# -- values follow changes --------------------------------------------------------------
def test_values_follow_replacements_deletions_and_type_deletion(orders: Any) -> None:
    define(orders, "spend", "SUM")
    define(orders, "n", "COUNT")
    keys = [order(orders, f"o{n}", total=10) for n in range(3)]
    assert value(orders, "spend") == "30"
    order(orders, "o0", total=1)  # same UNIQUE value: replaces o0
    assert (value(orders, "spend"), value(orders, "n")) == ("21", "3")
    pid = profile_id(orders)
    orders.delete_profile_object(
        DomainName="d", ProfileId=pid, ProfileObjectUniqueKey=keys[1], ObjectTypeName="Order"
    )
    assert (value(orders, "spend"), value(orders, "n")) == ("11", "2")
    orders.delete_profile_object_type(DomainName="d", ObjectTypeName="Order")
    got = orders.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=pid, CalculatedAttributeName="n"
    )
    assert got["Value"] == "0"


def test_values_follow_merges_and_deletes(orders: Any) -> None:
    define(orders, "spend", "SUM")
    order(orders, "a1", "a@example.com", total=10)
    order(orders, "b1", "b@example.com", total=5)
    main, other = profile_id(orders, "a@example.com"), profile_id(orders, "b@example.com")
    orders.merge_profiles(DomainName="d", MainProfileId=main, ProfileIdsToBeMerged=[other])
    got = orders.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=main, CalculatedAttributeName="spend"
    )
    assert got["Value"] == "15"
    orders.delete_profile(DomainName="d", ProfileId=main)
    assert (
        error_code(
            orders.get_calculated_attribute_for_profile,
            DomainName="d",
            ProfileId=main,
            CalculatedAttributeName="spend",
        )[0]
        == "ResourceNotFoundException"
    )


def test_values_follow_object_expiry(cp: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        order_type(cp, ExpirationDays=2)
        define(cp, "n", "COUNT")
        cp.create_profile(DomainName="d", EmailAddress="a@example.com")
        order(cp, "o1", total=1)
        clock.tick(timedelta(days=1))
        order(cp, "o2", total=1)
        assert value(cp, "n") == "2"
        clock.tick(timedelta(days=1, hours=1))
        assert value(cp, "n") == "1"


def test_last_object_timestamp_and_list_for_profile(orders: Any) -> None:
    with freeze_time("2026-02-02 10:00:00"):
        define(orders, "a", "COUNT")
        define(orders, "b", "MAXIMUM")
        order(orders, "o1", total=4)
        pid = profile_id(orders)
        got = orders.get_calculated_attribute_for_profile(
            DomainName="d", ProfileId=pid, CalculatedAttributeName="a"
        )
        assert got["LastObjectTimestamp"] == datetime(2026, 2, 2, 10, tzinfo=timezone.utc)
        page = orders.list_calculated_attributes_for_profile(
            DomainName="d", ProfileId=pid, MaxResults=1
        )
        rest = orders.list_calculated_attributes_for_profile(
            DomainName="d", ProfileId=pid, NextToken=page["NextToken"]
        )
        assert [
            (i["CalculatedAttributeName"], i["Value"]) for i in page["Items"] + rest["Items"]
        ] == [
            ("a", "1"),
            ("b", "4"),
        ]


def test_batch_get_reports_unknown_ids_and_honours_overrides(orders: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        define(orders, "spend", "SUM", Conditions={"Range": {"Value": 7, "Unit": "DAYS"}})
        order(orders, "a1", "a@example.com", total=10)
        clock.tick(timedelta(days=10))
        order(orders, "a2", "a@example.com", total=1)
        order(orders, "b1", "b@example.com", total=2)
        ids = [profile_id(orders, "a@example.com"), profile_id(orders, "b@example.com")]
        missing = "f" * 32
        plain = orders.batch_get_calculated_attribute_for_profile(
            DomainName="d", CalculatedAttributeName="spend", ProfileIds=[*ids, missing]
        )
        assert [(v["ProfileId"], v["Value"]) for v in plain["CalculatedAttributeValues"]] == [
            (ids[0], "1"),
            (ids[1], "2"),
        ]
        assert [e["ProfileId"] for e in plain["Errors"]] == [missing]
        wide = orders.batch_get_calculated_attribute_for_profile(
            DomainName="d",
            CalculatedAttributeName="spend",
            ProfileIds=ids,
            ConditionOverrides={"Range": {"Start": 30, "End": 0, "Unit": "DAYS"}},
        )
        assert wide["CalculatedAttributeValues"][0]["Value"] == "11"
        assert wide["ConditionOverrides"] == {"Range": {"Start": 30, "End": 0, "Unit": "DAYS"}}
    code, status, _ = error_code(
        orders.batch_get_calculated_attribute_for_profile,
        DomainName="d",
        CalculatedAttributeName="spend",
        ProfileIds=["a" * 32] * 101,
    )
    assert (code, status) == ("BadRequestException", 400)

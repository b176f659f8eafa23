"""Depth fixes found by replaying real client code and AWS's own sentences (issues 14, 18)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import error_code


def sql_domain(cp: Any) -> None:
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})


def put_type(cp: Any, name: str, fields: list[str], key: str) -> None:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName=name,
        Description=name,
        AllowProfileCreation=True,
        Fields={f: {"Source": f"_source.{f}", "ContentType": "STRING"} for f in [*fields, "email"]},
        Keys={
            f"{name}Id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": [key]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )


# -- issue 14 item 5: SQL works whatever the types and fields are called -----------------
def test_sql_segments_with_keyword_and_digit_names(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    sql_domain(cp)
    put_type(cp, "Purchases", ["group", "order", "1st"], "order")
    put_type(cp, "Profiles", ["note"], "note")  # a valid name that clashes with the table
    a = cp.create_profile(DomainName="d", EmailAddress="a@x.pt")["ProfileId"]
    b = cp.create_profile(DomainName="d", EmailAddress="b@x.pt")["ProfileId"]
    for email, group in (("a@x.pt", "vip"), ("b@x.pt", "basic")):
        document = {"group": group, "order": f"o-{email}", "1st": "yes", "email": email}
        cp.put_profile_object(
            DomainName="d", ObjectTypeName="Purchases", Object=json.dumps(document)
        )
    cp.put_profile_object(
        DomainName="d",
        ObjectTypeName="Profiles",
        Object=json.dumps({"note": "n", "email": "a@x.pt"}),
    )
    query = (
        "SELECT p.ProfileId FROM profiles p JOIN Purchases o ON o.ProfileId = p.ProfileId "
        "WHERE o.`group` = 'vip' AND o.`1st` = 'yes' AND o.`order` LIKE 'o-%'"
    )
    cp.create_segment_definition(
        DomainName="d", SegmentDefinitionName="vip", DisplayName="vip", SegmentSqlQuery=query
    )
    found = cp.get_segment_membership(
        DomainName="d", SegmentDefinitionName="vip", ProfileIds=[a, b]
    )
    assert [p["QueryResult"] for p in found["Profiles"]] == ["PRESENT", "ABSENT"]
    estimate = cp.create_segment_estimate(DomainName="d", SegmentSqlQuery=query)
    assert estimate["StatusCode"] in (200, 201, 202)


def test_sql_error_messages_are_plain_text(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    sql_domain(cp)
    code, _, message = error_code(
        cp.create_segment_definition,
        DomainName="d",
        SegmentDefinitionName="bad",
        DisplayName="bad",
        SegmentSqlQuery="SELECT ProfileId FROM profiles WHERE (",
    )
    assert code == "BadRequestException"
    assert "\x1b" not in message and "not valid Spark SQL" in message


@pytest.mark.parametrize("unused", [None])
def test_fixture_handle_offers_outbox_and_reset(
    customerprofiles_client: Any, customerprofiles_mock: Any, unused: None
) -> None:
    cp = customerprofiles_client
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.create_event_stream(DomainName="d", EventStreamName="s", Uri=stream)
    cp.create_profile(DomainName="d", FirstName="Ana")
    assert customerprofiles_mock.outbox().kinesis[stream]
    customerprofiles_mock.reset()
    assert cp.list_domains()["Items"] == []
    assert customerprofiles_mock.outbox().kinesis == {}


# -- issue 18: what an object-type update may change; rule-based matching without rules --
def orders(cp: Any, **extra: Any) -> Any:
    return cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Orders",
        **{"Description": "orders", **extra},
        Fields={"id": {"Source": "_source.id", "ContentType": "STRING"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    )


def test_updating_an_object_type_does_not_change_its_tags(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    orders(cp, Tags={"team": "a"})
    updated = orders(cp, Tags={"team": "b", "extra": "x"}, ExpirationDays=10)
    assert updated["Tags"] == {"team": "a"} and updated["ExpirationDays"] == 10
    got = cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")
    assert got["Tags"] == {"team": "a"}
    arn = got.get("ObjectTypeArn") or (
        "arn:aws:profile:us-east-1:123456789012:domains/d/object-types/Orders"
    )
    cp.tag_resource(resourceArn=arn, tags={"team": "c"})  # the documented way
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "c"}


def test_encryption_key_is_fixed_once_the_data_store_is_enabled(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    key = "arn:aws:kms:us-east-1:123456789012:key/one"
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    orders(cp, EncryptionKey=key)
    code, _, message = error_code(lambda: orders(cp, EncryptionKey=key.replace("one", "two")))
    assert code == "BadRequestException" and "EncryptionKey" in message
    assert (
        cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")["EncryptionKey"] == key
    )
    assert orders(cp, EncryptionKey=key, Description="same key")["Description"] == "same key"
    assert orders(cp, Description="key left out")["EncryptionKey"] == key


def test_encryption_key_may_change_without_the_data_store(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    orders(cp, EncryptionKey="arn:aws:kms:us-east-1:123456789012:key/one")
    changed = orders(cp, EncryptionKey="arn:aws:kms:us-east-1:123456789012:key/two")
    assert changed["EncryptionKey"].endswith("key/two")


def test_rule_based_matching_may_be_enabled_without_rules(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    created = cp.create_domain(
        DomainName="d", DefaultExpirationDays=30, RuleBasedMatching={"Enabled": True}
    )
    assert created["RuleBasedMatching"]["Enabled"] is True
    assert "MatchingRules" not in created["RuleBasedMatching"] or (
        created["RuleBasedMatching"]["MatchingRules"] == []
    )
    for _ in range(2):
        cp.create_profile(DomainName="d", FirstName="Ana", LastName="Silva")
    # No rule, nothing to match on: no matches, and no error.
    assert cp.list_rule_based_matches(DomainName="d")["MatchIds"] == []

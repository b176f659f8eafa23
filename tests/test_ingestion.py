"""PutProfileObject: fields, keys, profile assignment, inferred profiles, replacement."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from freezegun import freeze_time

from .conftest import error_code


def key(identifiers: list[str], *fields: str) -> list[dict[str, Any]]:
    return [{"StandardIdentifiers": identifiers, "FieldNames": list(fields)}]


def define(cp: Any, name: str, keys: dict[str, Any], allow: bool = True, **extra: Any) -> None:
    fields = {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
        "phone": {"Source": "_source.phone", "ContentType": "PHONE_NUMBER"},
        "loyalty": {"Source": "_source.loyalty"},
        "account": {"Source": "_source.account"},
        "name": {"Source": "{{_source.first}} {{_source.last}}", "Target": "_profile.FirstName"},
        "city": {"Source": "_source.address.city", "Target": "_profile.ShippingAddress.City"},
        "tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"},
        "points": {
            "Source": "_source.points",
            "ContentType": "NUMBER",
            "Target": "_profile.Attributes.points",
        },
        **extra.pop("fields", {}),
    }
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName=name,
        Description=name,
        AllowProfileCreation=allow,
        Fields=fields,
        Keys=keys,
        **extra,
    )


def ingest(cp: Any, type_name: str, **body: Any) -> str:
    return str(
        cp.put_profile_object(DomainName="d", ObjectTypeName=type_name, Object=json.dumps(body))[
            "ProfileObjectUniqueKey"
        ]
    )


def find(cp: Any, key_name: str, value: str) -> list[dict[str, Any]]:
    return list(cp.search_profiles(DomainName="d", KeyName=key_name, Values=[value])["Items"])


BASIC_KEYS = {"recordId": key(["UNIQUE"], "id"), "_email": key(["PROFILE"], "email")}


def test_fields_targets_and_templates_land_on_the_profile(cp: Any) -> None:
    define(cp, "Signup", BASIC_KEYS)
    ingest(
        cp,
        "Signup",
        id="r1",
        email="ana@x.com",
        first="Ana",
        last="Lee",
        address={"city": "Oslo"},
        tier="gold",
        points=42,
    )
    [profile] = find(cp, "_email", "ANA@x.com")
    assert profile["FirstName"] == "Ana Lee"
    assert profile["ShippingAddress"] == {"City": "Oslo"}
    assert profile["Attributes"] == {"tier": "gold", "points": "42"}
    assert profile["EmailAddress"] == "ana@x.com"  # inferred profile copies EMAIL_ADDRESS fields


def test_existing_profile_is_found_by_profile_key(cp: Any) -> None:
    define(cp, "Signup", BASIC_KEYS)
    existing = cp.create_profile(DomainName="d", EmailAddress="bo@x.com", LastName="Bo")[
        "ProfileId"
    ]
    ingest(cp, "Signup", id="r1", email="bo@x.com", tier="silver")
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 1
    [profile] = find(cp, "recordId", "r1")
    assert profile["ProfileId"] == existing
    assert profile["Attributes"] == {"tier": "silver"} and profile["LastName"] == "Bo"
    objects = cp.list_profile_objects(DomainName="d", ObjectTypeName="Signup", ProfileId=existing)
    assert json.loads(objects["Items"][0]["Object"])["id"] == "r1"


def test_same_unique_value_replaces_and_keeps_the_key(cp: Any) -> None:
    define(cp, "Signup", BASIC_KEYS)
    first = ingest(cp, "Signup", id="r1", email="a@x.com", tier="gold")
    second = ingest(cp, "Signup", id="r1", email="a@x.com", tier="platinum")
    assert first == second
    [profile] = find(cp, "_email", "a@x.com")
    items = cp.list_profile_objects(
        DomainName="d", ObjectTypeName="Signup", ProfileId=profile["ProfileId"]
    )["Items"]
    assert [json.loads(i["Object"])["tier"] for i in items] == ["platinum"]
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 1
    assert profile["Attributes"]["tier"] == "platinum"


def test_ambiguous_value_is_discarded(cp: Any) -> None:
    define(
        cp,
        "Signup",
        {
            "recordId": key(["UNIQUE"], "id"),
            "_phone": key(["PROFILE"], "phone"),
            "loyalty": key(["PROFILE"], "loyalty"),
        },
    )
    a = cp.create_profile(DomainName="d", PhoneNumber="+15550001111")["ProfileId"]
    cp.create_profile(DomainName="d", PhoneNumber="+15550001111")
    b = cp.create_profile(DomainName="d")["ProfileId"]
    cp.add_profile_key(DomainName="d", ProfileId=b, KeyName="loyalty", Values=["L9"])
    ingest(cp, "Signup", id="r1", phone="+15550001111", loyalty="L9")
    assert [p["ProfileId"] for p in find(cp, "recordId", "r1")] == [b]
    assert a != b


def test_secondary_keys_only_when_others_find_nothing(cp: Any) -> None:
    define(
        cp,
        "Signup",
        {
            "recordId": key(["UNIQUE"], "id"),
            "loyalty": key(["PROFILE"], "loyalty"),
            "_account": key(["PROFILE", "SECONDARY"], "account"),
        },
    )
    by_account = cp.create_profile(DomainName="d", AccountNumber="A2")["ProfileId"]
    by_loyalty = cp.create_profile(DomainName="d")["ProfileId"]
    cp.add_profile_key(DomainName="d", ProfileId=by_loyalty, KeyName="loyalty", Values=["L1"])
    ingest(cp, "Signup", id="r1", loyalty="L1", account="A1")
    ingest(cp, "Signup", id="r2", loyalty="L-unknown", account="A2")
    assert [p["ProfileId"] for p in find(cp, "recordId", "r1")] == [by_loyalty]
    assert [p["ProfileId"] for p in find(cp, "recordId", "r2")] == [by_account]


def test_lookup_only_values_are_never_stored(cp: Any) -> None:
    define(
        cp,
        "Signup",
        {"recordId": key(["UNIQUE"], "id"), "loyalty": key(["PROFILE", "LOOKUP_ONLY"], "loyalty")},
    )
    ingest(cp, "Signup", id="r1", loyalty="L1")
    assert find(cp, "loyalty", "L1") == []
    assert len(find(cp, "recordId", "r1")) == 1
    existing = cp.create_profile(DomainName="d")["ProfileId"]
    cp.add_profile_key(DomainName="d", ProfileId=existing, KeyName="loyalty", Values=["L2"])
    ingest(cp, "Signup", id="r2", loyalty="L2")
    assert [p["ProfileId"] for p in find(cp, "recordId", "r2")] == [existing]


def test_new_only_values_stored_only_on_created_profiles(cp: Any) -> None:
    define(
        cp,
        "Signup",
        {
            "recordId": key(["UNIQUE"], "id"),
            "_email": key(["PROFILE"], "email"),
            "loyalty": key(["PROFILE", "NEW_ONLY"], "loyalty"),
        },
    )
    ingest(cp, "Signup", id="r1", email="new@x.com", loyalty="L-new")
    assert len(find(cp, "loyalty", "L-new")) == 1
    cp.create_profile(DomainName="d", EmailAddress="old@x.com")
    ingest(cp, "Signup", id="r2", email="old@x.com", loyalty="L-old")
    assert find(cp, "loyalty", "L-old") == []
    assert len(find(cp, "recordId", "r2")) == 1


def test_no_profile_creation_stores_unattached(cp: Any) -> None:
    define(cp, "Orders", BASIC_KEYS, allow=False)
    key_value = ingest(cp, "Orders", id="o1", email="nobody@x.com")
    assert key_value
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 0
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 1


def test_rejections_store_nothing(cp: Any) -> None:
    define(cp, "Signup", BASIC_KEYS)
    for body in ("not json", "[1, 2]", json.dumps({"email": "no-id@x.com"})):
        code, status, _ = error_code(
            cp.put_profile_object, DomainName="d", ObjectTypeName="Signup", Object=body
        )
        assert (code, status) == ("BadRequestException", 400)
    stats = cp.get_domain(DomainName="d")["Stats"]
    assert (stats["ProfileCount"], stats["ObjectCount"]) == (0, 0)
    assert error_code(cp.put_profile_object, DomainName="d", ObjectTypeName="Unknown", Object="{}")[
        :2
    ] == ("ResourceNotFoundException", 404)
    assert (
        error_code(cp.put_profile_object, DomainName="zz", ObjectTypeName="Signup", Object="{}")[0]
        == "ResourceNotFoundException"
    )


def test_ctr_template_infers_one_profile_per_phone(cp: Any) -> None:
    def ctr(contact: str, phone: str) -> None:
        ingest(cp, "CTR", ContactId=contact, Channel="VOICE", CustomerEndpoint={"Address": phone})

    ctr("c1", "+15551234567")
    ctr("c2", "+15551234567")
    ctr("c3", "+15559999999")
    [profile] = find(cp, "_phone", "+15551234567")
    assert profile["PhoneNumber"] == "+15551234567"
    assert set(profile) == {"ProfileId", "PhoneNumber", "FoundByItems"}
    items = cp.list_profile_objects(
        DomainName="d", ObjectTypeName="CTR", ProfileId=profile["ProfileId"]
    )["Items"]
    assert sorted(json.loads(i["Object"])["ContactId"] for i in items) == ["c1", "c2"]
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 2
    assert [p["ProfileId"] for p in find(cp, "_ctrContactId", "c2")] == [profile["ProfileId"]]


def test_ctr_no_inferred_rejects_ambiguous_phone(cp: Any) -> None:
    cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="CTR", Description="ctr", TemplateId="CTR-NoInferred"
    )
    for _ in range(2):
        cp.create_profile(DomainName="d", PhoneNumber="+15550000000")
    code, status, _ = error_code(
        cp.put_profile_object,
        DomainName="d",
        ObjectTypeName="CTR",
        Object=json.dumps({"ContactId": "c1", "CustomerEndpoint": {"Address": "+15550000000"}}),
    )
    assert (code, status) == ("BadRequestException", 400)
    ingest(cp, "CTR", ContactId="c2", CustomerEndpoint={"Address": "+15551112222"})
    assert len(find(cp, "_phone", "+15551112222")) == 1


def test_template_types_map_to_documented_keys(cp: Any) -> None:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="SfAccount",
        Description="sf",
        TemplateId="Salesforce-Account",
    )
    ingest(cp, "SfAccount", Id="001", Name="Acme", Phone="+15550101010", BillingCity="Oslo")
    [profile] = find(cp, "_salesforceAccountId", "001")
    assert profile["BusinessName"] == "Acme"
    assert profile["BillingAddress"] == {"City": "Oslo"}


def test_source_priority_protects_better_sources(cp: Any) -> None:
    tier = {"tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"}}
    define(cp, "Crm", BASIC_KEYS, SourcePriority=1, fields=tier)
    define(
        cp,
        "Web",
        {"webId": key(["UNIQUE"], "id"), "_email": key(["PROFILE"], "email")},
        SourcePriority=5,
        fields=tier,
    )
    ingest(cp, "Crm", id="c1", email="p@x.com", tier="gold")
    ingest(cp, "Web", id="w1", email="p@x.com", tier="bronze")
    assert find(cp, "_email", "p@x.com")[0]["Attributes"]["tier"] == "gold"


def test_max_profile_object_count_keeps_the_newest(cp: Any) -> None:
    define(cp, "Events", BASIC_KEYS, MaxProfileObjectCount=2)
    with freeze_time("2025-01-01") as clock:
        for n in range(4):
            ingest(cp, "Events", id=f"e{n}", email="m@x.com")
            clock.tick(timedelta(seconds=1))
        [profile] = find(cp, "_email", "m@x.com")
        items = cp.list_profile_objects(
            DomainName="d", ObjectTypeName="Events", ProfileId=profile["ProfileId"]
        )["Items"]
    assert [json.loads(i["Object"])["id"] for i in items] == ["e2", "e3"]


def test_objects_expire_by_object_type_expiration(cp: Any) -> None:
    with freeze_time("2025-01-01") as clock:
        define(cp, "Short", BASIC_KEYS, ExpirationDays=2)
        ingest(cp, "Short", id="s1", email="exp@x.com")
        clock.tick(timedelta(days=2, seconds=1))
        stats = cp.get_domain(DomainName="d")["Stats"]
    assert stats["ObjectCount"] == 0 and stats["ProfileCount"] == 1

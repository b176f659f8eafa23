"""Profiles: create, update semantics, delete, batch get, attribute values, expiry."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import error_code


def get(cp: Any, profile_id: str) -> dict[str, Any]:
    profiles = cp.batch_get_profile(DomainName="d", ProfileIds=[profile_id])["Profiles"]
    return dict(profiles[0]) if profiles else {}


def test_create_returns_hex_id_and_stores_every_field(cp: Any) -> None:
    fields = {
        "AccountNumber": "A-1",
        "AdditionalInformation": "vip",
        "PartyType": "INDIVIDUAL",
        "BusinessName": "Acme",
        "FirstName": "Ana",
        "MiddleName": "M",
        "LastName": "Diaz",
        "BirthDate": "1990-01-01",
        "Gender": "FEMALE",
        "PhoneNumber": "+15550001111",
        "MobilePhoneNumber": "+15550002222",
        "HomePhoneNumber": "+15550003333",
        "BusinessPhoneNumber": "+15550004444",
        "EmailAddress": "ana@example.com",
        "PersonalEmailAddress": "ana@home.example",
        "BusinessEmailAddress": "ana@work.example",
        "Address": {"Address1": "1 Main", "City": "Oslo", "Country": "NO"},
        "ShippingAddress": {"City": "Rome"},
        "MailingAddress": {"PostalCode": "123"},
        "BillingAddress": {"State": "CA"},
        "Attributes": {"tier": "gold"},
        "PartyTypeString": "person",
        "GenderString": "f",
        "ProfileType": "PROFILE",
    }
    profile_id = cp.create_profile(DomainName="d", **fields)["ProfileId"]
    assert re.fullmatch(r"[a-f0-9]{32}", profile_id)
    assert get(cp, profile_id) == {"ProfileId": profile_id, **fields}


def test_update_keeps_omitted_clears_empty_and_merges_nested(cp: Any) -> None:
    profile_id = cp.create_profile(
        DomainName="d",
        FirstName="Ana",
        LastName="Diaz",
        EmailAddress="ana@example.com",
        Address={"City": "Oslo", "Country": "NO"},
        Attributes={"tier": "gold", "pet": "cat"},
    )["ProfileId"]
    assert (
        cp.update_profile(
            DomainName="d",
            ProfileId=profile_id,
            FirstName="Anna",
            EmailAddress="",
            Address={"City": "Bergen", "Country": ""},
            Attributes={"tier": "", "color": "red"},
        )["ProfileId"]
        == profile_id
    )
    assert get(cp, profile_id) == {
        "ProfileId": profile_id,
        "FirstName": "Anna",
        "LastName": "Diaz",
        "Address": {"City": "Bergen"},
        "Attributes": {"pet": "cat", "color": "red"},
    }


def test_update_cannot_clear_enum_and_changes_nothing(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d", Gender="MALE", FirstName="Bo")["ProfileId"]
    for value in ("", "BOTH"):  # "" clears other fields, but is outside Gender's enum
        code, status, message = error_code(
            cp.update_profile, DomainName="d", ProfileId=profile_id, Gender=value, FirstName="X"
        )
        assert (code, status) == ("BadRequestException", 400)
        assert "Gender" in message and "enum" in message
    assert (get(cp, profile_id)["FirstName"], get(cp, profile_id)["Gender"]) == ("Bo", "MALE")


def test_unknown_profile_and_domain_are_not_found(cp: Any) -> None:
    missing = "0" * 32
    assert error_code(cp.update_profile, DomainName="d", ProfileId=missing, FirstName="x")[:2] == (
        "ResourceNotFoundException",
        404,
    )
    assert error_code(cp.delete_profile, DomainName="d", ProfileId=missing)[0] == (
        "ResourceNotFoundException"
    )
    assert error_code(cp.create_profile, DomainName="nodomain")[0] == "ResourceNotFoundException"


def test_bad_profile_id_is_bad_request(cp: Any) -> None:
    code, status, message = error_code(cp.delete_profile, DomainName="d", ProfileId="NOT-HEX")
    assert (code, status) == ("BadRequestException", 400)
    assert "ProfileId" in message


def test_delete_removes_profile_and_search_keys(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d", EmailAddress="x@example.com")["ProfileId"]
    assert profile_id in cp.delete_profile(DomainName="d", ProfileId=profile_id)["Message"]
    assert (
        cp.search_profiles(DomainName="d", KeyName="_email", Values=["x@example.com"])["Items"]
        == []
    )
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 0


def test_batch_get_reports_unknown_ids_in_errors(cp: Any) -> None:
    known = cp.create_profile(DomainName="d", FirstName="A")["ProfileId"]
    missing = "f" * 32
    result = cp.batch_get_profile(DomainName="d", ProfileIds=[known, missing])
    assert [p["ProfileId"] for p in result["Profiles"]] == [known]
    assert [(e["ProfileId"], e["Code"]) for e in result["Errors"]] == [(missing, "404")]
    assert error_code(cp.batch_get_profile, DomainName="d", ProfileIds=[known] * 21)[0] == (
        "BadRequestException"
    )


def test_list_profile_attribute_values(cp: Any) -> None:
    cp.create_profile(
        DomainName="d", FirstName="Ana", Address={"City": "Oslo"}, Attributes={"t": "1"}
    )
    cp.create_profile(DomainName="d", FirstName="Bo", Address={"City": "Oslo"})
    cp.create_profile(DomainName="d", FirstName="Ana")
    names = cp.list_profile_attribute_values(DomainName="d", AttributeName="FirstName")
    assert [i["Value"] for i in names["Items"]] == ["Ana", "Bo"]
    assert names["StatusCode"] == 200 and names["AttributeName"] == "FirstName"
    cities = cp.list_profile_attribute_values(DomainName="d", AttributeName="Address.City")
    assert [i["Value"] for i in cities["Items"]] == ["Oslo"]
    custom = cp.list_profile_attribute_values(DomainName="d", AttributeName="Attributes.t")
    assert [i["Value"] for i in custom["Items"]] == ["1"]
    assert (
        error_code(cp.list_profile_attribute_values, DomainName="d", AttributeName="ShoeSize")[0]
        == "BadRequestException"
    )


def test_stats_follow_profiles(cp: Any) -> None:
    ids = [cp.create_profile(DomainName="d", FirstName=f"p{i}")["ProfileId"] for i in range(3)]
    stats = cp.get_domain(DomainName="d")["Stats"]
    assert stats["ProfileCount"] == 3 and stats["MeteringProfileCount"] == 3
    assert stats["TotalSize"] > 0
    cp.delete_profile(DomainName="d", ProfileId=ids[0])
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 2


@pytest.mark.parametrize("days", [1, 30])
def test_profiles_expire_on_the_mock_clock(customerprofiles_client: Any, days: int) -> None:
    cp = customerprofiles_client
    with freeze_time("2025-01-01") as clock:
        cp.create_domain(DomainName="d", DefaultExpirationDays=days)
        profile_id = cp.create_profile(DomainName="d", EmailAddress="e@x.com")["ProfileId"]
        clock.tick(timedelta(days=days) - timedelta(seconds=1))
        assert get(cp, profile_id)
        clock.tick(timedelta(seconds=2))
        assert get(cp, profile_id) == {}
        assert (
            cp.search_profiles(DomainName="d", KeyName="_email", Values=["e@x.com"])["Items"] == []
        )
        history = cp.list_profile_history_records(DomainName="d", ProfileId=profile_id)
        assert history["ProfileHistoryRecords"][0]["ActionType"] == "EXPIRED"

"""MergeProfiles: keys and objects move, fields are unioned, merged profiles go away."""

from __future__ import annotations

import json
from typing import Any

from .conftest import error_code

CUSTOMER_TYPE = {
    "Description": "customers",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    },
    "Keys": {
        "customerId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}],
    },
}


def profiles(cp: Any, *ids: str) -> dict[str, Any]:
    result = cp.batch_get_profile(DomainName="d", ProfileIds=list(ids))
    return {"found": result["Profiles"], "errors": [e["ProfileId"] for e in result["Errors"]]}


def test_merge_moves_keys_objects_and_unions_fields(cp: Any) -> None:
    cp.put_profile_object_type(DomainName="d", ObjectTypeName="Customer", **CUSTOMER_TYPE)
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="Customer", Object=json.dumps({"id": "c1"})
    )
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="Customer", Object=json.dumps({"id": "c2"})
    )
    main = cp.search_profiles(DomainName="d", KeyName="customerId", Values=["c1"])["Items"][0]
    other = cp.search_profiles(DomainName="d", KeyName="customerId", Values=["c2"])["Items"][0]
    cp.update_profile(
        DomainName="d", ProfileId=main["ProfileId"], FirstName="Main", Attributes={"a": "main"}
    )
    cp.update_profile(
        DomainName="d",
        ProfileId=other["ProfileId"],
        FirstName="Other",
        LastName="Only",
        PhoneNumber="+15550000001",
        Attributes={"a": "o", "b": "o"},
    )
    message = cp.merge_profiles(
        DomainName="d", MainProfileId=main["ProfileId"], ProfileIdsToBeMerged=[other["ProfileId"]]
    )["Message"]
    assert message == f"Merged 1 profile(s) into {main['ProfileId']}."
    result = profiles(cp, main["ProfileId"], other["ProfileId"])
    assert result["errors"] == [other["ProfileId"]]
    merged = result["found"][0]
    assert merged["FirstName"] == "Main"
    assert merged["LastName"] == "Only"
    assert merged["Attributes"] == {"a": "main", "b": "o"}
    for key, value in (("customerId", "c2"), ("_phone", "+15550000001")):
        found = cp.search_profiles(DomainName="d", KeyName=key, Values=[value])["Items"]
        assert [p["ProfileId"] for p in found] == [main["ProfileId"]]
    objects = cp.list_profile_objects(
        DomainName="d", ObjectTypeName="Customer", ProfileId=main["ProfileId"]
    )["Items"]
    assert sorted(json.loads(o["Object"])["id"] for o in objects) == ["c1", "c2"]
    # later ingestion keyed by the merged profile's key lands on the main profile
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="Customer", Object=json.dumps({"id": "c2", "email": "n@x"})
    )
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 1


def test_field_source_profile_ids_choose_the_value(cp: Any) -> None:
    main = cp.create_profile(
        DomainName="d", EmailAddress="main@x.com", FirstName="M", Attributes={"color": "red"}
    )["ProfileId"]
    other = cp.create_profile(
        DomainName="d", EmailAddress="other@x.com", Attributes={"color": "blue"}
    )["ProfileId"]
    cp.merge_profiles(
        DomainName="d",
        MainProfileId=main,
        ProfileIdsToBeMerged=[other],
        FieldSourceProfileIds={
            "EmailAddress": other,
            "FirstName": other,
            "Attributes": {"color": other},
        },
    )
    merged = profiles(cp, main)["found"][0]
    assert merged["EmailAddress"] == "other@x.com"
    assert "FirstName" not in merged  # taken from the named source even though it has none
    assert merged["Attributes"] == {"color": "blue"}


def test_invalid_merges_change_nothing(cp: Any) -> None:
    main = cp.create_profile(DomainName="d", FirstName="M")["ProfileId"]
    other = cp.create_profile(DomainName="d", FirstName="O")["ProfileId"]
    stranger = cp.create_profile(DomainName="d", FirstName="S")["ProfileId"]
    missing = "e" * 32
    assert (
        error_code(
            cp.merge_profiles,
            DomainName="d",
            MainProfileId=main,
            ProfileIdsToBeMerged=[other, missing],
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_code(
            cp.merge_profiles, DomainName="d", MainProfileId=main, ProfileIdsToBeMerged=[main]
        )[0]
        == "BadRequestException"
    )
    assert (
        error_code(
            cp.merge_profiles,
            DomainName="d",
            MainProfileId=main,
            ProfileIdsToBeMerged=[other],
            FieldSourceProfileIds={"FirstName": stranger},
        )[0]
        == "BadRequestException"
    )
    assert (
        error_code(
            cp.merge_profiles, DomainName="d", MainProfileId=main, ProfileIdsToBeMerged=[other] * 21
        )[0]
        == "BadRequestException"
    )
    assert len(profiles(cp, main, other, stranger)["found"]) == 3
    assert profiles(cp, main)["found"][0]["FirstName"] == "M"

"""Defects found by trying the landed core as a new user would (issue 6), one test each."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from .conftest import error_code


def ids(result: dict[str, Any]) -> list[str]:
    return [item["ProfileId"] for item in result["Items"]]


def order_type(cp: Any, name: str = "Order", **extra: Any) -> None:
    """A type keyed by order id (UNIQUE) and email (PROFILE), creating profiles."""
    fields = {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
        "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
        **extra.pop("fields", {}),
    }
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName=name,
        Description=name,
        AllowProfileCreation=True,
        Fields=fields,
        Keys={
            "orderRef": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
        **extra,
    )


def put(cp: Any, type_name: str, **document: Any) -> str:
    return str(
        cp.put_profile_object(
            DomainName="d", ObjectTypeName=type_name, Object=json.dumps(document)
        )["ProfileObjectUniqueKey"]
    )


# 1 --------------------------------------------------------------------------------------
def test_threads_mixing_writes_and_whole_domain_reads_see_no_errors_and_lose_nothing(
    cp: Any,
) -> None:
    order_type(cp)
    errors: list[BaseException] = []
    writers, readers, rounds = 5, 3, 40

    def write(n: int) -> None:
        client = boto3.client("customer-profiles", region_name="us-east-1")
        try:
            for i in range(rounds):
                client.create_profile(DomainName="d", FirstName=f"w{n}-{i}")
                put(client, "Order", id=f"{n}-{i}", email=f"{n}-{i}@example.com")
                if i % 4 == 0:  # 10 types per writer keeps within the quota of 100
                    client.put_profile_object_type(
                        DomainName="d",
                        ObjectTypeName=f"T{n}_{i}",
                        Description="t",
                        TemplateId="CTR",
                    )
        except BaseException as error:
            errors.append(error)

    def read() -> None:
        client = boto3.client("customer-profiles", region_name="us-east-1")
        try:
            for _ in range(rounds * 2):
                client.get_domain(DomainName="d")
                client.list_profile_object_types(DomainName="d")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stats = cp.get_domain(DomainName="d")["Stats"]
    assert stats["ProfileCount"] == 2 * writers * rounds  # created + inferred by each order
    assert stats["ObjectCount"] == writers * rounds
    types, token = [], None
    while True:
        page = cp.list_profile_object_types(
            DomainName="d", **({"NextToken": token} if token else {})
        )
        types += page["Items"]
        token = page.get("NextToken")
        if not token:
            break
    assert len(types) == writers * rounds // 4 + 1


# 2 --------------------------------------------------------------------------------------
def test_rejected_object_leaves_no_implicit_object_type(cp: Any) -> None:
    code, status, message = error_code(
        cp.put_profile_object, DomainName="d", ObjectTypeName="CTR", Object="not json"
    )
    assert (code, status) == ("BadRequestException", 400)
    assert "not a valid JSON" in message
    assert cp.list_profile_object_types(DomainName="d")["Items"] == []
    assert error_code(cp.get_profile_object_type, DomainName="d", ObjectTypeName="CTR")[0] == (
        "ResourceNotFoundException"
    )


# 3 --------------------------------------------------------------------------------------
def test_ingestion_does_not_overwrite_fields_set_through_the_api(cp: Any) -> None:
    order_type(cp)
    profile_id = cp.create_profile(
        DomainName="d", FirstName="John", EmailAddress="john@example.com"
    )["ProfileId"]
    put(cp, "Order", id="o1", email="john@example.com", first="Jack")
    profile = cp.batch_get_profile(DomainName="d", ProfileIds=[profile_id])["Profiles"][0]
    assert profile["FirstName"] == "John"
    cp.update_profile(DomainName="d", ProfileId=profile_id, FirstName="")  # cleared: free again
    put(cp, "Order", id="o2", email="john@example.com", first="Jack")
    profile = cp.batch_get_profile(DomainName="d", ProfileIds=[profile_id])["Profiles"][0]
    assert profile["FirstName"] == "Jack"


def test_fields_an_update_sets_are_kept_from_later_mappings(cp: Any) -> None:
    order_type(cp)
    put(cp, "Order", id="o1", email="ann@example.com", first="Ann")
    [profile_id] = ids(
        cp.search_profiles(DomainName="d", KeyName="_email", Values=["ann@example.com"])
    )
    cp.update_profile(DomainName="d", ProfileId=profile_id, FirstName="Anne")
    put(cp, "Order", id="o2", email="ann@example.com", first="Annie")
    profile = cp.batch_get_profile(DomainName="d", ProfileIds=[profile_id])["Profiles"][0]
    assert profile["FirstName"] == "Anne"


# 4 --------------------------------------------------------------------------------------
def ctr(contact_id: str, phone: str) -> str:
    return json.dumps({"ContactId": contact_id, "CustomerEndpoint": {"Address": phone}})


def test_default_ctr_template_infers_a_profile_instead_of_matching_by_phone(cp: Any) -> None:
    known = cp.create_profile(DomainName="d", FirstName="John", PhoneNumber="+11234567890")[
        "ProfileId"
    ]
    cp.put_profile_object(DomainName="d", ObjectTypeName="CTR", Object=ctr("c1", "+11234567890"))
    found = ids(cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c1"]))
    assert len(found) == 1 and found != [known]
    inferred = found[0]
    # A later record from the same number maps to the profile CTR inferred for it.
    cp.put_profile_object(DomainName="d", ObjectTypeName="CTR", Object=ctr("c2", "+11234567890"))
    assert ids(cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c2"])) == [
        inferred
    ]
    assert (
        cp.list_profile_objects(DomainName="d", ObjectTypeName="CTR", ProfileId=known)["Items"]
        == []
    )
    # A contact id an agent associated with a profile attaches the record there.
    cp.add_profile_key(DomainName="d", ProfileId=known, KeyName="_ctrContactId", Values=["c3"])
    cp.put_profile_object(DomainName="d", ObjectTypeName="CTR", Object=ctr("c3", "+19999999999"))
    listed = cp.list_profile_objects(DomainName="d", ObjectTypeName="CTR", ProfileId=known)
    assert len(listed["Items"]) == 1


def test_ctr_no_inferred_associates_by_phone_and_infers_when_none_matches(cp: Any) -> None:
    known = cp.create_profile(DomainName="d", PhoneNumber="+11234567890")["ProfileId"]
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="CTR-NoInferred", Object=ctr("c1", "(123) 456-7890")
    )
    assert ids(cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c1"])) == [
        known
    ]
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="CTR-NoInferred", Object=ctr("c2", "+15550000000")
    )
    [inferred] = ids(cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c2"]))
    assert inferred != known
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 2


def test_ctr_auto_associate_only_never_creates_a_profile(cp: Any) -> None:
    known = cp.create_profile(DomainName="d", PhoneNumber="+11234567890")["ProfileId"]
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="CTR-AutoAssociateOnly", Object=ctr("c1", "+11234567890")
    )
    listed = cp.list_profile_objects(
        DomainName="d", ObjectTypeName="CTR-AutoAssociateOnly", ProfileId=known
    )
    assert len(listed["Items"]) == 1
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="CTR-AutoAssociateOnly", Object=ctr("c2", "+15550000000")
    )
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 1
    assert cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c2"])["Items"] == []
    cp.create_profile(DomainName="d", PhoneNumber="+11234567890")
    code, _, message = error_code(
        cp.put_profile_object,
        DomainName="d",
        ObjectTypeName="CTR-AutoAssociateOnly",
        Object=ctr("c3", "+11234567890"),
    )
    assert code == "BadRequestException" and "more than one profile" in message


def test_ctr_template_can_be_switched_on_the_ctr_type(cp: Any) -> None:
    known = cp.create_profile(DomainName="d", PhoneNumber="+11234567890")["ProfileId"]
    cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="CTR", Description="x", TemplateId="CTR-NoInferred"
    )
    cp.put_profile_object(DomainName="d", ObjectTypeName="CTR", Object=ctr("c1", "+11234567890"))
    assert ids(cp.search_profiles(DomainName="d", KeyName="_ctrContactId", Values=["c1"])) == [
        known
    ]


# 5 --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    [
        "_profile.EngagementPreferences",
        "_profile.Attributes",
        "_profile.Address",
        "_profile.ProfileId",
        "_profile.Address.Street",
        "_profile.Attributes." + "x" * 256,
        "_nosuch.Field",
    ],
)
def test_targets_that_are_not_string_fields_are_rejected(cp: Any, target: str) -> None:
    code, status, message = error_code(
        cp.put_profile_object_type,
        DomainName="d",
        ObjectTypeName="T",
        Description="t",
        Fields={"id": {"Source": "_source.id"}, "f": {"Source": "_source.f", "Target": target}},
        Keys={"k": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}]},
    )
    assert (code, status) == ("BadRequestException", 400)
    assert "Target" in message and "f" in message
    assert cp.list_profile_object_types(DomainName="d")["Items"] == []


def test_values_that_do_not_fit_their_field_are_not_stored_or_served(cp: Any) -> None:
    order_type(
        cp,
        fields={
            "gender": {"Source": "_source.gender", "Target": "_profile.Gender"},
            "party": {"Source": "_source.party", "Target": "_profile.PartyType"},
            "note": {"Source": "_source.note", "Target": "_profile.Attributes.note"},
        },
    )
    put(
        cp,
        "Order",
        id="o1",
        email="a@example.com",
        first="x" * 300,
        gender="banana",
        party="x" * 300,
        note="n" * 256,
    )
    put(cp, "Order", id="o2", email="b@example.com", first="Bea", gender="female", party="business")
    found = cp.search_profiles(
        DomainName="d", KeyName="_email", Values=["a@example.com", "b@example.com"]
    )["Items"]
    by_email = {p["EmailAddress"]: p for p in found}
    first = by_email["a@example.com"]
    assert "FirstName" not in first and "Gender" not in first and "PartyType" not in first
    assert first["GenderString"] == "banana"
    assert "PartyTypeString" not in first and "Attributes" not in first
    second = by_email["b@example.com"]
    assert (second["FirstName"], second["Gender"], second["PartyType"]) == (
        "Bea",
        "FEMALE",
        "BUSINESS",
    )
    batch = cp.batch_get_profile(DomainName="d", ProfileIds=[first["ProfileId"]])
    assert batch["Profiles"][0]["GenderString"] == "banana"


# 6 --------------------------------------------------------------------------------------
def test_key_values_stay_findable_when_a_type_later_gives_the_key_a_content_type(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d")["ProfileId"]
    cp.add_profile_key(
        DomainName="d", ProfileId=profile_id, KeyName="mobile", Values=["+1 (555) 123-4567"]
    )
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Device",
        Description="d",
        Fields={
            "id": {"Source": "_source.id"},
            "mobile": {"Source": "_source.mobile", "ContentType": "PHONE_NUMBER"},
        },
        Keys={
            "deviceId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "mobile": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["mobile"]}],
        },
    )
    for value in ("+1 (555) 123-4567", "+15551234567", "555.123.4567"):
        assert ids(cp.search_profiles(DomainName="d", KeyName="mobile", Values=[value])) == [
            profile_id
        ], value


# 7 --------------------------------------------------------------------------------------
def test_deeply_nested_objects_are_bad_requests(cp: Any) -> None:
    order_type(cp)
    deep = '{"id": "o1", "email": "a@example.com", "x": ' + "[" * 2000 + "]" * 2000 + "}"
    assert len(deep) < 256_000
    code, status, message = error_code(
        cp.put_profile_object, DomainName="d", ObjectTypeName="Order", Object=deep
    )
    assert (code, status) == ("BadRequestException", 400) and "deeper" in message
    code, status, _ = error_code(cp.detect_profile_object_type, DomainName="d", Objects=[deep])
    assert (code, status) == ("BadRequestException", 400)
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 0


# 8 --------------------------------------------------------------------------------------
def test_objects_with_one_timestamp_list_in_ingestion_order(cp: Any) -> None:
    order_type(cp)
    with freeze_time("2025-01-01"):
        keys = [put(cp, "Order", id=f"o{i}", email="a@example.com") for i in range(12)]
        [profile_id] = ids(
            cp.search_profiles(DomainName="d", KeyName="_email", Values=["a@example.com"])
        )
        listed = cp.list_profile_objects(
            DomainName="d", ObjectTypeName="Order", ProfileId=profile_id
        )
    assert [o["ProfileObjectUniqueKey"] for o in listed["Items"]] == keys


# 9 --------------------------------------------------------------------------------------
def test_unique_value_follows_its_object(cp: Any) -> None:
    order_type(cp)
    cp.create_profile(DomainName="d", EmailAddress="new@example.com")
    key = put(cp, "Order", id="r1", email="old@example.com")
    [old] = ids(cp.search_profiles(DomainName="d", KeyName="orderRef", Values=["r1"]))
    assert put(cp, "Order", id="r1", email="new@example.com") == key
    [new] = ids(cp.search_profiles(DomainName="d", KeyName="_email", Values=["new@example.com"]))
    assert new != old
    assert ids(cp.search_profiles(DomainName="d", KeyName="orderRef", Values=["r1"])) == [new]
    cp.delete_profile_object(
        DomainName="d", ProfileId=new, ProfileObjectUniqueKey=key, ObjectTypeName="Order"
    )
    assert cp.search_profiles(DomainName="d", KeyName="orderRef", Values=["r1"])["Items"] == []
    # The profile keys stay: the customer is still findable by the email it gave.
    assert ids(
        cp.search_profiles(DomainName="d", KeyName="_email", Values=["old@example.com"])
    ) == [old]


# 10 -------------------------------------------------------------------------------------
def test_a_key_named_twice_gives_one_found_by_item(cp: Any) -> None:
    profile_id = cp.create_profile(
        DomainName="d", EmailAddress="a@example.com", PersonalEmailAddress="b@example.com"
    )["ProfileId"]
    found = cp.search_profiles(
        DomainName="d",
        KeyName="_email",
        Values=["a@example.com"],
        AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["b@example.com", "a@example.com"]}],
        LogicalOperator="AND",
    )["Items"]
    assert [p["ProfileId"] for p in found] == [profile_id]
    assert found[0]["FoundByItems"] == [
        {"KeyName": "_email", "Values": ["a@example.com", "b@example.com"]}
    ]


# 11 -------------------------------------------------------------------------------------
def test_object_type_keys_need_fields_and_fit_the_quota(cp: Any) -> None:
    fields = {f"f{i}": {"Source": f"_source.f{i}"} for i in range(11)}
    code, _, message = error_code(
        cp.put_profile_object_type,
        DomainName="d",
        ObjectTypeName="T",
        Description="t",
        Fields=fields,
        Keys={"u": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": []}]},
    )
    assert code == "BadRequestException" and "u" in message and "field" in message
    keys = {
        f"k{i}": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [f"f{i}"]}] for i in range(11)
    }
    keys["k0"] = [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["f0"]}]
    code, _, message = error_code(
        cp.put_profile_object_type,
        DomainName="d",
        ObjectTypeName="T",
        Description="t",
        Fields=fields,
        Keys=keys,
    )
    assert code == "BadRequestException" and "10 keys" in message
    del keys["k10"]
    cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="T", Description="t", Fields=fields, Keys=keys
    )


# 12 -------------------------------------------------------------------------------------
def test_max_profile_object_count_holds_after_a_merge(cp: Any) -> None:
    order_type(cp, MaxProfileObjectCount=2)
    for n in range(2):
        put(cp, "Order", id=f"a{n}", email="a@example.com")
    for n in range(2):
        put(cp, "Order", id=f"b{n}", email="b@example.com")
    [a] = ids(cp.search_profiles(DomainName="d", KeyName="_email", Values=["a@example.com"]))
    [b] = ids(cp.search_profiles(DomainName="d", KeyName="_email", Values=["b@example.com"]))
    cp.merge_profiles(DomainName="d", MainProfileId=a, ProfileIdsToBeMerged=[b])
    listed = cp.list_profile_objects(DomainName="d", ObjectTypeName="Order", ProfileId=a)["Items"]
    assert sorted(json.loads(o["Object"])["id"] for o in listed) == ["b0", "b1"]
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 2


# 13 -------------------------------------------------------------------------------------
def test_a_next_token_only_pages_the_query_it_came_from(cp: Any) -> None:
    for n in range(3):
        cp.create_profile(DomainName="d", EmailAddress="same@example.com", FirstName=str(n))
    page = cp.search_profiles(
        DomainName="d", KeyName="_email", Values=["same@example.com"], MaxResults=1
    )
    token = page["NextToken"]
    code, status, message = error_code(
        cp.search_profiles,
        DomainName="d",
        KeyName="_email",
        Values=["other@example.com"],
        NextToken=token,
    )
    assert (code, status) == ("BadRequestException", 400) and "NextToken" in message
    # The same query may change its page size between pages.
    rest = cp.search_profiles(
        DomainName="d", KeyName="_email", Values=["same@example.com"], NextToken=token, MaxResults=5
    )
    assert len(rest["Items"]) == 2
    for n in range(3):
        cp.put_profile_object_type(
            DomainName="d", ObjectTypeName=f"T{n}", Description="t", TemplateId="CTR"
        )
    types_token = cp.list_profile_object_types(DomainName="d", MaxResults=1)["NextToken"]
    assert error_code(cp.list_domains, NextToken=types_token)[0] == "BadRequestException"
    cp.create_domain(DomainName="e", DefaultExpirationDays=1)
    assert (
        error_code(cp.list_profile_object_types, DomainName="e", NextToken=types_token)[0]
        == "BadRequestException"
    )


# 14 -------------------------------------------------------------------------------------
def test_a_client_made_with_no_credentials_before_the_mock_is_served(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from customerprofiles_mock import mock_customerprofiles

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    early = boto3.session.Session().client("customer-profiles", region_name="us-east-1")
    with mock_customerprofiles():
        early.create_domain(DomainName="early", DefaultExpirationDays=3)
        assert [d["DomainName"] for d in early.list_domains()["Items"]] == ["early"]
    from botocore.exceptions import NoCredentialsError

    with pytest.raises(NoCredentialsError):  # outside the mock the client is as it was
        early.list_domains()


# 15 -------------------------------------------------------------------------------------
TRAVEL_TYPES = {
    "loyalty": (
        "LOYALTY",
        "_loyalty",
        {"LoyaltyId": "id", "MembershipId": "membership", "Tier.Name": "tier"},
    ),
    "airBooking": ("AIR_BOOKING", "_airBooking", {"BookingId": "id", "Price.TotalPrice": "price"}),
    "airSegment": ("AIR_SEGMENT", "_airSegment", {"SegmentId": "id", "Seat.Location": "seat"}),
    "airPreference": ("AIR_PREFERENCE", "_airPreference", {"PreferenceId": "id"}),
    "hotelReservation": ("HOTEL_RESERVATION", "_hotelReservation", {"ReservationId": "id"}),
    "hotelPreference": ("HOTEL_PREFERENCE", "_hotelPreference", {"PreferenceId": "id"}),
    "hotelStayRevenue": ("HOTEL_STAY_REVENUE", "_hotelStayRevenue", {"StayRevenueId": "id"}),
}


@pytest.mark.parametrize("name", sorted(TRAVEL_TYPES))
def test_travel_and_hospitality_standard_objects(cp: Any, name: str) -> None:
    identifier, standard, targets = TRAVEL_TYPES[name]
    fields = {
        "email": {
            "Source": "_source.email",
            "ContentType": "EMAIL_ADDRESS",
            "Target": "_profile.EmailAddress",
        },
        "gender": {"Source": "_source.gender", "Target": "_profile.Gender"},
    }
    for target, source in targets.items():
        fields[source] = {"Source": f"_source.{source}", "Target": f"{standard}.{target}"}
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName=name,
        Description=name,
        AllowProfileCreation=True,
        Fields=fields,
        Keys={
            "recordId": [{"StandardIdentifiers": ["UNIQUE", identifier], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    document = {
        "id": "R1",
        "email": "t@example.com",
        "gender": "F",
        "membership": "M-9",
        "tier": "Gold",
        "price": "120.50",
        "seat": "12A",
    }
    put(cp, name, **document)
    [profile] = cp.search_profiles(DomainName="d", KeyName="_email", Values=["t@example.com"])[
        "Items"
    ]
    assert profile["GenderString"] == "F" and "Gender" not in profile
    listed = cp.list_profile_objects(
        DomainName="d", ObjectTypeName=standard, ProfileId=profile["ProfileId"]
    )
    [item] = listed["Items"]
    expected: dict[str, Any] = {}
    for target, source in targets.items():
        node = expected
        *parents, leaf = target.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = document[source]
    assert json.loads(item["Object"]) == expected


def test_standard_object_index_keys_find_the_profile(cp: Any) -> None:
    test_travel_and_hospitality_standard_objects(cp, "loyalty")
    for key, value in (("_loyaltyId", "R1"), ("_loyaltyMembershipId", "M-9")):
        found = cp.search_profiles(DomainName="d", KeyName=key, Values=[value])["Items"]
        assert [p["EmailAddress"] for p in found] == ["t@example.com"], key
    [profile] = cp.search_profiles(DomainName="d", KeyName="_loyaltyId", Values=["R1"])["Items"]
    filtered = cp.list_profile_objects(
        DomainName="d",
        ObjectTypeName="_loyalty",
        ProfileId=profile["ProfileId"],
        ObjectFilter={"KeyName": "_loyaltyMembershipId", "Values": ["M-9"]},
    )
    assert len(filtered["Items"]) == 1


# 16 -------------------------------------------------------------------------------------
def test_missing_unique_field_is_named_as_the_user_sent_it(cp: Any) -> None:
    code, _, message = error_code(
        cp.put_profile_object,
        DomainName="d",
        ObjectTypeName="Salesforce-Account",
        Object=json.dumps({"Name": "Acme"}),
    )
    assert code == "BadRequestException"
    assert "_source.Id" in message and "_salesforceAccountId" in message
    assert "accountId" not in message

"""Object types and templates: upsert, validation, implicit types, deletion, tags."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import error_code

FIELDS = {
    "id": {"Source": "_source.id", "ContentType": "STRING"},
    "email": {
        "Source": "_source.email",
        "Target": "_profile.EmailAddress",
        "ContentType": "EMAIL_ADDRESS",
    },
    "name": {"Source": "{{_source.first}} {{_source.last}}", "Target": "_profile.FirstName"},
}
KEYS = {
    "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}
TEMPLATE_IDS = [
    "CTR",
    "CTR-AutoAssociateOnly",
    "CTR-NoInferred",
    "Marketo-leads",
    "Salesforce-Account",
    "Salesforce-Asset",
    "Salesforce-Contact",
    "Segment-Identify",
    "Servicenow-incident",
    "Servicenow-sys_user",
    "Servicenow-task",
    "Shopify-Customer",
    "Shopify-DraftOrder",
    "Shopify-Order",
    "Zendesk-tickets",
    "Zendesk-users",
]


def put(cp: Any, name: str = "Orders", **overrides: Any) -> dict[str, Any]:
    request = {
        "DomainName": "d",
        "ObjectTypeName": name,
        "Description": "orders",
        "Fields": FIELDS,
        "Keys": KEYS,
        **overrides,
    }
    return dict(cp.put_profile_object_type(**request))


def test_put_get_echo_and_upsert(cp: Any) -> None:
    created = put(
        cp,
        ExpirationDays=30,
        MaxProfileObjectCount=5,
        SourcePriority=2,
        AllowProfileCreation=True,
        Tags={"t": "1"},
    )
    got = cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")
    for response in (created, got):
        assert response["ObjectTypeName"] == "Orders"
        assert response["Fields"] == FIELDS and response["Keys"] == KEYS
        assert response["ExpirationDays"] == 30 and response["SourcePriority"] == 2
        assert response["MaxProfileObjectCount"] == 5
        assert response["MaxAvailableProfileObjectCount"] == 5
        assert response["AllowProfileCreation"] is True
        assert response["Tags"] == {"t": "1"}
    replaced = put(cp, Description="second")
    assert replaced["Description"] == "second"
    assert replaced["CreatedAt"] == created["CreatedAt"]
    assert replaced["MaxAvailableProfileObjectCount"] == 1000
    items = cp.list_profile_object_types(DomainName="d")["Items"]
    assert [(i["ObjectTypeName"], i["Description"]) for i in items] == [("Orders", "second")]


@pytest.mark.parametrize(
    ("fields", "keys", "fragment"),
    [
        (FIELDS, {"_email": KEYS["_email"]}, "UNIQUE"),
        (
            FIELDS,
            {**KEYS, "other": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
            "UNIQUE",
        ),
        (
            FIELDS,
            {**KEYS, "k": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["nope"]}]},
            "nope",
        ),
        ({**FIELDS, "bad": {"Source": "$.id"}}, KEYS, "_source"),
        (
            {**FIELDS, "bad": {"Source": "_source.x", "Target": "_profile.ShoeSize"}},
            KEYS,
            "ShoeSize",
        ),
        (
            {**FIELDS, "bad": {"Source": "_source.x", "Target": "_profile.Address.Moon"}},
            KEYS,
            "Moon",
        ),
    ],
)
def test_bad_definitions_store_nothing(
    cp: Any, fields: dict[str, Any], keys: dict[str, Any], fragment: str
) -> None:
    code, status, message = error_code(put, cp=cp, Fields=fields, Keys=keys)
    assert (code, status) == ("BadRequestException", 400)
    assert fragment in message
    assert cp.list_profile_object_types(DomainName="d")["Items"] == []


def test_model_constraints(cp: Any) -> None:
    assert error_code(put, cp=cp, Description="x" * 1001)[0] == "BadRequestException"
    assert error_code(put, cp=cp, ExpirationDays=2000)[0] == "BadRequestException"
    assert error_code(put, cp=cp, name="_reserved")[0] == "BadRequestException"


def test_template_based_type(cp: Any) -> None:
    created = cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="Accounts", Description="sf", TemplateId="Salesforce-Account"
    )
    assert created["TemplateId"] == "Salesforce-Account"
    assert "_salesforceAccountId" in created["Keys"]
    assert created["AllowProfileCreation"] is True
    code, _, message = error_code(
        cp.put_profile_object_type,
        DomainName="d",
        ObjectTypeName="X",
        Description="x",
        TemplateId="Salesforce-Account",
        Fields=FIELDS,
    )
    assert code == "BadRequestException" and "TemplateId" in message
    assert error_code(
        cp.put_profile_object_type,
        DomainName="d",
        ObjectTypeName="X",
        Description="x",
        TemplateId="NoSuchTemplate",
    )[:2] == ("ResourceNotFoundException", 404)


def test_templates_list_and_get(cp: Any) -> None:
    listed = cp.list_profile_object_type_templates()["Items"]
    assert [t["TemplateId"] for t in listed] == TEMPLATE_IDS
    for template_id in TEMPLATE_IDS:
        template = cp.get_profile_object_type_template(TemplateId=template_id)
        unique = [
            k
            for k, v in template["Keys"].items()
            if any("UNIQUE" in e["StandardIdentifiers"] for e in v)
        ]
        assert len(unique) == 1, template_id
        assert template["SourceName"] and template["SourceObject"]
    keys = {t: set(cp.get_profile_object_type_template(TemplateId=t)["Keys"]) for t in TEMPLATE_IDS}
    assert "_salesforceAccountId" in keys["Salesforce-Account"]
    assert {"_marketoLeadId", "_salesforceAccountId", "_salesforceContactId"} <= keys[
        "Marketo-leads"
    ]
    assert {"_zendeskUserId", "_zendeskExternalId"} <= keys["Zendesk-users"]
    assert "_serviceNowSystemId" in keys["Servicenow-sys_user"]
    assert "_segmentUserId" in keys["Segment-Identify"]
    assert "_shopifyCustomerId" in keys["Shopify-Customer"]
    assert "_shopifyOrderId" in keys["Shopify-Order"]
    assert keys["CTR"] == {"_ctrContactId"}  # associates by contact id only
    assert keys["CTR-NoInferred"] == keys["CTR-AutoAssociateOnly"] == {"_ctrContactId", "_phone"}
    page = cp.list_profile_object_type_templates(MaxResults=10)
    rest = cp.list_profile_object_type_templates(NextToken=page["NextToken"])
    assert len(page["Items"]) + len(rest["Items"]) == 16
    assert error_code(cp.get_profile_object_type_template, TemplateId="Nope")[:2] == (
        "ResourceNotFoundException",
        404,
    )


def test_implicit_type_from_template(cp: Any) -> None:
    assert error_code(cp.get_profile_object_type, DomainName="d", ObjectTypeName="CTR")[0] == (
        "ResourceNotFoundException"
    )
    cp.put_profile_object(
        DomainName="d",
        ObjectTypeName="CTR",
        Object=json.dumps({"ContactId": "c", "CustomerEndpoint": {"Address": "+1"}}),
    )
    implicit = cp.get_profile_object_type(DomainName="d", ObjectTypeName="CTR")
    assert implicit["TemplateId"] == "CTR"
    assert [i["ObjectTypeName"] for i in cp.list_profile_object_types(DomainName="d")["Items"]] == [
        "CTR"
    ]
    replaced = cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="CTR", Description="mine", TemplateId="CTR-NoInferred"
    )
    assert replaced["TemplateId"] == "CTR-NoInferred"
    cp.delete_profile_object_type(DomainName="d", ObjectTypeName="CTR")
    assert cp.list_profile_object_types(DomainName="d")["Items"] == []


def test_unknown_type_and_domain(cp: Any) -> None:
    assert error_code(cp.get_profile_object_type, DomainName="d", ObjectTypeName="None")[:2] == (
        "ResourceNotFoundException",
        404,
    )
    assert error_code(cp.delete_profile_object_type, DomainName="d", ObjectTypeName="None")[0] == (
        "ResourceNotFoundException"
    )
    assert error_code(cp.list_profile_object_types, DomainName="nope")[0] == (
        "ResourceNotFoundException"
    )
    assert error_code(put, cp=cp, DomainName="nope")[0] == "ResourceNotFoundException"


def test_delete_removes_objects_fields_and_keys(cp: Any) -> None:
    put(cp, AllowProfileCreation=True)
    body = {"id": "o1", "email": "a@x.com", "first": "Ana", "last": "Lee"}
    cp.put_profile_object(DomainName="d", ObjectTypeName="Orders", Object=json.dumps(body))
    profile = cp.search_profiles(DomainName="d", KeyName="orderId", Values=["o1"])["Items"][0]
    assert profile["FirstName"] == "Ana Lee" and profile["EmailAddress"] == "a@x.com"
    cp.update_profile(DomainName="d", ProfileId=profile["ProfileId"], LastName="Kept")
    deleted = cp.delete_profile_object_type(DomainName="d", ObjectTypeName="Orders")
    assert "Orders" in deleted["Message"]
    after = cp.batch_get_profile(DomainName="d", ProfileIds=[profile["ProfileId"]])["Profiles"][0]
    assert after == {"ProfileId": profile["ProfileId"], "LastName": "Kept"}
    assert cp.search_profiles(DomainName="d", KeyName="orderId", Values=["o1"])["Items"] == []
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 0


def test_object_types_are_taggable(cp: Any) -> None:
    put(cp, Tags={"a": "1"})
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/object-types/Orders"
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1"}
    cp.tag_resource(resourceArn=arn, tags={"b": "2"})
    assert cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")["Tags"] == {
        "a": "1",
        "b": "2",
    }
    cp.delete_profile_object_type(DomainName="d", ObjectTypeName="Orders")
    assert error_code(cp.list_tags_for_resource, resourceArn=arn)[0] == "ResourceNotFoundException"


def test_pagination(cp: Any) -> None:
    for i in range(5):
        put(cp, name=f"T{i}")
    first = cp.list_profile_object_types(DomainName="d", MaxResults=2)
    second = cp.list_profile_object_types(
        DomainName="d", MaxResults=2, NextToken=first["NextToken"]
    )
    third = cp.list_profile_object_types(DomainName="d", NextToken=second["NextToken"])
    names = [i["ObjectTypeName"] for r in (first, second, third) for i in r["Items"]]
    assert names == [f"T{i}" for i in range(5)] and "NextToken" not in third


def test_detect_profile_object_type(cp: Any) -> None:
    samples = [
        json.dumps(
            {
                "customerId": "1",
                "firstName": "Ana",
                "email": "a@x.com",
                "phone": "+1 555 000 1111",
                "updated": "2024-01-01T00:00:00Z",
                "address": {"city": "Oslo"},
            }
        )
    ]
    detected = cp.detect_profile_object_type(DomainName="d", Objects=samples)[
        "DetectedProfileObjectTypes"
    ]
    assert len(detected) == 1
    fields, keys = detected[0]["Fields"], detected[0]["Keys"]
    assert fields["email"]["ContentType"] == "EMAIL_ADDRESS"
    assert fields["email"]["Target"] == "_profile.EmailAddress"
    assert fields["phone"]["ContentType"] == "PHONE_NUMBER"
    assert fields["address.city"]["Source"] == "_source.address.city"
    assert keys["_email"][0]["StandardIdentifiers"] == ["PROFILE"]
    assert detected[0]["SourceLastUpdatedTimestampFormat"]
    unique = [v for v in keys.values() if "UNIQUE" in v[0]["StandardIdentifiers"]]
    assert unique[0][0]["FieldNames"] == ["customerId"]
    # what it detects is a valid object type definition
    cp.put_profile_object_type(
        DomainName="d", ObjectTypeName="Detected", Description="x", Fields=fields, Keys=keys
    )
    assert error_code(cp.detect_profile_object_type, DomainName="d", Objects=["not json"])[0] == (
        "BadRequestException"
    )

"""Integrations through boto3: the upsert, listings across the account, and S3
integrations that ingest files put into moto's bucket (failures to moto's SQS)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from .conftest import error_code
from .test_calculated_attributes import order_type

FLOW = {
    "FlowName": "sf-contacts",
    "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/abcd",
    "SourceFlowConfig": {
        "ConnectorType": "Salesforce",
        "ConnectorProfileName": "sf",
        "SourceConnectorProperties": {"Salesforce": {"Object": "Contact"}},
    },
    "Tasks": [{"SourceFields": ["Id"], "TaskType": "Map", "DestinationField": "Id"}],
    "TriggerConfig": {"TriggerType": "OnDemand"},
}


def test_put_is_an_upsert_that_keeps_created_at(cp: Any) -> None:
    order_type(cp)
    first = cp.put_integration(
        DomainName="d", Uri="s3://orders-bucket/in", ObjectTypeName="Order", Tags={"a": "1"}
    )
    again = cp.put_integration(
        DomainName="d",
        Uri="s3://orders-bucket/in",
        ObjectTypeName="CTR",
        Tags={"b": "2"},
    )
    assert again["CreatedAt"] == first["CreatedAt"]
    # "To add or remove tags on an existing Integration, see TagResource/UntagResource."
    assert (again["ObjectTypeName"], again["Scope"], again["Tags"]) == (
        "CTR",
        "PROFILE",
        {"a": "1"},
    )
    got = cp.get_integration(DomainName="d", Uri="s3://orders-bucket/in")
    assert got["ObjectTypeName"] == "CTR"
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/integrations/s3://orders-bucket/in"
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1"}
    assert (
        "deleted" in cp.delete_integration(DomainName="d", Uri="s3://orders-bucket/in")["Message"]
    )
    assert error_code(cp.get_integration, DomainName="d", Uri="s3://orders-bucket/in")[:2] == (
        "ResourceNotFoundException",
        404,
    )


def test_validation_stores_nothing(cp: Any) -> None:
    order_type(cp)
    cases = [
        ({"Uri": "s3://b", "ObjectTypeName": "Nope"}, "Nope"),
        ({"Uri": "s3://b"}, "ObjectTypeName"),
        ({"ObjectTypeName": "Order"}, "Uri"),
        ({"Uri": "s3://b", "ObjectTypeNames": {"SegmentIdentify": "Nope"}}, "Nope"),
        ({"Uri": "s3://b", "ObjectTypeName": "Order", "EventTriggerNames": ["t"]}, "t"),
    ]
    for args, says in cases:
        code, _, message = error_code(cp.put_integration, DomainName="d", **args)
        assert code == "BadRequestException" and says in message, args
    assert cp.list_integrations(DomainName="d")["Items"] == []


def test_flow_definitions_and_their_names(cp: Any) -> None:
    order_type(cp)
    made = cp.put_integration(DomainName="d", ObjectTypeName="Order", FlowDefinition=FLOW)
    assert made["Uri"] == "arn:aws:appflow:us-east-1:123456789012:flow/sf-contacts"
    code, _, message = error_code(
        cp.put_integration,
        DomainName="d",
        Uri="s3://other",
        ObjectTypeName="Order",
        FlowDefinition=FLOW,
    )
    assert (code, message) == ("BadRequestException", "Flow with name sf-contacts already exists.")


def test_lists_page_and_span_the_account(cp: Any) -> None:
    order_type(cp)
    cp.create_domain(DomainName="e", DefaultExpirationDays=5)
    cp.put_profile_object_type(
        DomainName="e", ObjectTypeName="CTR", Description="c", TemplateId="CTR"
    )
    for n in range(3):
        cp.put_integration(DomainName="d", Uri=f"s3://b{n}", ObjectTypeName="Order")
    cp.put_integration(DomainName="e", Uri="s3://e1", ObjectTypeName="CTR")
    page = cp.list_integrations(DomainName="d", MaxResults=2)
    rest = cp.list_integrations(DomainName="d", NextToken=page["NextToken"])
    assert [i["Uri"] for i in page["Items"] + rest["Items"]] == ["s3://b0", "s3://b1", "s3://b2"]
    # "An integration can belong to only one domain": the account lists the one there is.
    across = cp.list_account_integrations(Uri="s3://b1")["Items"]
    assert [(i["DomainName"], i["ObjectTypeName"]) for i in across] == [("d", "Order")]
    assert [i["DomainName"] for i in cp.list_account_integrations(Uri="s3://e1")["Items"]] == ["e"]


def test_hidden_integrations_of_workflows(cp: Any) -> None:
    order_type(cp)
    cp.create_integration_workflow(
        DomainName="d",
        WorkflowType="APPFLOW_INTEGRATION",
        IntegrationConfig={"AppflowIntegration": {"FlowDefinition": FLOW}},
        ObjectTypeName="Order",
        RoleArn="arn:aws:iam::123456789012:role/r",
    )
    assert cp.list_integrations(DomainName="d")["Items"] == []
    hidden = cp.list_integrations(DomainName="d", IncludeHidden=True)["Items"]
    assert len(hidden) == 1 and hidden[0]["WorkflowId"]
    uri = hidden[0]["Uri"]
    assert cp.list_account_integrations(Uri=uri)["Items"] == []
    assert len(cp.list_account_integrations(Uri=uri, IncludeHidden=True)["Items"]) == 1


def test_deleting_the_domain_removes_its_integrations(cp: Any) -> None:
    order_type(cp)
    cp.put_integration(DomainName="d", Uri="s3://b", ObjectTypeName="Order")
    cp.delete_domain(DomainName="d")
    assert cp.list_account_integrations(Uri="s3://b")["Items"] == []


@pytest.fixture
def aws() -> Any:
    with mock_aws():
        yield {
            name: boto3.client(name, region_name="us-east-1")
            for name in ("s3", "sqs", "customer-profiles")
        }


def test_s3_integration_ingests_json_and_csv_once(aws: dict[str, Any]) -> None:
    s3, cp = aws["s3"], aws["customer-profiles"]
    s3.create_bucket(Bucket="drop")
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    order_type(cp)
    cp.put_integration(DomainName="d", Uri="s3://drop/orders", ObjectTypeName="Order")
    s3.put_object(
        Bucket="drop",
        Key="orders/batch1.json",
        Body=json.dumps([{"id": "o1", "email": "a@x.io"}, {"id": "o2", "email": "b@x.io"}]),
    )
    s3.put_object(Bucket="drop", Key="orders/batch2.csv", Body="id,email\no3,a@x.io\no4,c@x.io\n")
    s3.put_object(
        Bucket="drop", Key="elsewhere/ignored.json", Body=json.dumps({"id": "x", "email": "z@x.io"})
    )
    stats = cp.get_domain(DomainName="d")["Stats"]
    assert (stats["ObjectCount"], stats["ProfileCount"]) == (4, 3)
    [ana] = cp.search_profiles(DomainName="d", KeyName="_email", Values=["a@x.io"])["Items"]
    objects = cp.list_profile_objects(
        DomainName="d", ObjectTypeName="Order", ProfileId=ana["ProfileId"]
    )
    assert sorted(json.loads(o["Object"])["id"] for o in objects["Items"]) == ["o1", "o3"]
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 4  # each file once
    s3.put_object(
        Bucket="drop", Key="orders/batch3.json", Body=json.dumps({"id": "o5", "email": "a@x.io"})
    )
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 5


def test_s3_integration_failures_go_to_the_dead_letter_queue(aws: dict[str, Any]) -> None:
    s3, sqs, cp = aws["s3"], aws["sqs"], aws["customer-profiles"]
    s3.create_bucket(Bucket="drop")
    queue = sqs.create_queue(QueueName="cp-dlq")["QueueUrl"]
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DeadLetterQueueUrl=queue)
    order_type(cp)
    cp.put_integration(DomainName="d", Uri="s3://drop", ObjectTypeName="Order")
    s3.put_object(
        Bucket="drop",
        Key="mixed.json",
        Body="\n".join(
            json.dumps(r) for r in ({"id": "ok", "email": "a@x.io"}, {"email": "no-id@x.io"})
        ),
    )
    s3.put_object(Bucket="drop", Key="broken.json", Body="{not json")
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 1
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    bodies = sorted((json.loads(m["Body"]) for m in messages), key=lambda b: b["Key"])
    assert [(b["Key"], b["Uri"]) for b in bodies] == [
        ("broken.json", "s3://drop"),
        ("mixed.json", "s3://drop"),
    ]
    assert "Unreadable" in bodies[0]["Reason"]
    assert bodies[1]["Object"] == {"email": "no-id@x.io"} and "UNIQUE" in bodies[1]["Reason"]


# -- layouts -----------------------------------------------------------------------------
def test_layouts_crud_versions_default_and_tags(cp: Any) -> None:
    layout = '{"sections": [ {"id": 1} ]}\n'
    made = cp.create_domain_layout(
        DomainName="d",
        LayoutDefinitionName="main",
        Description="Main layout",
        DisplayName="Main",
        LayoutType="PROFILE_EXPLORER",
        Layout=layout,
        IsDefault=True,
        Tags={"t": "1"},
    )
    assert (made["Layout"], made["Version"], made["IsDefault"]) == (layout, "1", True)
    cp.create_domain_layout(
        DomainName="d",
        LayoutDefinitionName="alt",
        Description="Alt",
        DisplayName="Alt",
        LayoutType="PROFILE_EXPLORER",
        Layout="{}",
    )
    updated = cp.update_domain_layout(DomainName="d", LayoutDefinitionName="alt", IsDefault=True)
    assert (updated["Version"], updated["IsDefault"]) == ("2", True)
    assert cp.get_domain_layout(DomainName="d", LayoutDefinitionName="main")["IsDefault"] is False
    again = cp.update_domain_layout(DomainName="d", LayoutDefinitionName="main", DisplayName="M2")
    assert (again["Version"], again["Layout"], again["DisplayName"]) == ("2", layout, "M2")
    listed = cp.list_domain_layouts(DomainName="d", MaxResults=1)
    rest = cp.list_domain_layouts(DomainName="d", NextToken=listed["NextToken"])
    assert [i["LayoutDefinitionName"] for i in listed["Items"] + rest["Items"]] == ["alt", "main"]
    assert "Layout" not in listed["Items"][0]
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/layouts/main"
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"t": "1"}
    assert (
        error_code(
            cp.create_domain_layout,
            DomainName="d",
            LayoutDefinitionName="main",
            Description="x",
            DisplayName="x",
            LayoutType="PROFILE_EXPLORER",
            Layout="{}",
        )[0]
        == "BadRequestException"
    )
    assert (
        "deleted" in cp.delete_domain_layout(DomainName="d", LayoutDefinitionName="main")["Message"]
    )
    assert error_code(cp.get_domain_layout, DomainName="d", LayoutDefinitionName="main")[0] == (
        "ResourceNotFoundException"
    )

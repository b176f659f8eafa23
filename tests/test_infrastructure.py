"""Under ``mock_aws``: CloudFormation stacks, IAM authorization and the Tagging API
treat Customer Profiles as moto treats its own services (issue 17)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

import customerprofiles_mock  # noqa: F401  (serves customer-profiles under mock_aws)

from .conftest import requires_operations

REGION = "us-east-1"
ACCOUNT = "123456789012"
DOMAIN = "cfn-shop"

ORDER_FIELDS = [
    {"Name": "id", "ObjectTypeField": {"Source": "_source.id", "Target": "_order.Id"}},
    {
        "Name": "email",
        "ObjectTypeField": {
            "Source": "_source.email",
            "Target": "_profile.EmailAddress",
            "ContentType": "EMAIL_ADDRESS",
        },
    },
    {
        "Name": "total",
        "ObjectTypeField": {
            "Source": "_source.total",
            "Target": "_order.TotalPrice",
            "ContentType": "NUMBER",
        },
    },
]
ORDER_KEYS = [
    {
        "Name": "orderId",
        "ObjectTypeKeyList": [{"FieldNames": ["id"], "StandardIdentifiers": ["UNIQUE"]}],
    },
    {
        "Name": "_email",
        "ObjectTypeKeyList": [{"FieldNames": ["email"], "StandardIdentifiers": ["PROFILE"]}],
    },
]
CATALOG_FIELDS = {
    "sku": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
    "title": {"Source": "_source.title", "Target": "_catalogItem.Name"},
}


def template() -> dict[str, Any]:
    """All nine resource types, wired the way a CDK app wires them (Ref and GetAtt)."""
    dom = {"Ref": "Domain"}
    return {
        "Resources": {
            "Stream": {
                "Type": "AWS::Kinesis::Stream",
                "Properties": {"Name": "cp-export", "ShardCount": 1},
            },
            "Domain": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {
                    "DomainName": DOMAIN,
                    "DefaultExpirationDays": 30,
                    "DataStore": {"Enabled": True},
                    "Tags": [{"Key": "team", "Value": "growth"}],
                },
            },
            "Orders": {
                "Type": "AWS::CustomerProfiles::ObjectType",
                "Properties": {
                    "DomainName": dom,
                    "ObjectTypeName": "Orders",
                    "Description": "web orders",
                    "AllowProfileCreation": True,
                    "Fields": ORDER_FIELDS,
                    "Keys": ORDER_KEYS,
                    "Tags": [{"Key": "team", "Value": "orders"}],
                },
            },
            "Feed": {
                "Type": "AWS::CustomerProfiles::Integration",
                "DependsOn": "Orders",
                "Properties": {
                    "DomainName": dom,
                    "Uri": "s3://orders-bucket/in",
                    "ObjectTypeName": "Orders",
                },
            },
            "Spend": {
                "Type": "AWS::CustomerProfiles::CalculatedAttributeDefinition",
                "DependsOn": "Orders",
                "Properties": {
                    "DomainName": dom,
                    "CalculatedAttributeName": "spend",
                    "DisplayName": "Spend",
                    "Statistic": "SUM",
                    "AttributeDetails": {
                        "Attributes": [{"Name": "total"}],
                        "Expression": "{Orders.total}",
                    },
                },
            },
            "Vip": {
                "Type": "AWS::CustomerProfiles::SegmentDefinition",
                "Properties": {
                    "DomainName": dom,
                    "SegmentDefinitionName": "vip",
                    "DisplayName": "VIP",
                    "SegmentGroups": {
                        "Include": "ALL",
                        "Groups": [
                            {
                                "Type": "ALL",
                                "Dimensions": [
                                    {
                                        "ProfileAttributes": {
                                            "LastName": {
                                                "DimensionType": "INCLUSIVE",
                                                "Values": ["Lee"],
                                            }
                                        }
                                    }
                                ],
                            }
                        ],
                    },
                },
            },
            "Export": {
                "Type": "AWS::CustomerProfiles::EventStream",
                "Properties": {
                    "DomainName": dom,
                    "EventStreamName": "export",
                    "Uri": {"Fn::GetAtt": ["Stream", "Arn"]},
                },
            },
            "BigOrder": {
                "Type": "AWS::CustomerProfiles::EventTrigger",
                "DependsOn": "Orders",
                "Properties": {
                    "DomainName": dom,
                    "EventTriggerName": "big-order",
                    "ObjectTypeName": "Orders",
                    "Description": "orders over 100",
                    "EventTriggerConditions": [
                        {
                            "LogicalOperator": "ANY",
                            "EventTriggerDimensions": [
                                {
                                    "ObjectAttributes": [
                                        {
                                            "FieldName": "total",
                                            "ComparisonOperator": "GREATER_THAN",
                                            "Values": ["100"],
                                        }
                                    ]
                                }
                            ],
                        }
                    ],
                },
            },
            "Catalog": {
                "Type": "AWS::CustomerProfiles::DomainObjectType",
                "Properties": {
                    "DomainName": dom,
                    "ObjectTypeName": "Catalog",
                    "Fields": CATALOG_FIELDS,
                },
            },
            "Popular": {
                "Type": "AWS::CustomerProfiles::Recommender",
                "Properties": {
                    "DomainName": dom,
                    "RecommenderName": "popular",
                    "RecommenderRecipeName": "popular-items",
                    "Description": "top sellers",
                },
            },
        },
        "Outputs": {
            "DomainCreated": {"Value": {"Fn::GetAtt": ["Domain", "CreatedAt"]}},
            "Profiles": {"Value": {"Fn::GetAtt": ["Domain", "Stats.ProfileCount"]}},
            "OrdersRef": {"Value": {"Ref": "Orders"}},
            "SegmentArn": {"Value": {"Fn::GetAtt": ["Vip", "SegmentDefinitionArn"]}},
            "StreamArn": {"Value": {"Fn::GetAtt": ["Export", "EventStreamArn"]}},
            "StreamState": {"Value": {"Fn::GetAtt": ["Export", "State"]}},
            "RecommenderArn": {"Value": {"Fn::GetAtt": ["Popular", "RecommenderArn"]}},
            "SpendUpdated": {"Value": {"Fn::GetAtt": ["Spend", "LastUpdatedAt"]}},
        },
    }


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        yield (
            boto3.client("cloudformation", region_name=REGION),
            boto3.client("customer-profiles", region_name=REGION),
        )


def outputs(cf: Any, stack: str) -> dict[str, str]:
    found = cf.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs") or []
    return {o["OutputKey"]: o["OutputValue"] for o in found}


@requires_operations("PutDomainObjectType", "CreateRecommender")
def test_a_stack_of_every_resource_type_creates_reads_updates_and_deletes(aws: Any) -> None:
    cf, cp = aws
    body = template()
    cf.create_stack(StackName="shop", TemplateBody=json.dumps(body))
    assert cf.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    domain = cp.get_domain(DomainName=DOMAIN)
    assert (domain["DefaultExpirationDays"], domain["Tags"]) == (30, {"team": "growth"})
    orders = cp.get_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Orders")
    assert orders["Keys"]["orderId"] == [{"FieldNames": ["id"], "StandardIdentifiers": ["UNIQUE"]}]
    assert orders["Fields"]["total"]["ContentType"] == "NUMBER"
    assert orders["Tags"] == {"team": "orders"}
    assert (
        cp.get_integration(DomainName=DOMAIN, Uri="s3://orders-bucket/in")["ObjectTypeName"]
        == "Orders"
    )
    assert (
        cp.get_calculated_attribute_definition(DomainName=DOMAIN, CalculatedAttributeName="spend")[
            "Statistic"
        ]
        == "SUM"
    )
    assert (
        cp.get_segment_definition(DomainName=DOMAIN, SegmentDefinitionName="vip")["DisplayName"]
        == "VIP"
    )
    stream = cp.get_event_stream(DomainName=DOMAIN, EventStreamName="export")
    assert (
        stream["DestinationDetails"]["Uri"]
        == f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/cp-export"
    )
    assert (
        cp.get_event_trigger(DomainName=DOMAIN, EventTriggerName="big-order")["Description"]
        == "orders over 100"
    )
    assert set(
        cp.get_domain_object_type(DomainName=DOMAIN, ObjectTypeName="Catalog")["Fields"]
    ) == {"sku", "title"}
    assert (
        cp.get_recommender(DomainName=DOMAIN, RecommenderName="popular")["Description"]
        == "top sellers"
    )

    got = outputs(cf, "shop")
    assert got["DomainCreated"].endswith("Z") and got["DomainCreated"].startswith("20")
    assert got["Profiles"] == "0"
    assert got["OrdersRef"] == f"{DOMAIN}|Orders"
    base = f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/{DOMAIN}"
    assert got["SegmentArn"] == f"{base}/segment-definitions/vip"
    assert got["StreamArn"] == stream["EventStreamArn"]
    assert got["StreamState"] == stream["State"]
    assert got["RecommenderArn"] == f"{base}/recommenders/popular"

    # In place: the domain's expiration and tags, the trigger's description.
    body = copy.deepcopy(body)
    props = body["Resources"]["Domain"]["Properties"]
    props["DefaultExpirationDays"] = 90
    props["Tags"] = [{"Key": "team", "Value": "retention"}, {"Key": "cost", "Value": "cx"}]
    body["Resources"]["BigOrder"]["Properties"]["Description"] = "orders over 200"
    # Replacement: a renamed segment definition with new groups.
    vip = body["Resources"]["Vip"]["Properties"]
    vip["SegmentDefinitionName"] = "vip2"
    vip["DisplayName"] = "VIP 2"
    cf.update_stack(StackName="shop", TemplateBody=json.dumps(body))
    domain = cp.get_domain(DomainName=DOMAIN)
    assert (domain["DefaultExpirationDays"], domain["Tags"]) == (
        90,
        {"team": "retention", "cost": "cx"},
    )
    assert (
        cp.get_event_trigger(DomainName=DOMAIN, EventTriggerName="big-order")["Description"]
        == "orders over 200"
    )
    names = [
        s["SegmentDefinitionName"] for s in cp.list_segment_definitions(DomainName=DOMAIN)["Items"]
    ]
    assert names == ["vip2"]
    assert outputs(cf, "shop")["SegmentArn"] == f"{base}/segment-definitions/vip2"

    cf.delete_stack(StackName="shop")
    assert cp.list_domains()["Items"] == []


def test_replacing_a_custom_named_resource_in_place_is_refused(aws: Any) -> None:
    cf, cp = aws
    body = {
        "Resources": {
            "Domain": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {"DomainName": "d", "DefaultExpirationDays": 3},
            },
            "Stream": {
                "Type": "AWS::CustomerProfiles::EventStream",
                "Properties": {
                    "DomainName": {"Ref": "Domain"},
                    "EventStreamName": "s",
                    "Uri": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/one",
                },
            },
        }
    }
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName="one", ShardCount=1)
    cf.create_stack(StackName="st", TemplateBody=json.dumps(body))
    body["Resources"]["Stream"]["Properties"]["Uri"] = (
        f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/two"
    )
    with pytest.raises(ClientError) as refused:
        cf.update_stack(StackName="st", TemplateBody=json.dumps(body))
    assert "custom-named resource requires replacing" in refused.value.response["Error"]["Message"]
    assert cp.get_event_stream(DomainName="d", EventStreamName="s")["DestinationDetails"][
        "Uri"
    ].endswith("/one")


def test_a_failing_stack_rolls_back_what_it_created(aws: Any) -> None:
    cf, cp = aws
    cp.create_domain(DomainName="taken", DefaultExpirationDays=3)
    body = {
        "Resources": {
            "First": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {"DomainName": "first", "DefaultExpirationDays": 3},
            },
            "Second": {
                "Type": "AWS::CustomerProfiles::Domain",
                "DependsOn": "First",
                "Properties": {"DomainName": "taken", "DefaultExpirationDays": 3},
            },
        }
    }
    cf.create_stack(StackName="bad", TemplateBody=json.dumps(body))
    stack = cf.describe_stacks(StackName="bad")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in cf.describe_stack_events(StackName="bad")["StackEvents"]
    ]
    assert any(
        "Resource of type 'AWS::CustomerProfiles::Domain' with identifier 'taken' already exists."
        in r
        and "AlreadyExists" in r
        for r in reasons
    )
    assert [d["DomainName"] for d in cp.list_domains()["Items"]] == ["taken"]
    assert cp.get_domain(DomainName="taken")["DefaultExpirationDays"] == 3


def test_unsupported_properties_and_attributes_are_refused(aws: Any) -> None:
    cf, cp = aws
    body = {
        "Resources": {
            "D": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {"DomainName": "d", "DefaultExpirationDays": 3, "Colour": "red"},
            }
        }
    }
    cf.create_stack(StackName="s1", TemplateBody=json.dumps(body))
    assert cf.describe_stacks(StackName="s1")["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    body = {
        "Resources": {
            "D": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {"DomainName": "d", "DefaultExpirationDays": "7"},
            }
        },
        "Outputs": {"X": {"Value": {"Fn::GetAtt": ["D", "Nope"]}}},
    }
    with pytest.raises(ClientError):
        cf.create_stack(StackName="s2", TemplateBody=json.dumps(body))
    del body["Outputs"]
    cf.create_stack(StackName="s3", TemplateBody=json.dumps(body))
    assert cp.get_domain(DomainName="d")["DefaultExpirationDays"] == 7  # "7" taken as a number


# --- IAM ----------------------------------------------------------------------------------


def _user_client(policy: dict[str, Any]) -> Any:
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="agent")
    key = iam.create_access_key(UserName="agent")["AccessKey"]
    iam.put_user_policy(UserName="agent", PolicyName="p", PolicyDocument=json.dumps(policy))
    return boto3.client(
        "customer-profiles",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["profile:CreateDomain", "profile:GetDomain", "profile:CreateProfile"],
            "Resource": f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/team-*",
        },
        {"Effect": "Allow", "Action": "profile:ListDomains", "Resource": "*"},
    ],
}


def _denied(call: Any, **kwargs: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    error = refused.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


@set_initial_no_auth_action_count(3)
@mock_aws
def test_iam_allows_and_denies_by_action_and_resource_arn() -> None:
    agent = _user_client(POLICY)  # the three IAM calls are the unauthenticated ones
    agent.create_domain(DomainName="team-a", DefaultExpirationDays=5)
    assert agent.get_domain(DomainName="team-a")["DefaultExpirationDays"] == 5
    assert [d["DomainName"] for d in agent.list_domains()["Items"]] == ["team-a"]
    agent.create_profile(DomainName="team-a", FirstName="Ana")

    # Denied by action: nothing changes.
    assert _denied(agent.delete_domain, DomainName="team-a") == ("AccessDeniedException", 403)
    assert _denied(agent.update_domain, DomainName="team-a", DefaultExpirationDays=9) == (
        "AccessDeniedException",
        403,
    )
    assert agent.get_domain(DomainName="team-a")["DefaultExpirationDays"] == 5
    # Denied by resource ARN: nothing is created.
    assert _denied(agent.create_domain, DomainName="other", DefaultExpirationDays=5) == (
        "AccessDeniedException",
        403,
    )
    assert [d["DomainName"] for d in agent.list_domains()["Items"]] == ["team-a"]
    # The message names the principal and the action, as moto's does.
    with pytest.raises(ClientError) as refused:
        agent.delete_domain(DomainName="team-a")
    assert refused.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/agent is not authorized to perform: "
        "profile:DeleteDomain"
    )


@set_initial_no_auth_action_count(3)
@mock_aws
def test_iam_checks_child_resource_arns() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "profile:*",
                "Resource": f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/d",
            },
            {
                "Effect": "Allow",
                "Action": "profile:*",
                "Resource": f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/d/object-types/Allowed",
            },
        ],
    }
    agent = _user_client(policy)
    agent.create_domain(DomainName="d", DefaultExpirationDays=5)
    kind = {"Description": "x", "TemplateId": "Salesforce-Account"}
    agent.put_profile_object_type(DomainName="d", ObjectTypeName="Allowed", **kind)
    assert _denied(
        agent.put_profile_object_type, DomainName="d", ObjectTypeName="Other", **kind
    ) == (
        "AccessDeniedException",
        403,
    )
    names = [t["ObjectTypeName"] for t in agent.list_profile_object_types(DomainName="d")["Items"]]
    assert names == ["Allowed"]


@set_initial_no_auth_action_count(0)
@mock_aws
def test_iam_refuses_an_unknown_access_key_and_changes_nothing() -> None:
    stranger = boto3.client(
        "customer-profiles",
        region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    assert _denied(stranger.create_domain, DomainName="d", DefaultExpirationDays=5) == (
        "InvalidClientTokenId",
        403,
    )
    from customerprofiles_mock.models import backend_for

    assert backend_for(ACCOUNT, REGION).domains == {}


def test_iam_is_off_by_default(aws: Any) -> None:
    _, cp = aws
    stranger = boto3.client(
        "customer-profiles",
        region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
    )
    stranger.create_domain(DomainName="d", DefaultExpirationDays=5)
    assert cp.get_domain(DomainName="d")["DomainName"] == "d"


# --- Resource Groups Tagging API -----------------------------------------------------------


def test_tagging_api_lists_and_filters_customer_profiles_resources(aws: Any) -> None:
    _, cp = aws
    cp.create_domain(DomainName="d", DefaultExpirationDays=5, Tags={"env": "test", "team": "cx"})
    cp.create_domain(DomainName="untagged", DefaultExpirationDays=5)
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Acct",
        Description="x",
        TemplateId="Salesforce-Account",
        Tags={"env": "prod"},
    )
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="other-bucket")
    s3.put_bucket_tagging(
        Bucket="other-bucket", Tagging={"TagSet": [{"Key": "env", "Value": "test"}]}
    )
    tagging = boto3.client("resourcegroupstaggingapi", region_name=REGION)
    base = f"arn:aws:profile:{REGION}:{ACCOUNT}:domains/d"

    def listed(**filters: Any) -> dict[str, dict[str, str]]:
        found = tagging.get_resources(**filters)["ResourceTagMappingList"]
        return {r["ResourceARN"]: {t["Key"]: t["Value"] for t in r["Tags"]} for r in found}

    everything = listed()
    assert everything[base] == {"env": "test", "team": "cx"}
    assert everything[f"{base}/object-types/Acct"] == {"env": "prod"}
    assert "arn:aws:s3:::other-bucket" in everything
    assert not any("untagged" in arn for arn in everything)
    assert listed(TagFilters=[{"Key": "env", "Values": ["prod"]}]) == {
        f"{base}/object-types/Acct": {"env": "prod"}
    }
    assert set(listed(ResourceTypeFilters=["profile"])) == {base, f"{base}/object-types/Acct"}
    assert set(listed(ResourceTypeFilters=["profile:domains"])) == {base}
    assert "cx" in tagging.get_tag_values(Key="team")["TagValues"]
    tagging.tag_resources(ResourceARNList=[base], Tags={"owner": "me"})
    assert cp.list_tags_for_resource(resourceArn=base)["tags"]["owner"] == "me"
    tagging.untag_resources(ResourceARNList=[base], TagKeys=["owner", "team"])
    assert cp.list_tags_for_resource(resourceArn=base)["tags"] == {"env": "test"}


# --- the same over the local endpoint ---------------------------------------------------------


def test_iam_and_cloudformation_over_the_local_endpoint() -> None:
    import os
    import subprocess
    import sys

    from .test_server import free_port, wait_until_serving

    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    process = subprocess.Popen(
        [sys.executable, "-m", "customerprofiles_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_until_serving(port, process)
        url = f"http://127.0.0.1:{port}"
        keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}
        iam = boto3.client("iam", region_name=REGION, endpoint_url=url, **keys)
        iam.create_user(UserName="agent")
        made = iam.create_access_key(UserName="agent")["AccessKey"]
        iam.put_user_policy(UserName="agent", PolicyName="p", PolicyDocument=json.dumps(POLICY))
        agent = boto3.client(
            "customer-profiles",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id=made["AccessKeyId"],
            aws_secret_access_key=made["SecretAccessKey"],
        )
        agent.create_domain(DomainName="team-x", DefaultExpirationDays=5)
        assert _denied(agent.delete_domain, DomainName="team-x") == ("AccessDeniedException", 403)
        assert agent.get_domain(DomainName="team-x")["DomainName"] == "team-x"
        stranger = boto3.client("customer-profiles", region_name=REGION, endpoint_url=url, **keys)
        assert _denied(stranger.list_domains) == ("InvalidClientTokenId", 403)
    finally:
        process.terminate()
        process.wait(timeout=10)


@requires_operations("PutDomainObjectType", "CreateRecommender")
def test_every_documented_attribute_resolves(aws: Any) -> None:
    """Each type's Fn::GetAtt attributes, as outputs, equal what the API reads back."""
    from customerprofiles_mock.cloudformation import MODELS

    cf, cp = aws
    body = template()
    logical = {
        resource["Type"]: name
        for name, resource in body["Resources"].items()
        if resource["Type"].startswith("AWS::CustomerProfiles::")
    }
    assert set(logical) == set(MODELS)  # the template has all nine types
    body["Outputs"] = {
        f"{logical[type_name]}{attribute.replace('.', '')}": {
            "Value": {"Fn::GetAtt": [logical[type_name], attribute]}
        }
        for type_name, model in MODELS.items()
        for attribute in sorted(model.TYPE.attributes)
    }
    cf.create_stack(StackName="attrs", TemplateBody=json.dumps(body))
    got = outputs(cf, "attrs")
    domain = cp.get_domain(DomainName=DOMAIN)
    assert got["DomainStatsProfileCount"] == str(domain["Stats"]["ProfileCount"])
    assert got["DomainCreatedAt"].startswith(domain["CreatedAt"].strftime("%Y-%m-%dT%H:%M"))
    stream = cp.get_event_stream(DomainName=DOMAIN, EventStreamName="export")
    assert got["ExportDestinationDetailsUri"] == stream["DestinationDetails"]["Uri"]
    assert got["ExportDestinationDetailsStatus"] == stream["DestinationDetails"]["Status"]
    spend = cp.get_calculated_attribute_definition(
        DomainName=DOMAIN, CalculatedAttributeName="spend"
    )
    assert got["SpendStatus"] == spend["Status"]
    assert (
        got["VipSegmentType"]
        == cp.get_segment_definition(DomainName=DOMAIN, SegmentDefinitionName="vip")["SegmentType"]
    )
    assert (
        got["PopularStatus"]
        == cp.get_recommender(DomainName=DOMAIN, RecommenderName="popular")["Status"]
    )
    for name in ("OrdersCreatedAt", "FeedCreatedAt", "BigOrderLastUpdatedAt", "CatalogCreatedAt"):
        assert got[name].endswith("Z"), name

"""Tags: one mechanism for every ARN type; create-time tags and TagResource are the same."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:profile:us-east-1:123456789012:domains/t"


def code_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return str(excinfo.value.response["Error"]["Code"])


@pytest.fixture
def cp(customerprofiles_client: Any) -> Any:
    customerprofiles_client.create_domain(DomainName="t", DefaultExpirationDays=30, Tags={"a": "1"})
    return customerprofiles_client


def test_create_time_tags_are_listed_and_merged(cp: Any) -> None:
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {"a": "1"}
    cp.tag_resource(resourceArn=ARN, tags={"a": "2", "b": "3"})
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {"a": "2", "b": "3"}
    assert cp.get_domain(DomainName="t")["Tags"] == {"a": "2", "b": "3"}
    assert cp.list_domains()["Items"][0]["Tags"] == {"a": "2", "b": "3"}


def test_untag_removes_keys(cp: Any) -> None:
    cp.tag_resource(resourceArn=ARN, tags={"b": "3"})
    cp.untag_resource(resourceArn=ARN, tagKeys=["a", "missing"])
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {"b": "3"}
    cp.untag_resource(resourceArn=ARN, tagKeys=["b"])
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {}


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:profile:us-east-1:123456789012:domains/nope",
        "arn:aws:profile:eu-west-2:123456789012:domains/t",
        "arn:aws:profile:us-east-1:999999999999:domains/t",
        "arn:aws:profile:us-east-1:123456789012:domains/t/object-types/none",
        "arn:aws:profile:us-east-1:123456789012:something",
    ],
)
def test_unknown_arn_is_not_found(cp: Any, arn: str) -> None:
    for call, kwargs in (
        (cp.list_tags_for_resource, {}),
        (cp.tag_resource, {"tags": {"x": "y"}}),
        (cp.untag_resource, {"tagKeys": ["x"]}),
    ):
        assert code_of(call, resourceArn=arn, **kwargs) == "ResourceNotFoundException"


def test_arn_outside_the_model_pattern_is_bad_request(cp: Any) -> None:
    assert (
        code_of(cp.list_tags_for_resource, resourceArn="arn:aws:s3:::bucket")
        == "BadRequestException"
    )


def test_more_than_fifty_tags_in_total_is_rejected(cp: Any) -> None:
    cp.tag_resource(resourceArn=ARN, tags={f"k{i}": "v" for i in range(49)})
    assert (
        code_of(cp.tag_resource, resourceArn=ARN, tags={"x": "1", "y": "2"})
        == "BadRequestException"
    )
    assert len(cp.list_tags_for_resource(resourceArn=ARN)["tags"]) == 50


def test_reserved_prefix_is_rejected(cp: Any) -> None:
    assert code_of(cp.tag_resource, resourceArn=ARN, tags={"aws:x": "1"}) == "BadRequestException"
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {"a": "1"}


def test_deleting_the_domain_drops_its_tags(cp: Any) -> None:
    cp.delete_domain(DomainName="t")
    assert code_of(cp.list_tags_for_resource, resourceArn=ARN) == "ResourceNotFoundException"
    cp.create_domain(DomainName="t", DefaultExpirationDays=30)
    assert cp.list_tags_for_resource(resourceArn=ARN)["tags"] == {}

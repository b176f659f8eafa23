"""Server-side validation: what botocore lets through must get AWS's 400, and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

BASE = {"DomainName": "v", "DefaultExpirationDays": 30}


def bad_request(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    response = excinfo.value.response
    assert response["Error"]["Code"] == "BadRequestException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Message"]


@pytest.mark.parametrize(
    ("overrides", "member", "constraint"),
    [
        ({"DomainName": "x" * 65}, "DomainName", "length less than or equal to 64"),
        ({"DomainName": "bad name!"}, "DomainName", "regular expression pattern"),
        ({"DefaultExpirationDays": 5000}, "DefaultExpirationDays", "less than or equal to 1098"),
        ({"DeadLetterQueueUrl": "h" * 256}, "DeadLetterQueueUrl", "less than or equal to 255"),
        (
            {
                "Matching": {
                    "Enabled": True,
                    "AutoMerging": {
                        "Enabled": True,
                        "ConflictResolution": {"ConflictResolvingModel": "LATEST"},
                    },
                }
            },
            "Matching.AutoMerging.ConflictResolution.ConflictResolvingModel",
            "enum value set",
        ),
        (
            {
                "Matching": {
                    "Enabled": True,
                    "JobSchedule": {"DayOfTheWeek": "MONDAY", "Time": "25:00"},
                }
            },
            "Matching.JobSchedule.Time",
            "regular expression pattern",
        ),
        (
            {
                "Matching": {
                    "Enabled": True,
                    "AutoMerging": {"Enabled": True, "MinAllowedConfidenceScoreForMerging": 1.5},
                }
            },
            "MinAllowedConfidenceScoreForMerging",
            "less than or equal to 1",
        ),
        ({"Tags": {"aws:reserved": "x"}}, "Tags.key", "regular expression pattern"),
        ({"Tags": {f"k{i}": "v" for i in range(51)}}, "Tags", "length less than or equal to 50"),
    ],
)
def test_create_domain_rejects_and_stores_nothing(
    customerprofiles_client: Any, overrides: dict[str, Any], member: str, constraint: str
) -> None:
    message = bad_request(customerprofiles_client.create_domain, **{**BASE, **overrides})
    assert member in message
    assert constraint in message
    assert customerprofiles_client.list_domains()["Items"] == []


def test_unsupported_rule_attribute(customerprofiles_client: Any) -> None:
    rules = {"Enabled": True, "MatchingRules": [{"Rule": ["ShoeSize"]}]}
    message = bad_request(customerprofiles_client.create_domain, **BASE, RuleBasedMatching=rules)
    assert "ShoeSize" in message
    assert customerprofiles_client.list_domains()["Items"] == []


def test_max_results_out_of_range(customerprofiles_client: Any) -> None:
    message = bad_request(customerprofiles_client.list_domains, MaxResults=1000)
    assert "MaxResults" in message and "less than or equal to 100" in message


def test_bad_update_changes_nothing(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(**BASE, DeadLetterQueueUrl="https://sqs/dlq")
    before = cp.get_domain(DomainName="v")
    bad_request(
        cp.update_domain,
        DomainName="v",
        DefaultExpirationDays=60,
        DeadLetterQueueUrl="",
        Matching={"Enabled": True, "JobSchedule": {"DayOfTheWeek": "FUNDAY", "Time": "01:00"}},
    )
    after = cp.get_domain(DomainName="v")
    for response in (before, after):
        response.pop("ResponseMetadata")
    assert after == before


def test_unknown_operation_route_is_a_modeled_error() -> None:
    from customerprofiles_mock.protocol.dispatch import handle

    status, headers, body = handle(
        "GET", "https://profile.us-east-1.amazonaws.com/nowhere", {}, b""
    )
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert b"nowhere" in body


def test_malformed_json_is_bad_request() -> None:
    from customerprofiles_mock.protocol.dispatch import handle

    url = "https://profile.us-east-1.amazonaws.com/domains/x"
    status, headers, body = handle("POST", url, {}, b"{not json")
    assert (status, headers["x-amzn-ErrorType"]) == (400, "BadRequestException")
    assert b"not valid JSON" in body


def test_empty_tags_map_means_no_tags(customerprofiles_client: Any) -> None:
    created = customerprofiles_client.create_domain(**BASE, Tags={})
    assert "Tags" not in created
    arn = "arn:aws:profile:us-east-1:123456789012:domains/v"
    assert customerprofiles_client.list_tags_for_resource(resourceArn=arn)["tags"] == {}


def test_a_model_operation_the_backend_lacks_names_itself(
    monkeypatch: pytest.MonkeyPatch, customerprofiles_client: Any
) -> None:
    """A newer botocore can add operations before the mock implements them: such a call
    gets a modeled 400 naming the operation, never a crash."""
    from customerprofiles_mock.models import CustomerProfilesBackend

    monkeypatch.setattr(CustomerProfilesBackend, "get_domain", None)
    message = bad_request(customerprofiles_client.get_domain, DomainName="d")
    assert message == "GetDomain is not implemented yet by customerprofiles_mock"

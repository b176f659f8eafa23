"""Domains: every member, statuses that move with time, and every error path."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

MATCHING = {
    "Enabled": True,
    "JobSchedule": {"DayOfTheWeek": "SUNDAY", "Time": "03:30"},
    "AutoMerging": {
        "Enabled": True,
        "Consolidation": {"MatchingAttributesList": [["EmailAddress"], ["FirstName", "LastName"]]},
        "ConflictResolution": {"ConflictResolvingModel": "SOURCE", "SourceName": "CTR"},
        "MinAllowedConfidenceScoreForMerging": 0.8,
    },
    "ExportingConfig": {"S3Exporting": {"S3BucketName": "my-bucket", "S3KeyName": "out/"}},
}
RULES = {
    "Enabled": True,
    "MatchingRules": [{"Rule": ["EmailAddress", "Attributes.loyaltyId"]}],
    "MaxAllowedRuleLevelForMerging": 1,
    "MaxAllowedRuleLevelForMatching": 1,
    "AttributeTypesSelector": {
        "AttributeMatchingModel": "ONE_TO_ONE",
        "EmailAddress": ["EmailAddress"],
    },
    "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
}


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_create_and_get_echo_every_member(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    created = cp.create_domain(
        DomainName="full",
        DefaultExpirationDays=30,
        DefaultEncryptionKey="arn:aws:kms:us-east-1:123456789012:key/k",
        DeadLetterQueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
        Matching=MATCHING,
        RuleBasedMatching=RULES,
        DataStore={"Enabled": True},
        Tags={"team": "crm"},
    )
    got = cp.get_domain(DomainName="full")
    for response in (created, got):
        assert response["DomainName"] == "full"
        assert response["DefaultExpirationDays"] == 30
        assert response["DefaultEncryptionKey"].endswith("key/k")
        assert response["DeadLetterQueueUrl"].endswith("/dlq")
        assert response["Matching"] == MATCHING
        assert response["RuleBasedMatching"]["MatchingRules"] == RULES["MatchingRules"]
        assert response["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
        assert response["DataStore"]["Enabled"] is True
        assert 0 <= response["DataStore"]["Readiness"]["ProgressPercentage"] <= 100
        assert response["Tags"] == {"team": "crm"}
    assert got["Stats"] == {
        "ProfileCount": 0,
        "MeteringProfileCount": 0,
        "ObjectCount": 0,
        "TotalSize": 0,
    }
    assert "Stats" not in created


def test_rule_based_matching_status_moves_with_time(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2025-01-01 00:00:00") as clock:
        cp.create_domain(DomainName="rules", DefaultExpirationDays=30, RuleBasedMatching=RULES)
        assert cp.get_domain(DomainName="rules")["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
        clock.tick(timedelta(minutes=11))
        assert cp.get_domain(DomainName="rules")["RuleBasedMatching"]["Status"] == "ACTIVE"
        same = cp.update_domain(DomainName="rules", RuleBasedMatching=RULES)
        assert same["RuleBasedMatching"]["Status"] == "ACTIVE"  # the same rules: no change
        clock.tick(timedelta(days=1))  # a change is allowed a day after ACTIVE
        changed = {**RULES, "MatchingRules": [{"Rule": ["EmailAddress"]}]}
        updated = cp.update_domain(DomainName="rules", RuleBasedMatching=changed)
        assert updated["RuleBasedMatching"]["Status"] == "PENDING"
        clock.tick(timedelta(hours=1, minutes=1))
        assert cp.get_domain(DomainName="rules")["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
        clock.tick(timedelta(minutes=10))
        assert cp.get_domain(DomainName="rules")["RuleBasedMatching"]["Status"] == "ACTIVE"


def test_data_store_readiness_grows_to_100(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2025-01-01 00:00:00") as clock:
        cp.create_domain(DomainName="ds", DefaultExpirationDays=30)
        assert "DataStore" not in cp.get_domain(DomainName="ds")
        cp.update_domain(DomainName="ds", DataStore={"Enabled": True})
        first = cp.get_domain(DomainName="ds")["DataStore"]["Readiness"]
        clock.tick(timedelta(minutes=5))
        middle = cp.get_domain(DomainName="ds")["DataStore"]["Readiness"]
        clock.tick(timedelta(minutes=10))
        done = cp.get_domain(DomainName="ds")["DataStore"]["Readiness"]
    assert first["ProgressPercentage"] == 0
    assert 0 < middle["ProgressPercentage"] < 100
    assert done["ProgressPercentage"] == 100
    assert (first["Message"], done["Message"]) == (
        "Data store is being prepared.",
        "Data store is ready.",
    )


def test_update_keeps_omitted_and_clears_empty(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(
        DomainName="u",
        DefaultExpirationDays=30,
        DefaultEncryptionKey="key",
        DeadLetterQueueUrl="https://sqs/dlq",
    )
    kept = cp.update_domain(DomainName="u", DefaultExpirationDays=60)
    assert kept["DefaultEncryptionKey"] == "key"
    assert kept["DeadLetterQueueUrl"] == "https://sqs/dlq"
    assert kept["DefaultExpirationDays"] == 60
    cleared = cp.update_domain(DomainName="u", DeadLetterQueueUrl="", DefaultEncryptionKey="")
    assert "DeadLetterQueueUrl" not in cleared
    assert "DefaultEncryptionKey" not in cleared
    assert "DeadLetterQueueUrl" not in cp.get_domain(DomainName="u")


def test_duplicate_create_is_bad_request(customerprofiles_client: Any) -> None:
    customerprofiles_client.create_domain(DomainName="dup", DefaultExpirationDays=30)
    with pytest.raises(ClientError) as excinfo:
        customerprofiles_client.create_domain(DomainName="dup", DefaultExpirationDays=99)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("BadRequestException", 400)
    assert "Domain dup already exists" in message
    assert customerprofiles_client.get_domain(DomainName="dup")["DefaultExpirationDays"] == 30


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("get_domain", {}),
        ("update_domain", {"DefaultExpirationDays": 5}),
        ("delete_domain", {}),
    ],
)
def test_unknown_domain_is_not_found(
    customerprofiles_client: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(customerprofiles_client, operation)(DomainName="ghost", **kwargs)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert "ghost" in message


def test_delete_removes_the_domain(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="gone", DefaultExpirationDays=30)
    assert "gone" in cp.delete_domain(DomainName="gone")["Message"]
    with pytest.raises(ClientError):
        cp.get_domain(DomainName="gone")
    assert cp.list_domains()["Items"] == []


def test_list_domains_pages_through_every_domain_once(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    names = [f"d{i:02d}" for i in range(7)]
    for name in names:
        cp.create_domain(DomainName=name, DefaultExpirationDays=30, Tags={"n": name})
    seen: list[str] = []
    token = None
    while True:
        page = cp.list_domains(MaxResults=3, **({"NextToken": token} if token else {}))
        assert len(page["Items"]) <= 3
        seen += [item["DomainName"] for item in page["Items"]]
        assert all(item["Tags"] == {"n": item["DomainName"]} for item in page["Items"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names


def test_invalid_next_token_is_bad_request(customerprofiles_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        customerprofiles_client.list_domains(NextToken="not-a-token")
    assert error_of(excinfo)[:2] == ("BadRequestException", 400)

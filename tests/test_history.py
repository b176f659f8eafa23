"""Profile history records for every kind of change, with filters and Content."""

from __future__ import annotations

import json
from typing import Any

from .conftest import error_code


def actions(cp: Any, profile_id: str, **filters: Any) -> list[str]:
    records = cp.list_profile_history_records(DomainName="d", ProfileId=profile_id, **filters)
    return [r["ActionType"] for r in records["ProfileHistoryRecords"]]


def test_every_change_is_recorded_newest_first(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d", FirstName="A")["ProfileId"]
    cp.update_profile(DomainName="d", ProfileId=profile_id, FirstName="B")
    cp.add_profile_key(DomainName="d", ProfileId=profile_id, KeyName="k", Values=["1"])
    cp.delete_profile_key(DomainName="d", ProfileId=profile_id, KeyName="k", Values=["1"])
    cp.add_profile_key(
        DomainName="d", ProfileId=profile_id, KeyName="_phone", Values=["+15550001111"]
    )
    cp.put_profile_object(  # CTR-NoInferred associates the record by phone
        DomainName="d",
        ObjectTypeName="CTR-NoInferred",
        Object=json.dumps({"ContactId": "c1", "CustomerEndpoint": {"Address": "+15550001111"}}),
    )
    other = cp.create_profile(DomainName="d")["ProfileId"]
    cp.merge_profiles(DomainName="d", MainProfileId=profile_id, ProfileIdsToBeMerged=[other])
    assert actions(cp, profile_id) == [
        "MERGED",
        "INGESTED",
        "ADDED_PROFILE_KEY",
        "DELETED_PROFILE_KEY",
        "ADDED_PROFILE_KEY",
        "UPDATED",
        "CREATED",
    ]
    assert actions(cp, other) == ["DELETED_BY_MERGE", "CREATED"]
    cp.delete_profile(DomainName="d", ProfileId=profile_id)
    assert actions(cp, profile_id)[0] == "DELETED_BY_CUSTOMER"


def test_filters_and_content(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d", FirstName="A")["ProfileId"]
    cp.update_profile(DomainName="d", ProfileId=profile_id, FirstName="B")
    assert actions(cp, profile_id, ActionType="UPDATED") == ["UPDATED"]
    assert actions(cp, profile_id, ObjectTypeName="_profile") == ["UPDATED", "CREATED"]
    assert actions(cp, profile_id, ObjectTypeName="CTR") == []
    records = cp.list_profile_history_records(DomainName="d", ProfileId=profile_id)
    performer = records["ProfileHistoryRecords"][0]["PerformedBy"]
    assert actions(cp, profile_id, PerformedBy=performer) == ["UPDATED", "CREATED"]
    newest = records["ProfileHistoryRecords"][0]
    full = cp.get_profile_history_record(DomainName="d", ProfileId=profile_id, Id=newest["Id"])
    assert json.loads(full["Content"])["FirstName"] == "B"
    assert full["ActionType"] == "UPDATED" and full["CreatedAt"] == newest["CreatedAt"]
    page = cp.list_profile_history_records(DomainName="d", ProfileId=profile_id, MaxResults=1)
    assert len(page["ProfileHistoryRecords"]) == 1 and page["NextToken"]
    rest = cp.list_profile_history_records(
        DomainName="d", ProfileId=profile_id, MaxResults=1, NextToken=page["NextToken"]
    )
    assert rest["ProfileHistoryRecords"][0]["ActionType"] == "CREATED"


def test_unknown_profile_or_record(cp: Any) -> None:
    profile_id = cp.create_profile(DomainName="d")["ProfileId"]
    assert error_code(cp.list_profile_history_records, DomainName="d", ProfileId="1" * 32)[0] == (
        "ResourceNotFoundException"
    )
    assert (
        error_code(
            cp.get_profile_history_record, DomainName="d", ProfileId=profile_id, Id="2" * 32
        )[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_code(
            cp.list_profile_history_records,
            DomainName="d",
            ProfileId=profile_id,
            ActionType="EATEN",
        )[0]
        == "BadRequestException"
    )

"""Integration workflows and upload jobs through boto3, on the mock's clock."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from freezegun import freeze_time
from moto import mock_aws

from .conftest import error_code
from .test_calculated_attributes import order_type
from .test_integrations import FLOW

ROLE = "arn:aws:iam::123456789012:role/appflow"


def workflow(cp: Any, flow: dict[str, Any] = FLOW, batches: int = 0) -> str:
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    config: dict[str, Any] = {"FlowDefinition": flow}
    if batches:
        config["Batches"] = [
            {"StartTime": start + timedelta(days=n), "EndTime": start + timedelta(days=n + 1)}
            for n in range(batches)
        ]
    return str(
        cp.create_integration_workflow(
            DomainName="d",
            WorkflowType="APPFLOW_INTEGRATION",
            IntegrationConfig={"AppflowIntegration": config},
            ObjectTypeName="Order",
            RoleArn=ROLE,
        )["WorkflowId"]
    )


def test_workflow_runs_one_step_per_batch_on_the_clock(cp: Any) -> None:
    from customerprofiles_mock import timing

    order_type(cp)
    with freeze_time("2026-01-01") as clock:
        workflow_id = workflow(cp, batches=3)
        assert len(workflow_id) == 32 and int(workflow_id, 16) >= 0
        got = cp.get_workflow(DomainName="d", WorkflowId=workflow_id)
        assert got["Status"] == "NOT_STARTED"
        assert got["Attributes"]["AppflowIntegration"] == {
            "SourceConnectorType": "Salesforce",
            "ConnectorProfileName": "sf",
            "RoleArn": ROLE,
        }
        assert got["Metrics"]["AppflowIntegration"] == {
            "RecordsProcessed": 0,
            "StepsCompleted": 0,
            "TotalSteps": 3,
        }
        clock.tick(
            timedelta(seconds=timing.WORKFLOW_START.total + timing.WORKFLOW_STEP.total + 0.5)
        )
        middle = cp.get_workflow(DomainName="d", WorkflowId=workflow_id)
        assert (middle["Status"], middle["Metrics"]["AppflowIntegration"]["StepsCompleted"]) == (
            "IN_PROGRESS",
            1,
        )
        steps = cp.get_workflow_steps(DomainName="d", WorkflowId=workflow_id, MaxResults=2)
        rest = cp.get_workflow_steps(
            DomainName="d", WorkflowId=workflow_id, NextToken=steps["NextToken"]
        )
        states = [s["AppflowIntegration"]["Status"] for s in steps["Items"] + rest["Items"]]
        assert states == ["COMPLETE", "IN_PROGRESS", "NOT_STARTED"]
        assert steps["Items"][0]["AppflowIntegration"]["BatchRecordsStartTime"].startswith(
            "2025-01-01"
        )
        clock.tick(timedelta(minutes=1))
        done = cp.get_workflow(DomainName="d", WorkflowId=workflow_id)
        assert (done["Status"], done["Metrics"]["AppflowIntegration"]["StepsCompleted"]) == (
            "COMPLETE",
            3,
        )


def test_workflow_listing_filters_and_delete(cp: Any) -> None:
    order_type(cp)
    with freeze_time("2026-01-01") as clock:
        first = workflow(cp)
        clock.tick(timedelta(days=2))
        second_flow = {**FLOW, "FlowName": "second"}
        second = workflow(cp, second_flow)
        everything = cp.list_workflows(DomainName="d")["Items"]
        assert [(w["WorkflowId"], w["Status"]) for w in everything] == [
            (first, "COMPLETE"),
            (second, "NOT_STARTED"),
        ]
        assert [
            w["WorkflowId"] for w in cp.list_workflows(DomainName="d", Status="COMPLETE")["Items"]
        ] == [first]
        recent = cp.list_workflows(
            DomainName="d", QueryStartDate=datetime(2026, 1, 2, tzinfo=timezone.utc)
        )["Items"]
        assert [w["WorkflowId"] for w in recent] == [second]
        assert cp.list_workflows(DomainName="d", WorkflowType="APPFLOW_INTEGRATION", MaxResults=1)[
            "NextToken"
        ]
    cp.delete_workflow(DomainName="d", WorkflowId=first)
    assert (
        error_code(cp.get_workflow, DomainName="d", WorkflowId=first)[0]
        == "ResourceNotFoundException"
    )
    assert (
        error_code(cp.delete_workflow, DomainName="d", WorkflowId=first)[0]
        == "ResourceNotFoundException"
    )
    assert len(cp.list_integrations(DomainName="d", IncludeHidden=True)["Items"]) == 1


def test_workflow_validation(cp: Any) -> None:
    order_type(cp)
    wrong_source = copy.deepcopy(FLOW)
    wrong_source["SourceFlowConfig"]["SourceConnectorProperties"] = {"Marketo": {"Object": "x"}}
    cases = [
        (lambda: workflow(cp, wrong_source), "Salesforce"),
        (lambda: workflow(cp, {**FLOW, "Tasks": []}), "task"),
        (
            lambda: cp.create_integration_workflow(
                DomainName="d",
                WorkflowType="APPFLOW_INTEGRATION",
                IntegrationConfig={"AppflowIntegration": {"FlowDefinition": FLOW}},
                ObjectTypeName="Nope",
                RoleArn=ROLE,
            ),
            "Nope",
        ),
    ]
    for call, says in cases:
        code, _, message = error_code(call)
        assert code == "BadRequestException" and says in message
    workflow(cp)
    code, _, message = error_code(lambda: workflow(cp))
    assert message == "Flow with name sf-contacts already exists."
    assert len(cp.list_workflows(DomainName="d")["Items"]) == 1


# -- upload jobs --------------------------------------------------------------------------
FIELDS = {
    "email": {
        "Source": "_source.email",
        "Target": "_profile.EmailAddress",
        "ContentType": "EMAIL_ADDRESS",
    },
    "first": {"Source": "_source.first_name", "Target": "_profile.FirstName"},
    "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
    "tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"},
}
CSV = (
    b"email,first_name,city,tier\n"
    b"ana@x.io,Ana,Lisbon,gold\nbo@x.io,Bo,Oslo,silver\n"
    b",NoEmail,Rome,x\nANA@x.io,Ana Maria,Porto,gold\n"
)


def job(cp: Any, **extra: Any) -> str:
    return str(
        cp.create_upload_job(
            DomainName="d", DisplayName="import", Fields=FIELDS, UniqueKey="email", **extra
        )["JobId"]
    )


def test_the_five_step_upload_in_process(cp: Any) -> None:
    existing = cp.create_profile(DomainName="d", EmailAddress="bo@x.io", LastName="Berg")[
        "ProfileId"
    ]
    with freeze_time("2026-01-01") as clock:
        job_id = job(cp)
        assert cp.get_upload_job(DomainName="d", JobId=job_id)["Status"] == "CREATED"
        path = cp.get_upload_job_path(DomainName="d", JobId=job_id)
        assert path["Url"].startswith("https://") and path["ClientToken"] in path["Url"]
        assert path["ValidUntil"] == datetime(2026, 1, 1, 1, tzinfo=timezone.utc)
        assert requests.put(path["Url"], data=CSV, timeout=5).status_code == 200
        cp.start_upload_job(DomainName="d", JobId=job_id)
        running = cp.get_upload_job(DomainName="d", JobId=job_id)
        assert running["Status"] == "IN_PROGRESS" and "ResultsSummary" not in running
        clock.tick(timedelta(minutes=1))  # an upload job takes seconds
        done = cp.get_upload_job(DomainName="d", JobId=job_id)
        assert done["Status"] == "PARTIALLY_SUCCEEDED"
        assert done["ResultsSummary"] == {
            "CreatedRecords": 1,
            "UpdatedRecords": 2,  # bo's existing profile (by _email), and ana's second row
            "FailedRecords": 1,
        }
        assert done["CompletedAt"] and done["DataExpiry"] == 14 and done["UniqueKey"] == "email"
        [ana] = cp.search_profiles(DomainName="d", KeyName="_email", Values=["ana@x.io"])["Items"]
        assert (ana["FirstName"], ana["Address"]["City"], ana["Attributes"]) == (
            "Ana Maria",
            "Porto",
            {"tier": "gold"},
        )
        found = cp.search_profiles(DomainName="d", KeyName="email", Values=["ana@x.io"])["Items"]
        assert [p["ProfileId"] for p in found] == [ana["ProfileId"]]
        [bo] = cp.batch_get_profile(DomainName="d", ProfileIds=[existing])["Profiles"]
        assert (bo["FirstName"], bo["LastName"], bo["Address"]["City"]) == ("Bo", "Berg", "Oslo")


def test_upload_into_an_existing_profile_and_expiry(cp: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        job_id = job(cp, DataExpiry=3)
        url = cp.get_upload_job_path(DomainName="d", JobId=job_id)["Url"]
        requests.put(url, data=b"email,first_name\nzed@x.io,Zed\n", timeout=5)
        cp.start_upload_job(DomainName="d", JobId=job_id)
        assert (
            len(cp.search_profiles(DomainName="d", KeyName="_email", Values=["zed@x.io"])["Items"])
            == 1
        )
        clock.tick(timedelta(days=3, hours=1))
        assert (
            cp.search_profiles(DomainName="d", KeyName="_email", Values=["zed@x.io"])["Items"] == []
        )


def test_upload_job_failures_stop_and_listing(cp: Any, jobs_finish_now: None) -> None:
    empty = job(cp)
    cp.start_upload_job(DomainName="d", JobId=empty)
    got = cp.get_upload_job(DomainName="d", JobId=empty)
    assert (got["Status"], got["StatusReason"]) == ("FAILED", "VALIDATION_FAILURE")
    stopped = job(cp)
    cp.stop_upload_job(DomainName="d", JobId=stopped)
    assert cp.get_upload_job(DomainName="d", JobId=stopped)["Status"] == "STOPPED"
    assert (
        error_code(cp.start_upload_job, DomainName="d", JobId=stopped)[0] == "BadRequestException"
    )
    assert error_code(cp.stop_upload_job, DomainName="d", JobId=empty)[0] == "BadRequestException"
    listed = cp.list_upload_jobs(DomainName="d", MaxResults=1)
    rest = cp.list_upload_jobs(DomainName="d", NextToken=listed["NextToken"], MaxResults=500)
    items = listed["Items"] + rest["Items"]
    assert [i["JobId"] for i in items] == [empty, stopped]
    assert "Fields" not in items[0] and "ResultsSummary" not in items[0]
    assert error_code(cp.get_upload_job, DomainName="d", JobId="0" * 32)[:2] == (
        "ResourceNotFoundException",
        404,
    )
    assert (
        error_code(cp.start_upload_job, DomainName="d", JobId="nope")[0]
        == "ResourceNotFoundException"
    )
    code, _, message = error_code(
        cp.create_upload_job, DomainName="d", DisplayName="x", Fields=FIELDS, UniqueKey="phone"
    )
    assert code == "BadRequestException" and "UniqueKey" in message


def test_upload_with_a_wrong_token_is_refused(cp: Any) -> None:
    job_id = job(cp)
    url = cp.get_upload_job_path(DomainName="d", JobId=job_id)["Url"]
    answer = requests.put(url.split("?")[0] + "?token=wrong", data=CSV, timeout=5)
    assert answer.status_code == 400 and "token" in answer.json()["Message"]


def test_requests_to_other_hosts_are_refused_while_the_mock_is_on() -> None:
    from customerprofiles_mock import mock_customerprofiles

    with mock_customerprofiles(), pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://example.com/", timeout=5)


def test_upload_under_mock_aws() -> None:
    with mock_aws():
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        job_id = job(cp)
        url = cp.get_upload_job_path(DomainName="d", JobId=job_id)["Url"]
        assert requests.put(url, data=CSV, timeout=5).status_code == 200
        cp.start_upload_job(DomainName="d", JobId=job_id)
        assert (
            len(cp.search_profiles(DomainName="d", KeyName="_email", Values=["bo@x.io"])["Items"])
            == 1
        )

"""Fitting the Python AWS testing tools users already have: aiobotocore, ``async with``,
request ids, and the typed fixtures."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

import customerprofiles_mock
from customerprofiles_mock import MockBackends, mock_customerprofiles

ORDER_TYPE: dict[str, Any] = {
    "DomainName": "d",
    "ObjectTypeName": "Order",
    "Description": "orders",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    },
    "Keys": {
        "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}


async def aio_session_flow() -> None:
    """What an aiobotocore user does: every call awaited, errors as ClientError."""
    from aiobotocore.session import get_session

    session = get_session()
    async with session.create_client("customer-profiles", region_name="us-east-1") as cp:
        await cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        await cp.put_profile_object_type(**ORDER_TYPE)
        for n in range(3):
            await cp.create_profile(
                DomainName="d", EmailAddress="same@example.com", FirstName=str(n)
            )
        await cp.put_profile_object(
            DomainName="d",
            ObjectTypeName="Order",
            Object=json.dumps({"id": "o1", "email": "new@example.com"}),
        )
        found = await cp.search_profiles(
            DomainName="d", KeyName="_email", Values=["new@example.com"]
        )
        assert len(found["Items"]) == 1
        assert found["ResponseMetadata"]["RequestId"]
        first = await cp.search_profiles(
            DomainName="d", KeyName="_email", Values=["same@example.com"], MaxResults=2
        )
        rest = await cp.search_profiles(
            DomainName="d",
            KeyName="_email",
            Values=["same@example.com"],
            NextToken=first["NextToken"],
        )
        names = [p["FirstName"] for p in first["Items"] + rest["Items"]]
        assert names == ["0", "1", "2"]
        with pytest.raises(ClientError) as missing:
            await cp.get_domain(DomainName="absent")
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert missing.value.response["ResponseMetadata"]["RequestId"]


aio = pytest.mark.skipif(
    importlib.util.find_spec("aiobotocore") is None,
    reason="aiobotocore is not installed (.ci/run installs it in an environment of its own)",
)


@aio
async def test_aiobotocore_in_process() -> None:
    with mock_customerprofiles():
        await aio_session_flow()


@aio
async def test_aiobotocore_inside_mock_aws() -> None:
    with mock_aws():
        await aio_session_flow()
        # moto's own services keep answering boto3 beside it
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="beside")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["beside"]


@aio
async def test_aiobotocore_with_async_with() -> None:
    async with mock_customerprofiles():
        await aio_session_flow()


async def test_async_with_serves_boto3() -> None:
    async with mock_customerprofiles() as active:
        assert isinstance(active, customerprofiles_mock.MockCustomerProfiles)
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="a", DefaultExpirationDays=1)
        assert [d["DomainName"] for d in cp.list_domains()["Items"]] == ["a"]
    async with mock_customerprofiles():  # each activation starts empty
        assert (
            boto3.client("customer-profiles", region_name="us-east-1").list_domains()["Items"] == []
        )


def test_request_ids_in_process(customerprofiles_client: Any) -> None:
    ok = customerprofiles_client.list_domains()["ResponseMetadata"]["RequestId"]
    with pytest.raises(ClientError) as missing:
        customerprofiles_client.get_domain(DomainName="absent")
    failed = missing.value.response["ResponseMetadata"]["RequestId"]
    assert len(ok) == 36 and len(failed) == 36 and ok != failed
    again = customerprofiles_client.list_domains()["ResponseMetadata"]["RequestId"]
    assert again != ok


def test_request_ids_under_mock_aws() -> None:
    with mock_aws():
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        assert cp.list_domains()["ResponseMetadata"]["RequestId"]


def test_fixture_handle_is_public(customerprofiles_mock: MockBackends) -> None:
    assert isinstance(customerprofiles_mock, MockBackends)
    assert customerprofiles_mock.backend().domains == {}


TYPED_USE = """
from customerprofiles_mock.pytest_plugin import new_client

client = new_client()
reveal_type(client)
client.create_domain(DomainName="d", DefaultExpirationDays="thirty")
"""


@pytest.mark.skipif(
    importlib.util.find_spec("types_boto3_customer_profiles") is None
    or importlib.util.find_spec("mypy") is None,
    reason="needs mypy and the types-boto3 stubs (pip install 'customerprofiles_mock[types]')",
)
def test_fixture_client_is_typed_for_mypy(tmp_path: Path) -> None:
    """The client the fixture returns is types-boto3's CustomerProfilesClient, so mypy
    checks calls on it; the plugin module itself type-checks with the stubs too."""
    snippet = tmp_path / "use.py"
    snippet.write_text(TYPED_USE)
    plugin = Path(customerprofiles_mock.__file__).parent / "pytest_plugin.py"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(snippet), str(plugin)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert 'Revealed type is "types_boto3_customer_profiles.client.CustomerProfilesClient"' in (
        done.stdout
    ), done.stdout
    assert 'Argument "DefaultExpirationDays"' in done.stdout, done.stdout
    assert "pytest_plugin.py" not in done.stdout, done.stdout

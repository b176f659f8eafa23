"""Every way of switching the mock on, tested through boto3 as users call it."""

from __future__ import annotations

import socket
import unittest
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from moto import mock_aws

from customerprofiles_mock import MockCustomerProfiles, NetworkBlockedError, mock_customerprofiles


def client(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("customer-profiles", region_name=region, **kwargs)


def domain_names(cp: Any) -> list[str]:
    return [d["DomainName"] for d in cp.list_domains()["Items"]]


@mock_customerprofiles
def test_decorator_on_function() -> None:
    cp = client()
    cp.create_domain(DomainName="d", DefaultExpirationDays=10)
    assert domain_names(cp) == ["d"]


@mock_customerprofiles()
def test_decorator_with_parentheses() -> None:
    assert domain_names(client()) == []


@mock_customerprofiles
async def test_decorator_on_async_function() -> None:
    cp = client()
    cp.create_domain(DomainName="async", DefaultExpirationDays=10)
    assert domain_names(cp) == ["async"]


@mock_customerprofiles
class TestDecoratedPlainClass:
    def setup_method(self, method: Any) -> None:
        client().create_domain(DomainName="from-setup", DefaultExpirationDays=10)

    def test_setup_state_is_visible(self) -> None:
        assert domain_names(client()) == ["from-setup"]

    def test_each_test_starts_from_setup_only(self) -> None:
        client().create_domain(DomainName="extra", DefaultExpirationDays=10)
        assert sorted(domain_names(client())) == ["extra", "from-setup"]


@mock_customerprofiles
class TestDecoratedUnittestClass(unittest.TestCase):
    def setUp(self) -> None:
        client().create_domain(DomainName="unit", DefaultExpirationDays=10)

    def test_setup_state_is_visible(self) -> None:
        self.assertEqual(domain_names(client()), ["unit"])


def test_context_manager_and_empty_start() -> None:
    with mock_customerprofiles():
        client().create_domain(DomainName="d", DefaultExpirationDays=10)
    with mock_customerprofiles():
        assert domain_names(client()) == []


def test_start_stop() -> None:
    active = MockCustomerProfiles()
    active.start()
    try:
        client().create_domain(DomainName="d", DefaultExpirationDays=10)
        assert domain_names(client()) == ["d"]
    finally:
        active.stop()
    with pytest.raises(RuntimeError):
        active.stop()


def test_nesting_keeps_outer_state() -> None:
    with mock_customerprofiles():
        client().create_domain(DomainName="outer", DefaultExpirationDays=10)
        with mock_customerprofiles():
            assert domain_names(client()) == ["outer"]
        assert domain_names(client()) == ["outer"]


def test_fixture_handle_sees_state(customerprofiles_mock: Any) -> None:
    client().create_domain(DomainName="seen", DefaultExpirationDays=10)
    assert "seen" in customerprofiles_mock.backend().domains


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")


def test_client_fixture_uses_default_region(
    london: None, customerprofiles_client: Any, customerprofiles_mock: Any
) -> None:
    assert customerprofiles_client.meta.region_name == "eu-west-2"
    customerprofiles_client.create_domain(DomainName="ldn", DefaultExpirationDays=1)
    assert "ldn" in customerprofiles_mock.backend("eu-west-2").domains
    assert "ldn" not in customerprofiles_mock.backend("us-east-1").domains


def test_client_fixture(customerprofiles_client: Any, customerprofiles_mock: Any) -> None:
    customerprofiles_client.create_domain(DomainName="f", DefaultExpirationDays=10)
    assert customerprofiles_client.meta.region_name == "us-east-1"
    assert "f" in customerprofiles_mock.backend("us-east-1").domains


def test_client_created_before_the_mock_is_intercepted() -> None:
    early = client(aws_access_key_id="a", aws_secret_access_key="b")
    with mock_customerprofiles():
        early.create_domain(DomainName="early", DefaultExpirationDays=10)
        assert domain_names(early) == ["early"]


def test_works_without_any_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with mock_customerprofiles():
        cp = client()
        cp.create_domain(DomainName="nocreds", DefaultExpirationDays=10)
        assert domain_names(cp) == ["nocreds"]


def test_no_network_connection_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with mock_customerprofiles():
        cp = client()
        cp.create_domain(DomainName="offline", DefaultExpirationDays=10)
        with pytest.raises(ClientError):
            cp.get_domain(DomainName="missing")


def test_other_services_are_blocked_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    with mock_customerprofiles():
        s3 = boto3.client("s3", region_name="us-east-1")
        with pytest.raises(NetworkBlockedError, match="s3"):
            s3.list_buckets()


def test_region_isolation() -> None:
    with mock_customerprofiles():
        client("us-east-1").create_domain(DomainName="east", DefaultExpirationDays=10)
        assert domain_names(client("eu-west-1")) == []
        assert domain_names(client("us-east-1")) == ["east"]


@pytest.mark.parametrize("order", ["ours-outside", "moto-outside"])
def test_composes_with_mock_aws(order: str) -> None:
    outer, inner = (
        (mock_customerprofiles(), mock_aws())
        if order == "ours-outside"
        else (mock_aws(), mock_customerprofiles())
    )
    with outer, inner:
        cp = client()
        cp.create_domain(DomainName="both", DefaultExpirationDays=10)
        assert domain_names(cp) == ["both"]
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bucket"]


@mock_aws
def test_mock_aws_alone_serves_customer_profiles() -> None:
    cp = client()
    cp.create_domain(DomainName="moto-only", DefaultExpirationDays=10)
    assert domain_names(cp) == ["moto-only"]
    with pytest.raises(ClientError) as error:
        cp.get_domain(DomainName="nope")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


@mock_aws
def test_account_follows_assumed_role_credentials() -> None:
    creds = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn="arn:aws:iam::111111111111:role/tester", RoleSessionName="session"
    )["Credentials"]
    other = client(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    default = client()
    other.create_domain(DomainName="theirs", DefaultExpirationDays=10)
    default.create_domain(DomainName="ours", DefaultExpirationDays=10)
    assert domain_names(other) == ["theirs"]
    assert domain_names(default) == ["ours"]
    arn = "arn:aws:profile:us-east-1:111111111111:domains/theirs"
    assert other.list_tags_for_resource(resourceArn=arn)["tags"] == {}


def test_freezegun_sets_timestamps_exactly() -> None:
    frozen = datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    with mock_customerprofiles(), freeze_time("2024-02-03 04:05:06") as clock:
        cp = client()
        created = cp.create_domain(DomainName="t", DefaultExpirationDays=10)
        assert created["CreatedAt"] == frozen
        assert created["LastUpdatedAt"] == frozen
        clock.tick(timedelta(hours=2))
        updated = cp.update_domain(DomainName="t", DefaultExpirationDays=20)
        assert updated["CreatedAt"] == frozen
        assert updated["LastUpdatedAt"] == frozen + timedelta(hours=2)


def test_inner_mock_keeps_state_of_an_outer_mock_aws() -> None:
    with mock_aws():
        client().create_domain(DomainName="outer", DefaultExpirationDays=10)
        with mock_customerprofiles():
            assert domain_names(client()) == ["outer"]
            client().create_domain(DomainName="inner", DefaultExpirationDays=10)
        assert sorted(domain_names(client())) == ["inner", "outer"]
    with mock_aws():
        assert domain_names(client()) == []


def test_customer_profiles_is_the_first_url_pattern_moto_tries() -> None:
    """Under mock_aws moto matches every request against its URL patterns in order."""
    import moto.backend_index as backend_index

    import customerprofiles_mock  # noqa: F401

    assert backend_index.backend_url_patterns[0][0] == "customerprofiles"

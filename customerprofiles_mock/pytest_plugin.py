"""pytest fixtures, registered through the ``pytest11`` entry point."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from .activation import MockCustomerProfiles
from .models import CustomerProfilesBackend, backend_for, customerprofiles_backends


class BackendsHandle:
    """Introspection of the mock's state while a test runs."""

    def __init__(self) -> None:
        self.backends = customerprofiles_backends

    def backend(
        self, region: str | None = None, account_id: str | None = None
    ) -> CustomerProfilesBackend:
        from moto.core import DEFAULT_ACCOUNT_ID

        return backend_for(account_id or DEFAULT_ACCOUNT_ID, region or _default_region())


def _default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


@pytest.fixture
def customerprofiles_mock() -> Iterator[BackendsHandle]:
    """Activate the mock for one test; yields a handle on the backends."""
    with MockCustomerProfiles():
        yield BackendsHandle()


@pytest.fixture
def customerprofiles_client(customerprofiles_mock: BackendsHandle) -> Any:
    """A boto3 ``customer-profiles`` client inside the mock."""
    import boto3

    return boto3.client("customer-profiles", region_name=_default_region())

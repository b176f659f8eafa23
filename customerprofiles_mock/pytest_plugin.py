"""pytest fixtures, registered through the ``pytest11`` entry point.

``customerprofiles_client`` is typed as types-boto3's ``CustomerProfilesClient`` for type
checkers; the stubs are optional (``pip install 'customerprofiles_mock[types]'``) and
never imported at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .activation import MockCustomerProfiles
from .state import MockBackends, default_region

if TYPE_CHECKING:
    from types_boto3_customer_profiles.client import CustomerProfilesClient


def new_client(region: str | None = None) -> CustomerProfilesClient:
    """A boto3 ``customer-profiles`` client in ``region`` (default: ``AWS_DEFAULT_REGION``)."""
    import boto3

    return boto3.client("customer-profiles", region_name=region or default_region())


@pytest.fixture
def customerprofiles_mock() -> Iterator[MockBackends]:
    """Activate the mock for one test; yields a handle on the backends."""
    with MockCustomerProfiles():
        yield MockBackends()


@pytest.fixture
def customerprofiles_client(customerprofiles_mock: MockBackends) -> CustomerProfilesClient:
    """A boto3 ``customer-profiles`` client inside the mock."""
    return new_client()

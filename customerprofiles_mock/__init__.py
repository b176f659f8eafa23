"""customerprofiles_mock: an in-process mock of Amazon Connect Customer Profiles.

Importing the package installs one botocore ``before-send`` handler (inactive until the
mock is started) and registers the service with moto, so ``moto.mock_aws`` serves it too.
"""

from __future__ import annotations

from .activation import MockCustomerProfiles, NetworkBlockedError, mock_customerprofiles
from .effects import Outbox
from .exceptions import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ResourceNotFoundException,
    ThrottlingException,
)
from .models import CustomerProfilesBackend, customerprofiles_backends
from .state import MockBackends

__version__ = "0.2.0"


def outbox(region: str | None = None, account_id: str | None = None) -> Outbox:
    """What the mock sent to S3, Kinesis and SQS in one account and region.

    Kept whether or not ``moto.mock_aws`` is active (under it, the same effects also land
    in moto's services). Defaults: ``AWS_DEFAULT_REGION`` (else us-east-1), moto's
    default account.
    """
    return MockBackends().outbox(region, account_id)


__all__ = [
    "AccessDeniedException",
    "BadRequestException",
    "CustomerProfilesBackend",
    "InternalServerException",
    "MockBackends",
    "MockCustomerProfiles",
    "NetworkBlockedError",
    "Outbox",
    "ResourceNotFoundException",
    "ThrottlingException",
    "__version__",
    "customerprofiles_backends",
    "mock_customerprofiles",
    "outbox",
]

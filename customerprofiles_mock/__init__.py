"""customerprofiles_mock: an in-process mock of Amazon Connect Customer Profiles.

Importing the package installs one botocore ``before-send`` handler (inactive until the
mock is started) and registers the service with moto, so ``moto.mock_aws`` serves it too.
"""

from __future__ import annotations

from .activation import MockCustomerProfiles, NetworkBlockedError, mock_customerprofiles
from .exceptions import (
    AccessDeniedException,
    BadRequestException,
    InternalServerException,
    ResourceNotFoundException,
    ThrottlingException,
)
from .models import CustomerProfilesBackend, customerprofiles_backends
from .state import MockBackends

__version__ = "0.1.0"

__all__ = [
    "AccessDeniedException",
    "BadRequestException",
    "CustomerProfilesBackend",
    "InternalServerException",
    "MockBackends",
    "MockCustomerProfiles",
    "NetworkBlockedError",
    "ResourceNotFoundException",
    "ThrottlingException",
    "__version__",
    "customerprofiles_backends",
    "mock_customerprofiles",
]

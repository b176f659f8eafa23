"""One regional backend composed from one mixin per resource family.

Each family module owns its operations and its records; the composed class is what
moto's ``BackendDict`` instantiates per account and region.
"""

from __future__ import annotations

from moto.core.base_backend import BackendDict

from .base import CoreBackend
from .domains import DomainsMixin
from .tagging import TaggingMixin


class CustomerProfilesBackend(DomainsMixin, TaggingMixin, CoreBackend):
    """All Customer Profiles state of one account in one region."""


customerprofiles_backends: BackendDict[CustomerProfilesBackend] = BackendDict(
    CustomerProfilesBackend, "customer-profiles"
)

__all__ = ["CustomerProfilesBackend", "customerprofiles_backends"]

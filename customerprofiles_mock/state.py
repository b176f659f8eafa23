"""A handle on the mock's state, for tests that want to look inside (no pytest needed)."""

from __future__ import annotations

import os

from .models import CustomerProfilesBackend, backend_for, customerprofiles_backends


class MockBackends:
    """What the ``customerprofiles_mock`` fixture yields: the mock's state while a test runs."""

    def __init__(self) -> None:
        self.backends = customerprofiles_backends

    def backend(
        self, region: str | None = None, account_id: str | None = None
    ) -> CustomerProfilesBackend:
        """One account's state in one region (default account, default region)."""
        from moto.core import DEFAULT_ACCOUNT_ID

        return backend_for(account_id or DEFAULT_ACCOUNT_ID, region or default_region())


#: The name this type had before it was public.
BackendsHandle = MockBackends


def default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

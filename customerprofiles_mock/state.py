"""A handle on the mock's state, for tests that want to look inside (no pytest needed)."""

from __future__ import annotations

import os

from .effects import Outbox
from .models import CustomerProfilesBackend, backend_for, customerprofiles_backends


class MockBackends:
    """What the ``customerprofiles_mock`` fixture yields: the mock's state while a test runs.

    Inside a test the fixture's name hides the module of the same name, so this handle
    carries what a test would otherwise reach for on the module: ``outbox()``,
    ``reset()`` and the backends.
    """

    def __init__(self) -> None:
        self.backends = customerprofiles_backends

    def backend(
        self, region: str | None = None, account_id: str | None = None
    ) -> CustomerProfilesBackend:
        """One account's state in one region (default account, default region)."""
        from moto.core import DEFAULT_ACCOUNT_ID

        return backend_for(account_id or DEFAULT_ACCOUNT_ID, region or default_region())

    def outbox(self, region: str | None = None, account_id: str | None = None) -> Outbox:
        """What the mock sent to S3, Kinesis and SQS (same as ``customerprofiles_mock.outbox``)."""
        return self.backend(region, account_id).outbox

    def reset(self) -> None:
        """Forget every account's and region's state, as a fresh activation does."""
        from .activation import reset

        reset()


#: The name this type had before it was public.
BackendsHandle = MockBackends


def default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

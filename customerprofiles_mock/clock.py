"""The one clock every timestamp, expiry and job status reads.

``datetime.now`` is what freezegun patches, so reading time only through :func:`now`
lets ``freeze_time`` move every timestamp of the mock together. Clients that cannot
use freezegun (the AWS CLI, other SDKs over the local endpoint) move the clock with
:func:`set_offset`, which ``/_customerprofiles_mock/clock`` exposes over HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def now() -> datetime:
    """Current UTC time, timezone-aware."""
    return datetime.now(timezone.utc) + _offset


def set_offset(offset: timedelta) -> None:
    """Run the mock's clock ``offset`` ahead of (or behind) the real one."""
    global _offset
    _offset = offset


def offset() -> timedelta:
    return _offset

"""The one clock every timestamp, expiry and job status reads.

``datetime.now`` is what freezegun patches, so reading time only through :func:`now`
lets ``freeze_time`` move every timestamp of the mock together.
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """Current UTC time, timezone-aware."""
    return datetime.now(timezone.utc)

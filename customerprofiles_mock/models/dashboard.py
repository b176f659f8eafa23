"""What moto's dashboard (``/moto-api/data.json``) shows of Customer Profiles.

One plain record per domain, profile, object type and other named resource, across every
account and region, with JSON-friendly values only (as moto shows its own models).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from . import customerprofiles_backends
from .domains import CHILD_KINDS

KINDS = ("Domain", "Profile", "ProfileObject", *(k.title().replace("-", "") for k in CHILD_KINDS))


def _plain(value: Any) -> Any:
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
    )


def _domains() -> Iterator[tuple[str, str, Any]]:
    for account_id, regions in list(customerprofiles_backends.items()):
        for region, backend in list(regions.items()):
            with backend.lock:
                for domain in list(backend.domains.values()):
                    yield account_id, region, domain


def records(kind: str) -> list[dict[str, Any]]:
    """Dashboard records of one kind (``Domain``, ``Profile``, ``ObjectTypes``, ...)."""
    found: list[dict[str, Any]] = []
    for account_id, region, domain in _domains():
        where = {"account_id": account_id, "region": region, "domain_name": domain.name}
        if kind == "Domain":
            found.append({**where, "arn": domain.arn, **_plain(domain.to_dict(with_stats=True))})
        elif kind == "Profile":
            for profile in domain.profiles.values():
                found.append({**where, **_plain(profile.to_dict())})
        elif kind == "ProfileObject":
            for obj in domain.store.objects_by_key.values():
                found.append(
                    {
                        **where,
                        "object_type_name": obj.object_type,
                        "profile_object_unique_key": obj.unique_key,
                        "profile_id": obj.profile_id,
                        "object": obj.body,
                    }
                )
        else:
            collection: dict[str, Any] = next(
                (v for k, v in domain.collections.items() if k.title().replace("-", "") == kind),
                {},
            )
            for name, resource in collection.items():
                found.append({**where, "name": name, "arn": getattr(resource, "arn", None)})
    return found

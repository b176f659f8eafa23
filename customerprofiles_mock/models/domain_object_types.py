"""Domain object types (reference §8.7, seed 2025-12-01): non-profile data such as a
product catalog, kept in the domain's data store.

They need the data store enabled. Objects of a domain object type arrive through
PutProfileObject with its name; they belong to no profile and are kept as records whose
shape follows the fields' Targets (``_catalogItem.Name`` -> ``{"Name": ...}``), keyed by
their ``Id`` target when they have one. Recommenders read catalog items from them.
"""

from __future__ import annotations

import copy
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException
from . import journal
from .base import CoreBackend
from .domains import Domain
from .mapping import check_source, evaluate, nest, parse_object
from .pagination import paginate

KIND = "domain-object-types"
RECORDS = "domain-objects"


@dataclass
class DomainObjectType:
    name: str
    arn: str
    description: str | None
    encryption_key: str | None
    fields: dict[str, dict[str, Any]]
    created_at: datetime
    last_updated_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "ObjectTypeName": self.name,
            "Description": self.description,
            "EncryptionKey": self.encryption_key,
            "Fields": self.fields,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }


def records(domain: Domain, type_name: str | None = None) -> dict[str, dict[str, Any]]:
    """Records of one domain object type (or of all, keyed by type then id)."""
    found: dict[str, dict[str, Any]] = domain.state.setdefault(RECORDS, {})
    return found if type_name is None else found.setdefault(type_name, {})


def ingest_record(domain: Domain, object_type: DomainObjectType, body: str) -> str:
    """Store one object of a domain object type; returns its unique key."""
    document = parse_object(body)
    flat = {}
    for spec in object_type.fields.values():
        value = evaluate(spec["Source"], document)
        if value is not None:
            flat[spec["Target"].split(".", 1)[1]] = value
    record = nest(flat)
    key = str(record.get("Id") or secrets.token_urlsafe(16))
    _put_record(domain, object_type.name, key, {**record, "_ingestedAt": now()})
    return key


#: Called with (domain, type name, record before, record after) on every record write,
#: so families that summarise records (insights) follow them one by one.
RecordListener = Callable[[Domain, str, "dict[str, Any] | None", "dict[str, Any] | None"], None]
record_listeners: list[RecordListener] = []


def _put_record(
    domain: Domain, type_name: str, key: str, record: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Store (or, with None, drop) one record; returns the one it replaced."""
    held = records(domain, type_name)
    previous = held.get(key)
    if record is None:
        held.pop(key, None)
    else:
        held[key] = record
    # A call that fails later, a listener included, takes the record back (journal.py).
    journal.record(functools.partial(_put_record, domain, type_name, key, previous))
    for listener in record_listeners:
        listener(domain, type_name, previous, record)
    return previous


def check_domain_object_type_target(name: str, target: str) -> None:
    parts = target.split(".")
    if len(parts) < 2 or not parts[0].startswith("_") or not all(parts):
        raise BadRequestException(
            f"Field {name}: Target {target!r} must name a field of a standard object, "
            "e.g. _catalogItem.Name"
        )


class DomainObjectTypesMixin(CoreBackend):
    def _domain_object_type(self, domain: Domain, name: str) -> DomainObjectType:
        found: DomainObjectType = domain.named(KIND, name, "Domain object type")
        return found

    def put_domain_object_type(
        self,
        domain_name: str,
        object_type_name: str,
        fields: dict[str, dict[str, Any]],
        description: str | None = None,
        encryption_key: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if not domain.data_store_enabled:
            raise BadRequestException(
                f"Domain object types need the data store: enable DataStore on domain {domain_name}"
            )
        for name, spec in fields.items():
            check_source(name, spec["Source"])
            check_domain_object_type_target(name, spec["Target"])
        existing: DomainObjectType | None = domain.collections[KIND].get(object_type_name)
        stamp = now()
        made = DomainObjectType(
            name=object_type_name,
            arn=self.arn(f"domains/{domain_name}/{KIND}/{object_type_name}"),
            description=description,
            encryption_key=encryption_key,
            fields=copy.deepcopy(fields),
            created_at=existing.created_at if existing else stamp,
            last_updated_at=stamp,
            tags={**(existing.tags if existing else {}), **(tags or {})},
        )
        domain.collections[KIND][object_type_name] = made
        return made.describe()

    def get_domain_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        return self._domain_object_type(self.domain(domain_name), object_type_name).describe()

    def delete_domain_object_type(self, domain_name: str, object_type_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._domain_object_type(domain, object_type_name)
        del domain.collections[KIND][object_type_name]
        records(domain).pop(object_type_name, None)
        return {}

    def list_domain_object_types(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[KIND].values()), lambda t: t.name, next_token, max_results
        )
        keep = ("ObjectTypeName", "Description", "CreatedAt", "LastUpdatedAt", "Tags")
        return {
            "Items": [{k: v for k, v in t.describe().items() if k in keep} for t in page],
            "NextToken": token,
        }

"""PutProfileObject and BatchPutProfileObject: the ingestion engine (reference §4.4, §4.5).

One ingestion is planned first (parse, evaluate fields, check the UNIQUE key, find the
profile) without touching state, then committed, so a rejected object leaves nothing
half-written: not even the implicit object type a template name would create. Profile
assignment, in order:

1. non-SECONDARY PROFILE keys (LOOKUP_ONLY and NEW_ONLY included): the first key whose
   value finds exactly one profile wins; a value finding several is ambiguous and ignored;
2. SECONDARY keys, the same way, only when step 1 found nothing;
3. the profile the same object (same UNIQUE value) was attached to before;
4. a new inferred profile when the type allows profile creation; otherwise the object is
   stored unattached (AWS sends it to the domain's dead-letter queue) [inference].

The contact-record templates add their documented association rules on top (see
``_association``). Keys that identify the profile (PROFILE) stay with the profile; every
other key an object puts on its profile (its UNIQUE value, standard-object ids) belongs
to the object and leaves with it when it is replaced, moved or deleted.
"""

from __future__ import annotations

import copy
import functools
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException, CustomerProfilesError
from . import events
from .domain_object_types import KIND as DOMAIN_OBJECT_TYPES
from .domain_object_types import ingest_record
from .domains import Domain
from .mapping import (
    KEY_SEPARATOR,
    evaluate,
    fit,
    parse_object,
    profile_path,
    standard_objects,
    write_path,
)
from .object_types import ObjectTypesMixin
from .store import (
    API_SOURCE,
    ObjectType,
    Profile,
    ProfileObject,
    ProfileStore,
    expiry_after,
    owned_key,
)
from .templates import template

#: How the contact-record templates associate a record when its keys find no profile
#: (Administrator Guide, "Contact record templates").
INFERRED_ONLY = "INFERRED_ONLY"  # CTR: by contact id, or the profile CTR inferred for the phone
AUTO_ASSOCIATE = "AUTO_ASSOCIATE"  # CTR-NoInferred / -AutoAssociateOnly: by phone, once


@functools.lru_cache(maxsize=1)
def standard_id_keys() -> dict[str, str]:
    """Target (``_loyalty.MembershipId``) -> the predefined search key it feeds."""
    return {
        f"{name}.{field_name}": key
        for name, spec in standard_objects().items()
        for key, field_name in spec["IndexKeys"].items()
    }


@dataclass
class KeyValue:
    name: str
    identifiers: frozenset[str]
    value: str

    @property
    def identifies_profile(self) -> bool:
        return "PROFILE" in self.identifiers


@dataclass
class Plan:
    """Everything one ingestion will do, decided before anything changes."""

    object_type: ObjectType
    body: str
    document: dict[str, Any]
    values: dict[str, str]
    keys: list[KeyValue]
    unique_value: str
    profile: Profile | None
    create_profile: bool
    previous: ProfileObject | None = None
    key_values: dict[str, str] = field(default_factory=dict)


def _key_values(object_type: ObjectType, values: dict[str, str]) -> list[KeyValue]:
    found = []
    for name, entries in object_type.keys.items():
        for entry in entries:
            names = entry.get("FieldNames", [])
            parts = [values.get(n) for n in names]
            if names and all(parts):
                found.append(
                    KeyValue(
                        name,
                        frozenset(entry.get("StandardIdentifiers", [])),
                        KEY_SEPARATOR.join(p for p in parts if p),
                    )
                )
    for name, spec in object_type.fields.items():
        standard_key = standard_id_keys().get(spec.get("Target", ""))
        if standard_key and values.get(name):
            found.append(KeyValue(standard_key, frozenset(), values[name]))
    return found


def _unique_value(object_type: ObjectType, values: dict[str, str]) -> str:
    unique = [
        (name, entry)
        for name, entries in object_type.keys.items()
        for entry in entries
        if "UNIQUE" in entry.get("StandardIdentifiers", [])
    ]
    if len(unique) != 1:
        raise BadRequestException(
            f"Object type {object_type.name} must have exactly one UNIQUE key, has {len(unique)}"
        )
    name, entry = unique[0]
    names = entry.get("FieldNames", [])
    missing = [n for n in names if not values.get(n)]
    if missing:
        sources = ", ".join(object_type.fields.get(n, {}).get("Source", n) for n in missing)
        raise BadRequestException(
            f"The object has no value for {sources}, which the UNIQUE key {name} of object "
            f"type {object_type.name} requires"
        )
    return KEY_SEPARATOR.join(values[n] for n in names)


def _resolve(store: ProfileStore, keys: list[KeyValue]) -> str | None:
    for key in keys:
        ids = store.find(key.name, key.value)
        if len(ids) == 1:
            return next(iter(ids))
    return None


def _association(object_type: ObjectType) -> str | None:
    source = template(object_type.template_id) if object_type.template_id else None
    return (source or {}).get("ProfileAssociation")


_SHARED_OWNED: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(names: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple object per set of owned key names (memory: not one per object)."""
    if any("\x00" in name for name in names):
        return names
    return _SHARED_OWNED.setdefault(names, names)


class IngestionMixin(ObjectTypesMixin):
    def _plan(self, domain: Domain, object_type: ObjectType, body: str) -> Plan:
        document = parse_object(body)
        values = {
            name: value
            for name, spec in object_type.fields.items()
            if (value := evaluate(spec.get("Source", ""), document)) is not None
        }
        unique_value = _unique_value(object_type, values)
        keys = _key_values(object_type, values)
        store = domain.store
        profile_keys = [k for k in keys if k.identifies_profile]
        primary = [k for k in profile_keys if "SECONDARY" not in k.identifiers]
        secondary = [k for k in profile_keys if "SECONDARY" in k.identifiers]
        association = _association(object_type)
        previous = store.objects_by_unique.get(object_type.name, {}).get(unique_value)
        profile_id = _resolve(store, primary)
        if profile_id is None and association == AUTO_ASSOCIATE:
            for key in secondary:
                if key.name == "_phone" and len(store.find(key.name, key.value)) > 1:
                    raise BadRequestException(
                        f"Phone number {key.value} matches more than one profile, so the "
                        "contact record cannot be associated with a unique profile"
                    )
        profile_id = profile_id or _resolve(store, secondary)
        if profile_id is None and association == INFERRED_ONLY:
            profile_id = self._inferred_by_phone(store, object_type, values)
        if profile_id is None and previous is not None:
            profile_id = previous.profile_id
        profile = domain.profiles.get(profile_id) if profile_id else None
        return Plan(
            object_type=object_type,
            body=body,
            document=document,
            values=values,
            keys=keys,
            unique_value=unique_value,
            profile=profile,
            create_profile=profile is None and object_type.allow_profile_creation,
            previous=previous,
            key_values={k.name: k.value for k in keys},
        )

    @staticmethod
    def _inferred_by_phone(
        store: ProfileStore, object_type: ObjectType, values: dict[str, str]
    ) -> str | None:
        """The default CTR template maps later records with the same phone to the profile
        it inferred for that phone, never to a profile made some other way."""
        for name, spec in object_type.fields.items():
            if spec.get("ContentType") == "PHONE_NUMBER" and values.get(name):
                ids = [
                    pid
                    for pid in store.find("_phone", values[name])
                    if store.profiles[pid].inferred_by == object_type.name
                ]
                if len(ids) == 1:
                    return ids[0]
        return None

    def _new_fields(self, domain: Domain, plan: Plan, profile: Profile) -> dict[str, Any]:
        """The profile's fields after the mapping: API-set fields and better-priority
        sources are kept, and a value its field cannot hold is not stored."""
        domain.store.touch(profile)  # field_sources change here, before set_fields
        fields = copy.deepcopy(profile.fields)
        object_type = plan.object_type
        types = domain.collections["object-types"]
        targeted = set()
        for name, spec in object_type.fields.items():
            value = plan.values.get(name)
            path = profile_path(spec.get("Target") or "")
            fitted = fit(path, value) if path and value is not None else None
            if fitted is None:
                continue
            path, value = fitted
            owner = profile.field_sources.get(path)
            if owner == API_SOURCE:
                continue  # set through CreateProfile/UpdateProfile: mappings never overwrite
            owner_type = types.get(owner) if owner and owner != object_type.name else None
            mine, theirs = object_type.source_priority, getattr(owner_type, "source_priority", None)
            if theirs is not None and (mine is None or theirs < mine):
                continue  # a source with strictly better priority set it
            write_path(fields, path, value)
            profile.field_sources[path] = object_type.name
            domain.store.feed(object_type.name, profile.profile_id)
            targeted.add(path.split(".")[0])
        if plan.create_profile:  # inferred profiles also get untargeted emails and phones
            standard = {"EMAIL_ADDRESS": "EmailAddress", "PHONE_NUMBER": "PhoneNumber"}
            for name, spec in object_type.fields.items():
                target, value = standard.get(spec.get("ContentType") or ""), plan.values.get(name)
                fitted = fit(target, value) if target and value else None
                if fitted and fitted[0] not in targeted and fitted[0] not in fields:
                    fields[fitted[0]] = fitted[1]
                    profile.field_sources[fitted[0]] = object_type.name
                    domain.store.feed(object_type.name, profile.profile_id)
        return fields

    def _commit(self, domain: Domain, plan: Plan) -> str:
        store, object_type = domain.store, plan.object_type
        if object_type.name not in self._object_types(domain):
            self._store_type(domain, object_type)  # an implicit type, on first success
        profile = plan.profile
        created = False
        if profile is None and plan.create_profile:
            profile = store.create_profile(
                {}, expiry_after(domain.default_expiration_days), announce=False
            )
            profile.inferred_by = object_type.name
            created = True
        unique_key = plan.previous.unique_key if plan.previous else secrets.token_urlsafe(24)
        body = plan.body
        if plan.previous is not None:
            if plan.previous.body == body:  # the same record again: one string for both
                body = plan.previous.body  # and for their history records
            store.remove_object(plan.previous, "REPLACED")
        obj = ProfileObject(
            unique_key=unique_key,
            object_type=object_type.name,
            unique_value=plan.unique_value,
            body=body,
            keys_flat=tuple(part for pair in plan.key_values.items() for part in pair),
            profile_id=None,
            ingested_at=now(),
            lifetime_days=object_type.expiration_days or domain.default_expiration_days,
            seq=store.next_object_seq(),
            parsed=plan.document,
            # the replaced object's expiry entry serves this one (no entry per write)
            scheduled=plan.previous.scheduled if plan.previous else None,
        )
        if profile is not None:
            store.set_fields(profile, self._new_fields(domain, plan, profile), announce=not created)
            owned: list[str] = []
            for key in plan.keys:
                if "LOOKUP_ONLY" in key.identifiers:
                    continue
                if "NEW_ONLY" in key.identifiers and not created:
                    continue
                if key.identifies_profile:
                    store.add_key(profile, key.name, key.value, object_type.name)
                else:
                    store.add_key(profile, key.name, key.value, obj.source)
                    owned.append(owned_key(key.name, key.value, plan.key_values))
            obj.owned_keys = _shared(tuple(owned))
            store.set_expiry(profile, expiry_after(domain.default_expiration_days))
            if created:
                store.announce(events.PROFILE_CREATED, profile)
                store.record(
                    profile.profile_id,
                    "CREATED",
                    profile.to_dict(),
                    self.caller_arn,
                    object_type.name,
                )
        store.attach_object(obj, profile)
        if profile is not None:
            store.remove_excess_objects(
                profile, object_type.name, object_type.max_profile_object_count
            )
            store.record(
                profile.profile_id,
                "INGESTED",
                body,
                self.caller_arn,
                object_type.name,
                unique_key,
                obj.ingested_at,
            )
        obj.parsed = None  # the families have read it; the body is kept, the parse is not
        return unique_key

    def _ingest(self, domain: Domain, object_type: ObjectType, body: str) -> str:
        return self._commit(domain, self._plan(domain, object_type, body))

    def put_profile_object(
        self, domain_name: str, object_type_name: str, object: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        catalog = domain.collections[DOMAIN_OBJECT_TYPES].get(object_type_name)
        if catalog is not None and object_type_name not in self._object_types(domain):
            return {"ProfileObjectUniqueKey": ingest_record(domain, catalog, object)}
        object_type = self.object_type_for(domain, object_type_name)
        return {"ProfileObjectUniqueKey": self._ingest(domain, object_type, object)}

    def batch_put_profile_object(
        self, domain_name: str, object_type_name: str, items: list[dict[str, str]]
    ) -> dict[str, Any]:
        """Items in order, each with PutProfileObject's semantics; one bad item fails alone."""
        domain = self.domain(domain_name)
        ids = [item["Id"] for item in items]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise BadRequestException(f"Item ids must be unique in a batch: {', '.join(repeated)}")
        object_type = self.object_type_for(domain, object_type_name)
        successful, failed = [], []
        for item in items:
            try:
                key = self._ingest(domain, object_type, item["Object"])
            except CustomerProfilesError as error:
                failed.append({"Id": item["Id"], "Code": error.status, "Message": error.message})
            else:
                successful.append({"Id": item["Id"], "ProfileObjectUniqueKey": key})
        return {"Successful": successful, "Failed": failed}

"""PutProfileObject and BatchPutProfileObject: the ingestion engine (reference §4.4, §4.5).

One ingestion is planned first (parse, evaluate fields, check the UNIQUE key, find the
profile) without touching state, then committed, so a rejected object leaves nothing
half-written. Profile assignment, in order:

1. non-SECONDARY PROFILE keys (LOOKUP_ONLY and NEW_ONLY included): the first key whose
   value finds exactly one profile wins; a value finding several is ambiguous and ignored;
2. SECONDARY keys, the same way, only when step 1 found nothing;
3. the profile the same object (same UNIQUE value) was attached to before;
4. a new inferred profile when the type allows profile creation; otherwise the object is
   stored unattached (AWS sends it to the domain's dead-letter queue) [inference].
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..clock import now
from ..exceptions import BadRequestException, CustomerProfilesError
from .domains import Domain
from .mapping import KEY_SEPARATOR, apply_target, evaluate, parse_object
from .object_types import ObjectTypesMixin
from .store import ObjectType, Profile, ProfileObject, ProfileStore, expiry_after

#: Standard-object ids that the predefined search keys _assetId, _caseId, _orderId find.
STANDARD_ID_KEYS = {
    "_asset.AssetId": "_assetId",
    "_case.CaseId": "_caseId",
    "_order.OrderId": "_orderId",
}


@dataclass
class KeyValue:
    name: str
    identifiers: frozenset[str]
    value: str


@dataclass
class Plan:
    """Everything one ingestion will do, decided before anything changes."""

    object_type: ObjectType
    body: str
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
    unknown = [n for n in names if n not in object_type.fields]
    if unknown:
        raise BadRequestException(f"Key {name} names undefined fields: {', '.join(unknown)}")
    missing = [n for n in names if not values.get(n)]
    if missing or not names:
        raise BadRequestException(
            f"The object has no value for {', '.join(missing) or name}, which the UNIQUE "
            f"key {name} of object type {object_type.name} requires"
        )
    return KEY_SEPARATOR.join(values[n] for n in names)


def _resolve(store: ProfileStore, keys: list[KeyValue]) -> str | None:
    for key in keys:
        ids = store.find(key.name, key.value)
        if len(ids) == 1:
            return next(iter(ids))
    return None


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
        profile_keys = [k for k in keys if "PROFILE" in k.identifiers]
        primary = [k for k in profile_keys if "SECONDARY" not in k.identifiers]
        secondary = [k for k in profile_keys if "SECONDARY" in k.identifiers]
        if object_type.template_id == "CTR-NoInferred":
            for key in primary:
                if key.name == "_phone" and len(store.find(key.name, key.value)) > 1:
                    raise BadRequestException(
                        f"Phone number {key.value} matches more than one profile"
                    )
        previous = store.objects_by_unique.get((object_type.name, unique_value))
        profile_id = _resolve(store, primary) or _resolve(store, secondary)
        if profile_id is None and previous is not None:
            profile_id = previous.profile_id
        profile = domain.profiles.get(profile_id) if profile_id else None
        return Plan(
            object_type=object_type,
            body=body,
            values=values,
            keys=keys,
            unique_value=unique_value,
            profile=profile,
            create_profile=profile is None and object_type.allow_profile_creation,
            previous=previous,
            key_values={k.name: k.value for k in keys},
        )

    def _new_fields(self, domain: Domain, plan: Plan, profile: Profile) -> dict[str, Any]:
        fields = copy.deepcopy(profile.fields)
        object_type = plan.object_type
        types = domain.collections["object-types"]
        targeted = set()
        for name, spec in object_type.fields.items():
            target, value = spec.get("Target"), plan.values.get(name)
            if not target or value is None or not target.startswith("_profile."):
                continue
            path = target.split(".", 1)[1]
            owner = profile.field_sources.get(path)
            owner_type = types.get(owner) if owner and owner != object_type.name else None
            mine, theirs = object_type.source_priority, getattr(owner_type, "source_priority", None)
            if theirs is not None and (mine is None or theirs < mine):
                continue  # a source with strictly better priority set it
            applied = apply_target(fields, target, value)
            if applied:
                profile.field_sources[applied] = object_type.name
                targeted.add(applied.split(".")[0])
        if plan.create_profile:  # inferred profiles also get untargeted emails and phones
            for name, spec in object_type.fields.items():
                content, value = spec.get("ContentType"), plan.values.get(name)
                standard = {"EMAIL_ADDRESS": "EmailAddress", "PHONE_NUMBER": "PhoneNumber"}
                target = standard.get(content or "")
                if target and value and target not in targeted and target not in fields:
                    fields[target] = value
                    profile.field_sources[target] = object_type.name
        return fields

    def _commit(self, domain: Domain, plan: Plan) -> str:
        store, object_type = domain.store, plan.object_type
        profile = plan.profile
        created = False
        if profile is None and plan.create_profile:
            profile = store.create_profile({}, expiry_after(domain.default_expiration_days))
            created = True
        if profile is not None:
            store.set_fields(profile, self._new_fields(domain, plan, profile))
            for key in plan.keys:
                if "LOOKUP_ONLY" in key.identifiers:
                    continue
                if "NEW_ONLY" in key.identifiers and not created:
                    continue
                store.add_key(profile, key.name, key.value, object_type.name)
            for name, spec in object_type.fields.items():
                standard_key = STANDARD_ID_KEYS.get(spec.get("Target", ""))
                if standard_key and plan.values.get(name):
                    store.add_key(profile, standard_key, plan.values[name], object_type.name)
            store.set_expiry(profile, expiry_after(domain.default_expiration_days))
            if created:
                store.record(
                    profile.profile_id,
                    "CREATED",
                    profile.to_dict(),
                    self.caller_arn,
                    object_type.name,
                )
        if plan.previous is not None:
            unique_key = plan.previous.unique_key
            store.remove_object(plan.previous)
        else:
            unique_key = secrets.token_urlsafe(24)
        obj = ProfileObject(
            unique_key=unique_key,
            object_type=object_type.name,
            unique_value=plan.unique_value,
            body=plan.body,
            key_values=plan.key_values,
            profile_id=None,
            ingested_at=now(),
            expires_at=expiry_after(object_type.expiration_days or domain.default_expiration_days),
        )
        store.attach_object(obj, profile)
        if profile is not None:
            self._enforce_max_objects(store, object_type, profile)
            store.record(
                profile.profile_id,
                "INGESTED",
                plan.body,
                self.caller_arn,
                object_type.name,
                unique_key,
            )
        return unique_key

    @staticmethod
    def _enforce_max_objects(
        store: ProfileStore, object_type: ObjectType, profile: Profile
    ) -> None:
        limit = object_type.max_profile_object_count
        held = profile.objects.get(object_type.name, {})
        if limit is not None and len(held) > limit:
            for obj in sorted(held.values(), key=lambda o: o.ingested_at)[: len(held) - limit]:
                store.remove_object(obj)

    def _ingest(self, domain: Domain, object_type: ObjectType, body: str) -> str:
        return self._commit(domain, self._plan(domain, object_type, body))

    def put_profile_object(
        self, domain_name: str, object_type_name: str, object: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
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

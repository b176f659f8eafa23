"""Standard profiles: create, update, delete, batch get, attribute values (reference §3.2).

Field names and keyword names both come from the model: the dispatcher passes every
standard field as ``xform_name(member)``, and :func:`fields_from_kwargs` maps them back.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from botocore import xform_name

from ..exceptions import BadRequestException
from .base import CoreBackend
from .mapping import address_subfields, field_paths, profile_fields
from .store import ADDRESS_FIELDS, API_SOURCE, expiry_after


@functools.lru_cache(maxsize=1)
def _kwarg_names() -> dict[str, str]:
    return {xform_name(name): name for name in profile_fields()}


def fields_from_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Profile fields from the call's keywords; ``None`` is an omitted member (moto's
    service layer passes every member, the plugin only those sent)."""
    names = _kwarg_names()
    return {names[k]: copy.deepcopy(v) for k, v in kwargs.items() if k in names and v is not None}


def merge_update(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """UpdateProfile's rule: omitted keeps, "" clears; addresses and attributes per key."""
    merged = copy.deepcopy(current)
    for name, value in update.items():
        if name in ADDRESS_FIELDS or name == "Attributes":
            nested = {**merged.get(name, {}), **value}
            nested = {k: v for k, v in nested.items() if v != ""}
            if nested:
                merged[name] = nested
            else:
                merged.pop(name, None)
        elif value == "":
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


class ProfilesMixin(CoreBackend):
    def create_profile(self, domain_name: str, **kwargs: Any) -> dict[str, Any]:
        domain = self.domain(domain_name)
        store = domain.store
        profile = store.create_profile(
            fields_from_kwargs(kwargs), expiry_after(domain.default_expiration_days)
        )
        # Fields set through the API are the caller's: object mappings never overwrite them.
        profile.field_sources = dict.fromkeys(field_paths(profile.fields), API_SOURCE)
        store.record(profile.profile_id, "CREATED", profile.to_dict(), self.caller_arn)
        return {"ProfileId": profile.profile_id}

    def update_profile(self, domain_name: str, profile_id: str, **kwargs: Any) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        update = fields_from_kwargs(kwargs)  # "" on an enum field fails model validation
        store = domain.store
        store.set_fields(profile, merge_update(profile.fields, update))  # touches the profile
        for path in field_paths(update):  # the caller now owns what it set, or cleared
            if path in field_paths(profile.fields):
                profile.field_sources[path] = API_SOURCE
            else:
                profile.field_sources.pop(path, None)
        store.set_expiry(profile, expiry_after(domain.default_expiration_days))
        store.record(profile.profile_id, "UPDATED", profile.to_dict(), self.caller_arn)
        return {"ProfileId": profile.profile_id}

    def delete_profile(self, domain_name: str, profile_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        domain.store.record(profile_id, "DELETED_BY_CUSTOMER", profile.to_dict(), self.caller_arn)
        domain.store.remove_profile(profile_id)
        return {"Message": f"Profile {profile_id} was deleted."}

    def batch_get_profile(self, domain_name: str, profile_ids: list[str]) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profiles, errors = [], []
        for profile_id in dict.fromkeys(profile_ids):
            found = domain.profiles.get(profile_id)
            if found is None:
                errors.append(
                    {"Code": "404", "Message": "Profile not found", "ProfileId": profile_id}
                )
            else:
                profiles.append(found.to_dict())
        return {"Profiles": profiles, "Errors": errors}

    def list_profile_attribute_values(
        self, domain_name: str, attribute_name: str
    ) -> dict[str, Any]:
        """Distinct values of a standard field, an address sub-field or a custom attribute."""
        domain = self.domain(domain_name)
        head, _, rest = attribute_name.partition(".")
        valid = (
            (not rest and head in profile_fields() and head not in (*ADDRESS_FIELDS, "Attributes"))
            or (head in ADDRESS_FIELDS and rest in address_subfields())
            or (head == "Attributes" and rest)
        )
        if not valid:
            raise BadRequestException(f"Unknown profile attribute {attribute_name}")
        # Kept by the store as profiles change: the answer costs what it holds.
        values = domain.store.values.get(attribute_name, {})
        return {
            "DomainName": domain_name,
            "AttributeName": attribute_name,
            "Items": [{"Value": v} for v in values],
            "StatusCode": 200,
        }

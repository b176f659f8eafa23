"""MergeProfiles (reference §3.5): keys and objects move to the main profile.

Fields are unioned with the main profile winning, unless FieldSourceProfileIds names the
profile to take a field from, in which case that profile's value is taken even if it is
empty. Everything is validated before anything changes.
"""

from __future__ import annotations

import copy
from typing import Any

from botocore import xform_name

from ..exceptions import BadRequestException
from . import events
from .base import CoreBackend
from .domains import Domain
from .mapping import profile_fields
from .store import Profile, key_sources

#: Source of the keys a merged profile's standard fields had given it.
MERGE_SOURCE = "_merge"


def _field_sources(spec: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, str]]:
    """FieldSourceProfileIds -> (standard field -> profile id, attribute -> profile id)."""
    spec = dict(spec or {})
    attributes = spec.pop("Attributes", None) or {}
    by_member = {xform_name(name): name for name in profile_fields()}
    fields = {}
    for member, profile_id in spec.items():
        name = member if member in profile_fields() else by_member.get(xform_name(member))
        if name is not None and profile_id:
            fields[name] = profile_id
    return fields, dict(attributes)


def merged_fields(
    main: Profile, others: list[Profile], chosen: dict[str, str], chosen_attributes: dict[str, str]
) -> dict[str, Any]:
    everyone = {p.profile_id: p for p in [main, *others]}
    result: dict[str, Any] = {}
    for name in profile_fields():
        if name == "Attributes":
            continue
        if name in chosen:
            value = everyone[chosen[name]].fields.get(name)
        else:
            value = next((p.fields[name] for p in everyone.values() if p.fields.get(name)), None)
        if value is not None:
            result[name] = copy.deepcopy(value)
    attributes: dict[str, str] = {}
    for profile in reversed(list(everyone.values())):  # main last, so it wins
        attributes.update(profile.fields.get("Attributes", {}))
    for attribute, profile_id in chosen_attributes.items():
        value = everyone[profile_id].fields.get("Attributes", {}).get(attribute)
        if value is None:
            attributes.pop(attribute, None)
        else:
            attributes[attribute] = value
    if attributes:
        result["Attributes"] = attributes
    return result


def merge_into(
    domain: Domain,
    main: Profile,
    others: list[Profile],
    new_fields: dict[str, Any],
    performed_by: str,
) -> None:
    """Move the others' keys and objects to ``main``, give it ``new_fields``, and remove
    them: MergeProfiles, and the automatic merges of identity resolution."""
    store = domain.store
    for other in others:
        for key_name, values in list(other.keys.items()):
            for value, held in list(values.items()):
                for source in key_sources(held):
                    store.add_key(main, key_name, value, source)
        # Keys its fields gave it (_phone, _email, even _profileId) keep finding the
        # merged customer, now the main profile, even where the union dropped the field.
        for key_name, derived in store.derived.get(other.profile_id, {}).items():
            for value in derived:
                store.add_key(main, key_name, value, MERGE_SOURCE)
        for by_key in list(other.objects.values()):
            for obj in list(by_key.values()):
                store.move_object(obj, main)
        store.touch(main)
        for path, source in other.field_sources.items():
            main.field_sources.setdefault(path, source)
            store.feed(source, main.profile_id)
        store.record(other.profile_id, "DELETED_BY_MERGE", other.to_dict(), performed_by)
        store.remove_profile(other.profile_id, "MERGED")
    store.set_fields(main, new_fields, announce=False)
    store.announce(events.PROFILE_UPDATED, main)  # a merge changes the main profile
    types = domain.collections["object-types"]
    for type_name in list(main.objects):
        limit = getattr(types.get(type_name), "max_profile_object_count", None)
        store.remove_excess_objects(main, type_name, limit)
    store.record(
        main.profile_id,
        "MERGED",
        {"MainProfileId": main.profile_id, "MergedProfileIds": [p.profile_id for p in others]},
        performed_by,
    )


class MergeMixin(CoreBackend):
    def merge_profiles(
        self,
        domain_name: str,
        main_profile_id: str,
        profile_ids_to_be_merged: list[str],
        field_source_profile_ids: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        main = self.profile(domain, main_profile_id)
        if main_profile_id in profile_ids_to_be_merged:
            raise BadRequestException("MainProfileId cannot be one of ProfileIdsToBeMerged")
        others = [self.profile(domain, pid) for pid in dict.fromkeys(profile_ids_to_be_merged)]
        chosen, chosen_attributes = _field_sources(field_source_profile_ids)
        allowed = {main_profile_id, *profile_ids_to_be_merged}
        strangers = sorted({*chosen.values(), *chosen_attributes.values()} - allowed)
        if strangers:
            raise BadRequestException(
                "FieldSourceProfileIds names profiles that are not being merged: "
                + ", ".join(strangers)
            )
        merge_into(
            domain,
            main,
            others,
            merged_fields(main, others, chosen, chosen_attributes),
            self.caller_arn,
        )
        return {"Message": f"Merged {len(others)} profile(s) into {main.profile_id}."}

"""Per-domain profile state shared by the profile, object-type and ingestion families.

The records here are deliberately plain; the operations that change them live in the
family modules. The one rule every family relies on: change profile fields only through
:meth:`ProfileStore.set_fields` and keys only through :meth:`ProfileStore.add_key` /
:meth:`ProfileStore.remove_key`, so the search index is always exact.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from moto.moto_api._internal import mock_random

from ..clock import now
from . import events, journal
from .events import Change
from .expiry import Bucket, Schedule
from .holders import Crowd, Held

#: Predefined search keys derived from standard profile fields (reference §3.3) [inference].
PHONE_FIELDS = ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber")
EMAIL_FIELDS = ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress")
ADDRESS_FIELDS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")
#: Source of a key or field value that did not come from an object type.
API_SOURCE = "_api"


def new_id() -> str:
    """32 lower-case hex digits (the service's ``uuid`` shape), from moto's seedable random."""
    return mock_random.uuid4().hex


# --- value normalisation: equal for search means equal after this -------------------


def normalize_phone(value: str) -> str:
    """Digits only; a leading North-American country code 1 is dropped [inference]."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return _same(value, digits or value)


def normalize_email(value: str) -> str:
    return _same(value, value.strip().lower())


def normalize_name(value: str) -> str:
    return _same(value, " ".join(value.split()).lower())


def _same(value: str, normalized: str) -> str:
    """The value itself when normalizing left it as it was: the index then shares the
    profile's string instead of holding an equal copy (memory, issue 15)."""
    return value if normalized == value else normalized


def normalize_exact(value: str) -> str:
    return value


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "PHONE_NUMBER": normalize_phone,
    "EMAIL_ADDRESS": normalize_email,
    "NAME": normalize_name,
    "STRING": normalize_exact,
    "NUMBER": normalize_exact,
}
#: Content type of the predefined keys; custom keys take theirs from object-type fields.
PREDEFINED_KEY_TYPES = {"_phone": "PHONE_NUMBER", "_email": "EMAIL_ADDRESS", "_fullName": "NAME"}


def full_name(fields: dict[str, Any]) -> str | None:
    parts = [fields.get(n) for n in ("FirstName", "MiddleName", "LastName")]
    joined = " ".join(p for p in parts if p)
    return joined or None


def derived_keys(profile_id: str, fields: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The predefined keys a profile's standard fields put in the index (each key's
    distinct values in a tuple: a set would cost 216 bytes for the usual one value)."""
    keys: dict[str, tuple[str, ...]] = {"_profileId": (profile_id,)}
    if fields.get("AccountNumber"):
        keys["_account"] = (fields["AccountNumber"],)
    phones = tuple(dict.fromkeys(fields[n] for n in PHONE_FIELDS if fields.get(n)))
    if phones:
        keys["_phone"] = phones
    emails = tuple(dict.fromkeys(fields[n] for n in EMAIL_FIELDS if fields.get(n)))
    if emails:
        keys["_email"] = emails
    name = full_name(fields)
    if name:
        keys["_fullName"] = (name,)
    return keys


# --- records -------------------------------------------------------------------------


@dataclass
class ObjectType:
    """A profile object type (PutProfileObjectType), possibly implicit from a template."""

    name: str
    arn: str
    description: str
    template_id: str | None = None
    expiration_days: int | None = None
    encryption_key: str | None = None
    allow_profile_creation: bool = False
    source_last_updated_timestamp_format: str | None = None
    max_profile_object_count: int | None = None
    source_priority: int | None = None
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    implicit: bool = False
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)


def owned_key(name: str, value: str, key_values: dict[str, str]) -> str:
    """How an object remembers a key it owns: its name, whose value ``key_values``
    holds; or ``name\x00value`` when two definitions of one key name gave two values."""
    return name if key_values.get(name) == value else f"{name}\x00{value}"


#: Where a key value came from: an object type's name, API_SOURCE, MERGE_SOURCE, or
#: the object it identifies (a key that leaves with its object; the object itself, so
#: that its keys cost no string of their own)
Source: TypeAlias = "str | ProfileObject"
#: One key value's sources: one source alone (most values), else a tuple in
#: :func:`_source_order` (shared by every value with the same named sources)
HeldBy: TypeAlias = "Source | tuple[Source, ...]"


def key_sources(held: HeldBy) -> tuple[Source, ...]:
    """The sources of one key value, however they are stored."""
    return held if isinstance(held, tuple) else (held,)


def _source_order(source: Source) -> tuple[int, str | int]:
    """Names first, alphabetically, then objects in ingestion order: one canonical order
    whatever order the sources came in (a rolled-back call leaves the same tuple)."""
    return (0, source) if isinstance(source, str) else (1, source.seq)


@dataclass(slots=True, eq=False)  # one per object: no per-instance dict; a key source
class ProfileObject:
    """One ingested object, attached to at most one profile."""

    unique_key: str  # ProfileObjectUniqueKey
    object_type: str
    unique_value: str  # value of the type's UNIQUE key; re-ingesting it replaces the object
    body: str  # the JSON string as ingested
    #: key name, value, key name, value, ...: what ``key_values`` reads (a flat tuple
    #: costs 88 bytes where a dict of two keys costs 168, and objects are many)
    keys_flat: tuple[str, ...]
    profile_id: str | None
    ingested_at: datetime
    #: days it lives after ingestion (None: for ever); ``expires_at`` follows from it, so
    #: that an object keeps one datetime, not two
    lifetime_days: int | None = None
    seq: int = 0  # ingestion order: breaks ties between equal timestamps
    #: the parsed body while its ingestion is under way, so that every family reacting
    #: to the write parses it once at most; dropped afterwards (memory, issue 15)
    parsed: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    #: keys this object put on its profile that identify the object, not the profile:
    #: their names (values in ``key_values``, see :func:`owned_key`); one shared tuple
    #: per key set
    owned_keys: tuple[str, ...] = ()
    #: the expiry bucket holding its live entry (a replaced object's entry serves its
    #: replacement, which re-schedules itself when that entry comes up)
    scheduled: Bucket | None = field(default=None, repr=False, compare=False)

    @property
    def key_values(self) -> dict[str, str]:
        """Key name -> value, for ObjectFilter and the keys it owns."""
        flat = self.keys_flat
        return dict(zip(flat[::2], flat[1::2], strict=True))

    @property
    def expires_at(self) -> datetime | None:
        days = self.lifetime_days
        return None if not days else self.ingested_at + timedelta(days=days)

    @property
    def source(self) -> ProfileObject:
        """Key source naming this object, so its own keys can follow it."""
        return self

    @property
    def document(self) -> dict[str, Any]:
        """The object as JSON data (the ingestion's parse, else parsed now)."""
        parsed = self.parsed
        return parsed if parsed is not None else json.loads(self.body)


@dataclass(slots=True)  # one per profile: no per-instance dict
class Profile:
    profile_id: str
    seq: int  # creation order: the stable order of listings and searches
    fields: dict[str, Any] = field(default_factory=dict)
    #: field path ("FirstName", "Address.City", "Attributes.x") -> object type that set it
    field_sources: dict[str, str] = field(default_factory=dict)
    #: explicit keys: key name -> value -> its source, or a tuple of sources when several
    #: gave it (read with :func:`key_sources`)
    keys: dict[str, dict[str, HeldBy]] = field(default_factory=dict)
    #: object type -> ProfileObjectUniqueKey -> object
    objects: dict[str, dict[str, ProfileObject]] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    expires_at: datetime | None = None
    #: object type whose ingestion created this profile (an inferred profile)
    inferred_by: str | None = None
    #: the expiry bucket holding the profile's one live entry; a write that pushes
    #: ``expires_at`` later moves nothing: the entry re-schedules itself when it comes up
    scheduled: Bucket | None = field(default=None, repr=False, compare=False)

    @property
    def object_count(self) -> int:
        return sum(len(by_key) for by_key in self.objects.values())

    @property
    def size(self) -> int:
        own = fields_size(self.fields)
        return own + sum(len(o.body) for by_key in self.objects.values() for o in by_key.values())

    def to_dict(self) -> dict[str, Any]:
        return {"ProfileId": self.profile_id, **self.fields}


@dataclass(slots=True)  # one per write: no per-instance dict
class HistoryRecord:
    #: the record's id as a number (44 bytes, where its 32 hex digits take 81): there is
    #: one record per write, and ids are only ever read one page at a time
    number: int
    object_type_name: str
    action_type: str
    content: str
    performed_by: str
    created_at: datetime
    profile_object_unique_key: str | None = None

    @property
    def id(self) -> str:
        return f"{self.number:032x}"

    @property
    def last_updated_at(self) -> datetime:
        """A record is never changed once written (and its profile is the list's key:
        neither is kept per record)."""
        return self.created_at

    def summary(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "ObjectTypeName": self.object_type_name,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "ActionType": self.action_type,
            "ProfileObjectUniqueKey": self.profile_object_unique_key,
            "PerformedBy": self.performed_by,
        }


# --- the store -----------------------------------------------------------------------


class ProfileStore:
    """Profiles, their keys and objects, the search index and history of one domain."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles  # shared with Domain.profiles, which Stats reads
        #: key name -> normalised value -> profile ids
        #: key name -> normalized value -> the profile id holding it, or a set of ids when
        #: several do (most values have one holder; a set each would cost ~200 bytes)
        self.index: dict[str, dict[str, Held]] = {}
        #: key name -> content type deciding its normalisation (domain-global names)
        self.key_types: dict[str, str] = dict(PREDEFINED_KEY_TYPES)
        #: profile id -> derived predefined keys currently indexed
        self.derived: dict[str, dict[str, tuple[str, ...]]] = {}
        #: object type -> unique value -> object, across all profiles (nested: a tuple key
        #: per object would cost 64 bytes)
        self.objects_by_unique: dict[str, dict[str, ProfileObject]] = {}
        #: ProfileObjectUniqueKey -> object, attached or not
        self.objects_by_key: dict[str, ProfileObject] = {}
        #: objects stored without a profile (no match and no profile creation allowed)
        self.unattached: dict[str, ProfileObject] = {}
        #: object type -> ProfileObjectUniqueKey -> object, attached or not
        self.objects_of_type: dict[str, dict[str, ProfileObject]] = {}
        #: object type (or other source) -> ids of the profiles it ever gave fields, keys
        #: or objects: a superset, so deleting a type visits only the profiles it fed
        self.fed_by: dict[str, set[str]] = {}
        #: profile id -> history records, kept after the profile is gone
        self.history: dict[str, list[HistoryRecord]] = {}
        #: tuples of source names, one per distinct set (see :meth:`_sources`)
        self._shared_sources: dict[tuple[Source, ...], tuple[Source, ...]] = {}
        #: when profiles and objects expire (``models/expiry.py``)
        self.expiring_profiles = Schedule(self.profiles.get)
        self.expiring_objects = Schedule(self.objects_by_key.get)
        self._seq = itertools.count()
        self._object_seq = itertools.count()
        #: running totals behind the domain's Stats, kept as changes happen so that
        #: GetDomain costs the same in any domain: field bytes, object bytes, metering
        self.totals: dict[str, int] = {"fields": 0, "bodies": 0, "metering": 0}
        #: attribute path (``FirstName``, ``Address.City``, ``Attributes.x``) -> value ->
        #: how many profiles hold it, in the order values first appeared
        self.values: dict[str, dict[str, int]] = {}
        #: receives every change; the domain connects it to the families' subscribers
        self.on_change: Callable[[Change], None] = lambda _change: None

    # -- index ----------------------------------------------------------------------
    def normalize(self, key_name: str, value: str) -> str:
        return NORMALIZERS.get(self.key_types.get(key_name, "STRING"), normalize_exact)(value)

    def seq_of(self, profile_id: str) -> int | None:
        """A profile's creation order (searches page by it), None once it is gone."""
        profile = self.profiles.get(profile_id)
        return None if profile is None else profile.seq

    def _index_add(self, key_name: str, value: str, profile_id: str) -> None:
        by_value = self.index.setdefault(key_name, {})
        norm = self.normalize(key_name, value)
        held = by_value.get(norm)
        if held is None:
            by_value[norm] = profile_id
        elif isinstance(held, str):
            if held != profile_id:
                by_value[norm] = Crowd((held, profile_id))
        else:
            held.join(profile_id, self.seq_of(profile_id))

    def _index_remove(
        self, by_value: dict[str, Held], norm: str, profile_id: str, seq: int | None = None
    ) -> None:
        held = by_value.get(norm)
        if isinstance(held, str):
            if held == profile_id:
                del by_value[norm]
        elif held is not None:
            held.leave(profile_id, self.seq_of(profile_id) if seq is None else seq)
            if len(held) == 1:
                by_value[norm] = next(iter(held))
            elif not held:
                del by_value[norm]

    @staticmethod
    def _holders(held: Held | None) -> set[str]:
        if held is None:
            return set()
        return {held} if isinstance(held, str) else set(held)

    def held(self, key_name: str, value: str) -> Held | None:
        """What holds this key value, as the index keeps it (not a copy: read only)."""
        return self.index.get(key_name, {}).get(self.normalize(key_name, value))

    def _index_discard(self, key_name: str, value: str, profile_id: str) -> None:
        norm = self.normalize(key_name, value)
        profile = self.profiles.get(profile_id)
        still_held = False
        if profile is not None:
            held = set(profile.keys.get(key_name, {})).union(
                self.derived.get(profile_id, {}).get(key_name, ())
            )
            still_held = any(self.normalize(key_name, v) == norm for v in held)
        if still_held:
            return
        self._index_remove(self.index.get(key_name, {}), norm, profile_id)

    def set_key_type(self, key_name: str, content_type: str) -> None:
        """Give a key its content type; values already indexed are re-normalised under it."""
        if self.key_types.get(key_name, "STRING") == content_type:
            self.key_types.setdefault(key_name, content_type)
            return
        self.key_types[key_name] = content_type
        holders = {
            pid for ids in self.index.pop(key_name, {}).values() for pid in self._holders(ids)
        }
        for profile_id in holders:
            profile = self.profiles.get(profile_id)
            if profile is not None:
                for value in self.values_of(profile, key_name):
                    self._index_add(key_name, value, profile_id)

    def find(self, key_name: str, value: str) -> set[str]:
        """Ids of the profiles holding this key value (a copy: safe to mutate)."""
        return self._holders(self.index.get(key_name, {}).get(self.normalize(key_name, value)))

    def values_of(self, profile: Profile, key_name: str) -> set[str]:
        """Every value a profile holds for a key, explicit and derived."""
        return set(profile.keys.get(key_name, {})).union(
            self.derived.get(profile.profile_id, {}).get(key_name, ())
        )

    def _reindex_derived(self, profile: Profile) -> None:
        old = self.derived.get(profile.profile_id, {})
        new = derived_keys(profile.profile_id, profile.fields)
        self.derived[profile.profile_id] = new
        for key_name, values in old.items():
            kept = new.get(key_name, ())
            for value in values:
                if value not in kept:
                    self._index_discard(key_name, value, profile.profile_id)
        for key_name, values in new.items():
            for value in values:
                self._index_add(key_name, value, profile.profile_id)

    # -- running totals (Stats) ------------------------------------------------------
    def _add(self, name: str, delta: int) -> None:
        if delta:
            self.totals[name] += delta
            journal.record(functools.partial(self._add_back, name, -delta))

    def _add_back(self, name: str, delta: int) -> None:
        self.totals[name] += delta

    def _count_values(self, fields: dict[str, Any], delta: int) -> None:
        """Count a profile's attribute values in (+1) or out (-1) of ``values``."""
        for path, value in attribute_values(fields):
            self._count_value(path, value, delta)
        journal.record(functools.partial(self._count_values_back, fields, -delta))

    def _count_values_back(self, fields: dict[str, Any], delta: int) -> None:
        for path, value in attribute_values(fields):
            self._count_value(path, value, delta)

    def _count_value(self, path: str, value: str, delta: int) -> None:
        counts = self.values.setdefault(path, {})
        held = counts.get(value, 0) + delta
        if held > 0:
            counts[value] = held
        else:
            counts.pop(value, None)

    @staticmethod
    def _meter(profile: Profile) -> int:
        """A profile's metering: one, and one more per hundred objects beyond the first."""
        return 1 + max(profile.object_count - 1, 0) // 100

    # -- the call's journal (models/journal.py) ----------------------------------------
    def touch(self, profile: Profile) -> None:
        """Before a call first changes a profile's fields: remember them (and their
        sources, timestamps and expiry) to restore them if the call fails. Keys and
        objects are journaled one change at a time by the primitives that make them, so
        a profile with many objects costs no more to touch than one with none. Callers
        that change ``field_sources`` themselves call it first."""
        found = journal.current()
        if found is None or not found.first_touch(profile):
            return
        saved = (
            copy.deepcopy(profile.fields),
            dict(profile.field_sources),
            profile.last_updated_at,
            profile.expires_at,
        )

        def restore() -> None:
            (
                profile.fields,
                profile.field_sources,
                profile.last_updated_at,
                profile.expires_at,
            ) = saved
            if self.profiles.get(profile.profile_id) is profile:
                self._reindex_derived(profile)

        journal.record(restore)

    def _holds(self, profile: Profile, object_type: str, obj: ProfileObject) -> None:
        """Put an object in a profile's map, journaled."""
        profile.objects.setdefault(object_type, {})[obj.unique_key] = obj
        journal.record(functools.partial(self._drops, profile, object_type, obj))

    def _drops(self, profile: Profile, object_type: str, obj: ProfileObject) -> None:
        """Take an object out of a profile's map, journaled."""
        by_key = profile.objects.get(object_type, {})
        if by_key.pop(obj.unique_key, None) is None:
            return
        if not by_key:
            profile.objects.pop(object_type, None)
        journal.record(functools.partial(self._holds, profile, object_type, obj))

    def _unindex(self, profile: Profile) -> None:
        """Take every key value of the profile out of the index, whatever it holds now."""
        pid = profile.profile_id
        held = [(k, v) for k, values in profile.keys.items() for v in values]
        held += [(k, v) for k, values in self.derived.get(pid, {}).items() for v in values]
        for key_name, value in held:
            by_value = self.index.get(key_name, {})
            self._index_remove(by_value, self.normalize(key_name, value), pid, profile.seq)
        self.derived.pop(pid, None)

    def _restore_profile(self, profile: Profile) -> None:
        """Undo a removal: the profile back in the store and the index."""
        self.profiles[profile.profile_id] = profile
        self._index_all(profile)

    def _index_all(self, profile: Profile) -> None:
        for key_name, values in profile.keys.items():
            for value in values:
                self._index_add(key_name, value, profile.profile_id)
        self._reindex_derived(profile)

    # -- profiles -------------------------------------------------------------------
    def create_profile(
        self, fields: dict[str, Any], expires_at: datetime | None, announce: bool = True
    ) -> Profile:
        """A new profile; ``announce=False`` lets the caller publish it once it is filled."""
        stamp = now()
        profile = Profile(
            profile_id=new_id(),
            seq=next(self._seq),
            fields={k: v for k, v in fields.items() if v is not None},
            created_at=stamp,
            last_updated_at=stamp,
        )
        self.profiles[profile.profile_id] = profile
        self._reindex_derived(profile)
        self._add("fields", fields_size(profile.fields))
        self._add("metering", 1)
        self._count_values(profile.fields, +1)
        self.set_expiry(profile, expires_at)

        def forget() -> None:
            self._unindex(profile)
            if self.profiles.get(profile.profile_id) is profile:
                del self.profiles[profile.profile_id]

        journal.record(forget)
        if announce:
            self.on_change(Change(events.PROFILE_CREATED, profile.profile_id))
        return profile

    def set_fields(self, profile: Profile, fields: dict[str, Any], announce: bool = True) -> None:
        """Replace the profile's standard fields wholesale and re-derive its predefined keys.

        An update is published only when the fields really changed.
        """
        self.touch(profile)
        before = profile.fields
        profile.fields = {k: v for k, v in fields.items() if v not in (None, {}, [])}
        if self.profiles.get(profile.profile_id) is profile:
            self._add("fields", fields_size(profile.fields) - fields_size(before))
            self._count_values(before, -1)
            self._count_values(profile.fields, +1)
        profile.last_updated_at = now()
        self._reindex_derived(profile)
        if announce and profile.fields != before:
            self.on_change(Change(events.PROFILE_UPDATED, profile.profile_id, before=before))

    def announce(self, kind: str, profile: Profile) -> None:
        """Publish a profile change the caller assembled (a filled inferred profile, a merge)."""
        self.on_change(Change(kind, profile.profile_id))

    def set_expiry(self, profile: Profile, expires_at: datetime | None) -> None:
        self.touch(profile)
        profile.expires_at = expires_at
        schedule = self.expiring_profiles
        if expires_at is not None and schedule.sooner(profile, expires_at):
            schedule.put(profile, profile.profile_id, expires_at, len(self.profiles))

    def remove_profile(self, profile_id: str, reason: str = "DELETED") -> Profile | None:
        """Drop a profile with its keys and objects (history stays)."""
        profile = self.profiles.get(profile_id)
        if profile is None:
            return None
        self.touch(profile)
        for by_key in list(profile.objects.values()):
            for obj in list(by_key.values()):
                self.remove_object(obj, reason)
        del self.profiles[profile_id]
        self._add("fields", -fields_size(profile.fields))
        self._add("metering", -self._meter(profile))
        self._count_values(profile.fields, -1)
        for key_name, values in list(profile.keys.items()):
            for value in list(values):
                self._index_discard(key_name, value, profile_id)
        for key_name, derived_values in self.derived.pop(profile_id, {}).items():
            for value in derived_values:
                self._index_discard(key_name, value, profile_id)
        journal.record(functools.partial(self._restore_profile, profile))
        self.on_change(
            Change(events.PROFILE_REMOVED, profile_id, reason=reason, before=profile.to_dict())
        )
        return profile

    # -- explicit keys --------------------------------------------------------------
    def add_key(self, profile: Profile, key_name: str, value: str, source: Source) -> None:
        self.feed(source, profile.profile_id)
        values = profile.keys.setdefault(key_name, {})
        held = values.get(value)
        added = True
        if held is None:
            values[value] = source  # most values have one source: no tuple for them
        elif source in key_sources(held):
            added = False
        else:
            values[value] = self._sources((*key_sources(held), source))
        if added:
            journal.record(functools.partial(self.remove_key, profile, key_name, value, source))
        self._index_add(key_name, value, profile.profile_id)

    def _sources(self, sources: tuple[Source, ...]) -> HeldBy:
        """Several sources as one tuple in canonical order; one tuple per set of names."""
        ordered = tuple(sorted(sources, key=_source_order))
        if len(ordered) == 1:
            return ordered[0]
        if all(isinstance(s, str) for s in ordered):
            return self._shared_sources.setdefault(ordered, ordered)
        return ordered

    def remove_key(
        self, profile: Profile, key_name: str, value: str, source: Source | None = None
    ) -> bool:
        """Remove one source of a key value (every source when ``source`` is None)."""
        values = profile.keys.get(key_name, {})
        held = values.get(value)
        if held is None:
            return False
        sources = key_sources(held)
        removed = sources if source is None else tuple(s for s in sources if s == source)
        for gone in removed:
            journal.record(functools.partial(self.add_key, profile, key_name, value, gone))
        remaining = tuple(s for s in sources if s not in removed)
        if remaining:
            values[value] = self._sources(remaining)
        else:
            del values[value]
            if not values:
                del profile.keys[key_name]
            self._index_discard(key_name, value, profile.profile_id)
        return True

    # -- objects --------------------------------------------------------------------
    def next_object_seq(self) -> int:
        return next(self._object_seq)

    def feed(self, source: Source, profile_id: str) -> None:
        """Note that object type ``source`` gave this profile something (``fed_by``);
        the API's and merges' sources (``_...``) and single objects are not types."""
        if not isinstance(source, str) or source.startswith("_"):
            return
        fed = self.fed_by.get(source)
        if fed is None:
            fed = self.fed_by[source] = set()
        if profile_id not in fed:
            fed.add(profile_id)
            journal.record(functools.partial(self._unfeed, source, profile_id))

    def _unfeed(self, source: str, profile_id: str) -> None:
        fed = self.fed_by.get(source, set())
        fed.discard(profile_id)
        if not fed:
            self.fed_by.pop(source, None)

    def _journal_maps(self, obj: ProfileObject) -> None:
        """Remember the store's map entries for this object, and its owner, as they are."""
        if journal.current() is None:
            return
        kind = obj.object_type
        saved = (
            self.objects_by_unique.get(kind, {}).get(obj.unique_value),
            self.objects_by_key.get(obj.unique_key),
            self.unattached.get(obj.unique_key),
            obj.profile_id,
            self.objects_of_type.get(kind, {}).get(obj.unique_key),
        )

        def restore() -> None:
            # The per-type maps are looked up now, not when journaled: a later restore
            # may have dropped an emptied one.
            by_unique = self.objects_by_unique.setdefault(kind, {})
            of_type = self.objects_of_type.setdefault(kind, {})
            maps: list[tuple[dict[Any, Any], Any, Any]] = [
                (by_unique, obj.unique_value, saved[0]),
                (self.objects_by_key, obj.unique_key, saved[1]),
                (self.unattached, obj.unique_key, saved[2]),
                (of_type, obj.unique_key, saved[4]),
            ]
            for mapping, key, value in maps:
                if value is None:
                    mapping.pop(key, None)
                else:
                    mapping[key] = value
            if not of_type:
                self.objects_of_type.pop(kind, None)
            if not by_unique:
                self.objects_by_unique.pop(kind, None)
            obj.profile_id = saved[3]

        journal.record(restore)

    def attach_object(self, obj: ProfileObject, profile: Profile | None) -> None:
        self._journal_maps(obj)
        self.objects_by_unique.setdefault(obj.object_type, {})[obj.unique_value] = obj
        self.objects_by_key[obj.unique_key] = obj
        self.objects_of_type.setdefault(obj.object_type, {})[obj.unique_key] = obj
        if profile is not None:
            self.feed(obj.object_type, profile.profile_id)
        obj.profile_id = profile.profile_id if profile else None
        self._add("bodies", len(obj.body))
        if profile is None:
            self.unattached[obj.unique_key] = obj
        else:
            metered = self._meter(profile)
            self._holds(profile, obj.object_type, obj)
            self._add("metering", self._meter(profile) - metered)
        expires_at, schedule = obj.expires_at, self.expiring_objects
        if expires_at is not None and schedule.sooner(obj, expires_at):
            schedule.put(obj, obj.unique_key, expires_at, len(self.objects_by_key))
        self.on_change(Change(events.OBJECT_ADDED, obj.profile_id, obj))

    def move_object(self, obj: ProfileObject, profile: Profile) -> None:
        """Re-home an object on another profile (a merge), as a removal and an addition."""
        self._journal_maps(obj)
        old = self.profiles.get(obj.profile_id or "")
        if old is not None:
            metered = self._meter(old)
            self._drops(old, obj.object_type, obj)
            self._add("metering", self._meter(old) - metered)
        self.on_change(Change(events.OBJECT_REMOVED, obj.profile_id, obj, reason="MERGED"))
        obj.profile_id = profile.profile_id
        self.feed(obj.object_type, profile.profile_id)
        metered = self._meter(profile)
        self._holds(profile, obj.object_type, obj)
        self._add("metering", self._meter(profile) - metered)
        self.on_change(Change(events.OBJECT_ADDED, obj.profile_id, obj, reason="MERGED"))

    def remove_object(self, obj: ProfileObject, reason: str = "DELETED") -> None:
        self._journal_maps(obj)
        if self.objects_by_key.get(obj.unique_key) is obj:
            self._add("bodies", -len(obj.body))
        self.objects_by_unique.get(obj.object_type, {}).pop(obj.unique_value, None)
        self.objects_by_key.pop(obj.unique_key, None)
        self.unattached.pop(obj.unique_key, None)
        self.objects_of_type.get(obj.object_type, {}).pop(obj.unique_key, None)
        profile = self.profiles.get(obj.profile_id or "")
        if profile is not None:
            metered = self._meter(profile)
            self._drops(profile, obj.object_type, obj)
            self._add("metering", self._meter(profile) - metered)
            for owned in obj.owned_keys:
                key_name, _, value = owned.partition("\x00")
                self.remove_key(profile, key_name, value or obj.key_values[key_name], obj.source)
        self.on_change(Change(events.OBJECT_REMOVED, obj.profile_id, obj, reason=reason))

    def find_object(self, unique_key: str) -> ProfileObject | None:
        return self.objects_by_key.get(unique_key)

    # -- history --------------------------------------------------------------------
    def record(
        self,
        profile_id: str,
        action_type: str,
        content: Any,
        performed_by: str,
        object_type_name: str = "_profile",
        unique_key: str | None = None,
        stamp: datetime | None = None,
    ) -> HistoryRecord:
        """One history record; ``stamp`` lets a record share the datetime of the write
        it records (memory: one object, not two)."""
        stamp = stamp or now()
        entry = HistoryRecord(
            number=mock_random.uuid4().int,
            object_type_name=object_type_name,
            action_type=action_type,
            content=content if isinstance(content, str) else json.dumps(content, default=str),
            performed_by=performed_by,
            created_at=stamp,
            profile_object_unique_key=unique_key,
        )
        records = self.history.setdefault(profile_id, [])
        records.append(entry)

        def forget() -> None:
            records.pop()
            if not records:
                self.history.pop(profile_id, None)

        journal.record(forget)
        return entry

    # -- expiry ---------------------------------------------------------------------
    def expire(self, on_profile_expired: Callable[[Profile], Any]) -> None:
        """Drop what has expired by the mock's clock; O(1) when nothing has."""
        if not (self.expiring_profiles.pending() or self.expiring_objects.pending()):
            return  # every call passes here: no clock read when nothing is scheduled
        stamp = now()
        for profile in self.expiring_profiles.due(stamp):
            on_profile_expired(profile)
            self.remove_profile(profile.profile_id, "EXPIRED")
        for obj in self.expiring_objects.due(stamp):
            self.remove_object(obj, "EXPIRED")

    def remove_excess_objects(self, profile: Profile, object_type: str, limit: int | None) -> None:
        """Keep only the ``limit`` newest objects of a type on a profile (MaxProfileObjectCount)."""
        held = profile.objects.get(object_type, {})
        if limit is not None and len(held) > limit:
            oldest = sorted(held.values(), key=lambda o: (o.ingested_at, o.seq))
            for obj in oldest[: len(held) - limit]:
                self.remove_object(obj, "TRIMMED")

    def ordered_profiles(self, ids: Iterable[str]) -> list[Profile]:
        found = [self.profiles[i] for i in ids if i in self.profiles]
        return sorted(found, key=lambda p: p.seq)


def attribute_values(fields: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, value) of every non-empty text value of a profile: standard fields, address
    sub-fields as ``Address.City``, custom attributes as ``Attributes.x``."""
    for name, value in fields.items():
        if isinstance(value, str):
            if value:
                yield name, value
        elif isinstance(value, dict):
            for sub, inner in value.items():
                if isinstance(inner, str) and inner:
                    yield f"{name}.{sub}", inner


def fields_size(fields: dict[str, Any]) -> int:
    """What a profile's own fields count towards the domain's TotalSize."""
    return len(json.dumps(fields, default=str))


def expiry_after(days: int | None) -> datetime | None:
    return now() + timedelta(days=days) if days else None

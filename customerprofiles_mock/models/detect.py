"""DetectProfileObjectType: propose an object type mapping from sample objects (§4.8).

The real service's detector is not documented; this one reads field names and values:
emails, phone numbers, numbers, names and dates get their content types and, where the
name says so, a standard profile target. An id-like field becomes the UNIQUE key, and
email and phone fields become PROFILE keys ``_email`` and ``_phone`` [inference].
"""

from __future__ import annotations

import re
from typing import Any

from .base import CoreBackend
from .mapping import parse_object

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$")
#: Lower-cased field names (separators removed) -> standard profile target.
_TARGETS = {
    "firstname": "_profile.FirstName",
    "givenname": "_profile.FirstName",
    "lastname": "_profile.LastName",
    "surname": "_profile.LastName",
    "familyname": "_profile.LastName",
    "middlename": "_profile.MiddleName",
    "email": "_profile.EmailAddress",
    "emailaddress": "_profile.EmailAddress",
    "phone": "_profile.PhoneNumber",
    "phonenumber": "_profile.PhoneNumber",
    "mobile": "_profile.MobilePhoneNumber",
    "mobilephone": "_profile.MobilePhoneNumber",
    "birthdate": "_profile.BirthDate",
    "dateofbirth": "_profile.BirthDate",
    "company": "_profile.BusinessName",
    "businessname": "_profile.BusinessName",
    "accountnumber": "_profile.AccountNumber",
    "city": "_profile.Address.City",
    "state": "_profile.Address.State",
    "country": "_profile.Address.Country",
    "postalcode": "_profile.Address.PostalCode",
    "zip": "_profile.Address.PostalCode",
    "zipcode": "_profile.Address.PostalCode",
    "address": "_profile.Address.Address1",
    "street": "_profile.Address.Address1",
    "gender": "_profile.GenderString",
}


def _flatten(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in document.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        elif not isinstance(value, list):
            flat[path] = value
    return flat


def _content_type(name: str, value: Any) -> str:
    text = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "NUMBER"
    if _EMAIL.match(text):
        return "EMAIL_ADDRESS"
    if "phone" in name.lower() or "mobile" in name.lower():
        return "PHONE_NUMBER" if _PHONE.match(text) else "STRING"
    if name.lower().replace("_", "") in ("firstname", "lastname", "middlename", "name"):
        return "NAME"
    return "STRING"


def _field_name(path: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_.-]", "_", path)[:64]


class DetectMixin(CoreBackend):
    def detect_profile_object_type(self, domain_name: str, objects: list[str]) -> dict[str, Any]:
        self.domain(domain_name)
        samples: dict[str, Any] = {}
        for text in objects:
            for path, value in _flatten(parse_object(text, "Objects")).items():
                if value not in (None, ""):
                    samples.setdefault(path, value)
        if not samples:
            return {"DetectedProfileObjectTypes": []}
        fields: dict[str, dict[str, str]] = {}
        keys: dict[str, list[dict[str, Any]]] = {}
        timestamp_format = None
        for path, value in samples.items():
            name = _field_name(path)
            content = _content_type(path.rsplit(".", 1)[-1], value)
            spec = {"Source": f"_source.{path}", "ContentType": content}
            target = _TARGETS.get(path.rsplit(".", 1)[-1].lower().replace("_", ""))
            if target:
                spec["Target"] = target
            fields[name] = spec
            if content == "EMAIL_ADDRESS" and "_email" not in keys:
                keys["_email"] = [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [name]}]
            if content == "PHONE_NUMBER" and "_phone" not in keys:
                keys["_phone"] = [{"StandardIdentifiers": ["PROFILE"], "FieldNames": [name]}]
            if isinstance(value, str) and _ISO_DATE.match(value) and timestamp_format is None:
                timestamp_format = "yyyy-MM-dd'T'HH:mm:ss'Z'" if "T" in value else "yyyy-MM-dd"
        id_like = [n for n in fields if n.lower() in ("id", "_id") or n.lower().endswith("id")]
        unique_field = id_like[0] if id_like else next(iter(fields))
        keys["_unique"] = [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": [unique_field]}]
        detected = {"Fields": fields, "Keys": keys}
        if timestamp_format:
            detected["SourceLastUpdatedTimestampFormat"] = timestamp_format
        return {"DetectedProfileObjectTypes": [detected]}

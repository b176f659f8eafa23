"""Field mappings of object types: evaluating Sources, checking and applying Targets.

A Source is a JSON accessor rooted at ``_source`` (``_source.a.b``) or a Handlebars
template combining such accessors with literal text. A Target names where the value
lands: ``_profile.<StandardField>``, ``_profile.<AddressField>.<SubField>``,
``_profile.Attributes.<name>``, or a field of a standard object (``_asset``, ``_case``,
``_order``).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from ..exceptions import BadRequestException
from ..protocol.model import service_model
from .store import ADDRESS_FIELDS

_ACCESSOR = re.compile(r"^_source(\.[^.{}\s]+)+$")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
STANDARD_OBJECTS = ("_asset", "_case", "_order")
#: How the values of a key made of several fields are joined [inference].
KEY_SEPARATOR = "|"


@functools.lru_cache(maxsize=1)
def profile_fields() -> tuple[str, ...]:
    """Standard profile fields: the model's ``Profile`` members that callers can set."""
    members = service_model().shape_for("Profile").members
    return tuple(m for m in members if m not in ("ProfileId", "FoundByItems"))


@functools.lru_cache(maxsize=1)
def address_subfields() -> tuple[str, ...]:
    return tuple(service_model().shape_for("Address").members)


def check_source(field_name: str, source: str) -> None:
    if _ACCESSOR.match(source):
        return
    placeholders = _PLACEHOLDER.findall(source)
    if placeholders and all(_ACCESSOR.match(p) for p in placeholders):
        return
    raise BadRequestException(
        f"Field {field_name}: Source {source!r} must be rooted at _source, e.g. "
        "_source.a.b or {{_source.a}} {{_source.b}}"
    )


def check_target(field_name: str, target: str) -> None:
    parts = target.split(".")
    if parts[0] in STANDARD_OBJECTS and len(parts) >= 2 and all(parts[1:]):
        return
    if parts[0] == "_profile" and len(parts) >= 2:
        name = parts[1]
        if len(parts) == 2 and name in profile_fields() and name not in ADDRESS_FIELDS:
            return
        if len(parts) == 3 and name in ADDRESS_FIELDS and parts[2] in address_subfields():
            return
        if len(parts) >= 3 and name == "Attributes" and all(parts[2:]):
            return
    raise BadRequestException(
        f"Field {field_name}: Target {target!r} is not a standard profile field, address "
        "field, _profile.Attributes.<name>, or a field of _asset, _case or _order"
    )


def parse_object(text: str, member: str = "Object") -> dict[str, Any]:
    """An ingested object: a JSON object serialized as a string, else BadRequest."""
    try:
        document = json.loads(text)
    except ValueError:
        raise BadRequestException(f"{member} is not a valid JSON string") from None
    if not isinstance(document, dict):
        raise BadRequestException(f"{member} must be a JSON object")
    return document


def _lookup(document: Any, accessor: str) -> Any:
    value = document
    for part in accessor.split(".")[1:]:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text != "" else None


def evaluate(source: str, document: dict[str, Any]) -> str | None:
    """The string value a Source yields for one ingested object, or None when absent."""
    if _ACCESSOR.match(source):
        return _text(_lookup(document, source))
    rendered = _PLACEHOLDER.sub(lambda m: _text(_lookup(document, m.group(1))) or "", source)
    rendered = " ".join(rendered.split())
    return rendered or None


def apply_target(fields: dict[str, Any], target: str, value: str) -> str | None:
    """Write a value into a profile's fields; returns the field path, None if not _profile."""
    parts = target.split(".")
    if parts[0] != "_profile":
        return None
    if parts[1] == "Attributes":
        name = ".".join(parts[2:])
        fields["Attributes"] = {**fields.get("Attributes", {}), name: value}
        return f"Attributes.{name}"
    if len(parts) == 3:
        fields[parts[1]] = {**fields.get(parts[1], {}), parts[2]: value}
        return f"{parts[1]}.{parts[2]}"
    fields[parts[1]] = value
    return parts[1]


def clear_path(fields: dict[str, Any], path: str) -> None:
    """Remove one field path ("FirstName", "Address.City", "Attributes.x") from fields."""
    head, _, rest = path.partition(".")
    if not rest:
        fields.pop(head, None)
        return
    nested = dict(fields.get(head, {}))
    nested.pop(rest, None)
    if nested:
        fields[head] = nested
    else:
        fields.pop(head, None)

"""Field mappings of object types: evaluating Sources, checking and applying Targets.

A Source is a JSON accessor rooted at ``_source`` (``_source.a.b``) or a Handlebars
template combining such accessors with literal text. A Target names where the value
lands: ``_profile.<StandardField>``, ``_profile.<AddressField>.<SubField>``,
``_profile.Attributes.<name>``, or a field of a standard object (``_asset``, ``_order``,
``_loyalty``, ``_airBooking``, ... as listed in ``data/standard_objects.json``).

What a profile field accepts is read from the model's ``Profile`` shape, so a value that
would break the output shape (over-long, outside an enum) never reaches a profile.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from ..exceptions import BadRequestException
from .base import load_data
from .shapes import key_value_shapes, members, service_model
from .store import ADDRESS_FIELDS

_ACCESSOR = re.compile(r"^_source(\.[^.{}\s]+)+$")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
#: How the values of a key made of several fields are joined [inference].
KEY_SEPARATOR = "|"
#: Deepest JSON nesting an ingested object may have [inference: AWS states no limit].
MAX_OBJECT_DEPTH = 100
#: Free-text homes of enum fields, for mapped values outside the enum [inference].
ENUM_FALLBACKS = {"Gender": "GenderString", "PartyType": "PartyTypeString"}


@functools.lru_cache(maxsize=1)
def _profile_members() -> dict[str, Shape]:
    return members(service_model().shape_for("Profile"))


@functools.lru_cache(maxsize=1)
def profile_fields() -> tuple[str, ...]:
    """Standard profile fields: the model's ``Profile`` members that callers can set."""
    return tuple(m for m in _profile_members() if m not in ("ProfileId", "FoundByItems"))


@functools.lru_cache(maxsize=1)
def string_profile_fields() -> tuple[str, ...]:
    """Profile fields a mapping can target directly: the string-valued ones."""
    return tuple(
        name for name in profile_fields() if _profile_members()[name].type_name == "string"
    )


@functools.lru_cache(maxsize=1)
def address_subfields() -> tuple[str, ...]:
    return tuple(members(service_model().shape_for("Address")))


@functools.lru_cache(maxsize=1)
def standard_objects() -> dict[str, dict[str, Any]]:  # type: ignore[misc]  # moto: disallow_any_decorated
    """Standard objects other than the profile, keyed by their target prefix (``_order``)."""
    return {spec["Name"]: spec for spec in load_data("")["standard_objects"]}


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


def profile_path(target: str) -> str | None:
    """``_profile.Address.City`` -> ``Address.City``; None when the target is not valid."""
    parts = target.split(".")
    if parts[0] != "_profile" or len(parts) < 2:
        return None
    name = parts[1]
    if len(parts) == 2 and name in string_profile_fields():
        return name
    if len(parts) == 3 and name in ADDRESS_FIELDS and parts[2] in address_subfields():
        return f"{name}.{parts[2]}"
    if len(parts) >= 3 and name == "Attributes":
        attribute = ".".join(parts[2:])
        if all(parts[2:]) and len(attribute) <= 255:
            return f"Attributes.{attribute}"
    return None


def check_target(field_name: str, target: str) -> None:
    parts = target.split(".")
    if parts[0] in standard_objects() and len(parts) >= 2 and all(parts[1:]):
        return
    if profile_path(target) is not None:
        return
    raise BadRequestException(
        f"Field {field_name}: Target {target!r} is not a string field of the standard "
        "profile (e.g. _profile.FirstName), an address field (_profile.Address.City), a "
        "custom attribute (_profile.Attributes.<name>), or a field of a standard object "
        f"({', '.join(sorted(standard_objects()))})"
    )


def _depth(document: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def parse_object(text: str, member: str = "Object") -> dict[str, Any]:
    """An ingested object: a JSON object serialized as a string, else BadRequest."""
    too_deep = BadRequestException(f"{member} nests deeper than {MAX_OBJECT_DEPTH} levels")
    try:
        document = json.loads(text)
    except RecursionError:
        raise too_deep from None
    except ValueError:
        raise BadRequestException(f"{member} is not a valid JSON string") from None
    if not isinstance(document, dict):
        raise BadRequestException(f"{member} must be a JSON object")
    if _depth(document) > MAX_OBJECT_DEPTH:
        raise too_deep
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
    return _compiled(source)(document)


def compiled(source: str) -> Callable[[dict[str, Any]], str | None]:
    """The function :func:`evaluate` applies for a Source, for callers reading many
    objects through one mapping."""
    return _compiled(source)


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> Callable[[dict[str, Any]], str | None]:  # type: ignore[misc]  # moto: disallow_any_decorated
    """A Source turned into a function once: ingestion, triggers and segments reuse it."""
    if _ACCESSOR.match(source):
        path = source.split(".")[1:]

        def accessor(document: dict[str, Any]) -> str | None:
            value: Any = document
            for part in path:
                if isinstance(value, dict) and part in value:
                    value = value[part]
                elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                    value = value[int(part)]
                else:
                    return None
            return _text(value)

        return accessor

    def template(document: dict[str, Any]) -> str | None:
        rendered = _PLACEHOLDER.sub(lambda m: _text(_lookup(document, m.group(1))) or "", source)
        return " ".join(rendered.split()) or None

    return template


def _fits(shape: Shape, value: str) -> bool:
    limit = shape.metadata.get("max")
    enum = shape.metadata.get("enum")
    return (limit is None or len(value) <= limit) and (not enum or value in enum)


def fit(path: str, value: str) -> tuple[str, str] | None:
    """Where a mapped value may be stored, or None when the field cannot hold it.

    An enum field given a value outside its enum gets the upper-cased value if that is
    a member, else the value goes to the field's free-text twin (Gender -> GenderString).
    """
    head, _, rest = path.partition(".")
    fields_ = _profile_members()
    if head == "Attributes":
        return (path, value) if _fits(key_value_shapes(fields_["Attributes"])[1], value) else None
    shape = fields_[head]
    if rest:
        return (path, value) if _fits(members(shape)[rest], value) else None
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        if value.upper() in enum:
            return head, value.upper()
        twin = ENUM_FALLBACKS.get(head)
        return fit(twin, value) if twin else None
    return (path, value) if _fits(shape, value) else None


def write_path(fields: dict[str, Any], path: str, value: str) -> None:
    """Store a value at a field path ("FirstName", "Address.City", "Attributes.x")."""
    head, _, rest = path.partition(".")
    if rest:
        fields[head] = {**fields.get(head, {}), rest: value}
    else:
        fields[head] = value


def field_paths(fields: dict[str, Any]) -> list[str]:
    """Every leaf path of a profile's fields, in the form field provenance uses."""
    paths: list[str] = []
    for name, value in fields.items():
        if isinstance(value, dict):
            paths.extend(f"{name}.{sub}" for sub in value)
        else:
            paths.append(name)
    return paths


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


def nest(flat: dict[str, str]) -> dict[str, Any]:
    """``{"Price.TotalPrice": "9"}`` -> ``{"Price": {"TotalPrice": "9"}}``, for standard objects."""
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        node = nested
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    return nested

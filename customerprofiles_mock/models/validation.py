"""Shape constraints compiled into closures.

botocore checks only required members, types and minimums on the client, so the
server side must enforce max lengths, patterns, enums and ranges itself. The same
compiled check serves requests (input shapes), whichever layer parsed them (the
plugin's dispatcher or moto's service layer, see :func:`check_input`), and the
conformance check of responses (output shapes). Timestamps come as epoch numbers from
the wire, or as datetimes from moto's parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import Shape

from ..exceptions import BadRequestException
from .shapes import enum_of, item_shape, key_value_shapes, service_model
from .shapes import members as members_of

Check = Callable[[Any, str, list[str]], None]
#: Maps botocore sends even when empty, which the mock reads as "none given" (reference
#: §10.2: whether AWS rejects ``Tags: {}`` is unverified) [inference].
EMPTY_MEANS_ABSENT = frozenset({"TagMap"})
_MAX_SHOWN = 120


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."


def _fail(errors: list[str], value: Any, path: str, constraint: str) -> None:
    errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: {constraint}")


def _check_length(
    errors: list[str], value: Any, path: str, low: int | None, high: int | None
) -> None:
    if low is not None and len(value) < low:
        _fail(errors, value, path, f"Member must have length greater than or equal to {low}")
    if high is not None and len(value) > high:
        _fail(errors, value, path, f"Member must have length less than or equal to {high}")


def _compile_pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct; the other constraints still apply
        return None


class _Compiler:
    def __init__(self) -> None:
        self._memo: dict[str, Check] = {}

    def check_for(self, shape: Shape) -> Check:
        key = shape.name
        if key in self._memo:
            return self._memo[key]
        # Recursive shapes point back at themselves: bind through a cell first.
        cell: list[Check] = []
        self._memo[key] = lambda v, p, e: cell[0](v, p, e)
        built = getattr(self, f"_{shape.type_name}", self._anything)(shape)
        cell.append(built)
        self._memo[key] = built
        return built

    @staticmethod
    def _anything(shape: Shape) -> Check:
        return lambda value, path, errors: None

    def _structure(self, shape: Shape) -> Check:
        members = {
            name: self.check_for(mshape)
            for name, mshape in members_of(shape).items()
            if mshape.serialization.get("location") != "statusCode"
        }
        required = tuple(shape.required_members)

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                _fail(errors, value, path or "body", "Member must be a structure")
                return
            prefix = f"{path}." if path else ""
            for name in required:
                if value.get(name) is None:
                    errors.append(
                        f"Value null at '{prefix}{name}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
            for name, item in value.items():
                member_check = members.get(name)
                if member_check is not None and item is not None:
                    member_check(item, prefix + name, errors)

        return check

    def _list(self, shape: Shape) -> Check:
        item_check = self.check_for(item_shape(shape))
        low, high = shape.metadata.get("min"), shape.metadata.get("max")

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, list):
                _fail(errors, value, path, "Member must be a list")
                return
            _check_length(errors, value, path, low, high)
            for index, item in enumerate(value):
                if item is None:
                    _fail(errors, "null", f"{path}.{index}", "Member must not be null")
                else:
                    item_check(item, f"{path}.{index}", errors)

        return check

    def _map(self, shape: Shape) -> Check:
        key_check = self.check_for(key_value_shapes(shape)[0])
        value_check = self.check_for(key_value_shapes(shape)[1])
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if shape.name in EMPTY_MEANS_ABSENT:
            low = None

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, dict):
                _fail(errors, value, path, "Member must be a map")
                return
            _check_length(errors, value, path, low, high)
            for key, item in value.items():
                key_check(key, f"{path}.key", errors)
                if item is None:
                    _fail(errors, "null", f"{path}.{key}", "Member must not be null")
                else:
                    value_check(item, f"{path}.{key}", errors)

        return check

    def _string(self, shape: Shape) -> Check:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        pattern_text = shape.metadata.get("pattern")
        pattern = _compile_pattern(pattern_text) if pattern_text else None
        enum = frozenset(enum_of(shape)) or None
        enum_text = f"[{', '.join(enum_of(shape))}]" if enum else ""
        pattern_message = f"Member must satisfy regular expression pattern: {pattern_text}"

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, str):
                _fail(errors, value, path, "Member must be a string")
                return
            _check_length(errors, value, path, low, high)
            if enum is not None and value not in enum:
                _fail(errors, value, path, f"Member must satisfy enum value set: {enum_text}")
            if pattern is not None and value and pattern.search(value) is None:
                _fail(errors, value, path, pattern_message)

        return check

    def _number(self, shape: Shape, kinds: tuple[type, ...], label: str) -> Check:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")

        def check(value: Any, path: str, errors: list[str]) -> None:
            if isinstance(value, bool) or not isinstance(value, kinds):
                _fail(errors, value, path, f"Member must be {label}")
                return
            if low is not None and value < low:
                _fail(errors, value, path, f"Member must have value greater than or equal to {low}")
            if high is not None and value > high:
                _fail(errors, value, path, f"Member must have value less than or equal to {high}")

        return check

    def _integer(self, shape: Shape) -> Check:
        return self._number(shape, (int,), "an integer")

    _long = _integer

    def _double(self, shape: Shape) -> Check:
        return self._number(shape, (int, float), "a number")

    _float = _double

    def _timestamp(self, shape: Shape) -> Check:
        epoch = self._number(shape, (int, float), "a timestamp in epoch seconds")

        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, datetime):
                epoch(value, path, errors)

        return check

    @staticmethod
    def _boolean(shape: Shape) -> Check:
        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, bool):
                _fail(errors, value, path, "Member must be a boolean")

        return check

    @staticmethod
    def _blob(shape: Shape) -> Check:
        def check(value: Any, path: str, errors: list[str]) -> None:
            if not isinstance(value, (str, bytes)):
                _fail(errors, value, path, "Member must be a blob")

        return check


def compile_validator(shape: Shape) -> Callable[[Any], list[str]]:
    """Return ``value -> list of violations`` (empty when the value fits the shape)."""
    check = _Compiler().check_for(shape)

    def validate(value: Any) -> list[str]:
        errors: list[str] = []
        check(value, "", errors)
        return errors

    return validate


def summarize(errors: list[str]) -> str:
    """Join violations the way AWS reports them."""
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


_input_validators: dict[str, Callable[[Any], list[str]]] = {}


def check_input(operation: str, params: dict[str, Any]) -> None:
    """Refuse input that breaks the operation's input shape, as AWS does, with
    BadRequestException (this service models no ValidationException)."""
    validate = _input_validators.get(operation)
    if validate is None:
        shape = service_model().operation_model(operation).input_shape
        validate = compile_validator(shape) if shape is not None else (lambda _v: [])
        _input_validators[operation] = validate
    errors = validate(params)
    if errors:
        raise BadRequestException(summarize(errors))

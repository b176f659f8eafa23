"""Backend results -> wire JSON, shaped by the operation's output shape.

Backends return plain dicts keyed by model member names. Serialization keeps only
modeled members, drops ``None`` (a required member is sent as ``null``), and turns
datetimes into epoch seconds. Lists and maps of scalars are copied without descending
into them. An empty list or map whose shape requires at least one entry is omitted,
as AWS would not send it, unless it is the whole response (``ListTagsForResource``
answers ``{"tags": {}}`` for an untagged resource).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import Shape

from .model import item_shape, key_value_shapes
from .model import members as members_of

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    return value


class _Compiler:
    def __init__(self) -> None:
        self._memo: dict[str, Convert] = {}
        self._walk: dict[str, bool] = {}

    def needs_walk(self, shape: Shape, seen: frozenset[str] = frozenset()) -> bool:
        if shape.name in self._walk:
            return self._walk[shape.name]
        if shape.name in seen:
            return False
        seen = seen | {shape.name}
        kind = shape.type_name
        if kind in ("timestamp", "structure"):
            found = True
        elif kind == "list":
            found = self.needs_walk(item_shape(shape), seen)
        elif kind == "map":
            found = self.needs_walk(key_value_shapes(shape)[1], seen)
        else:
            found = False
        self._walk[shape.name] = found
        return found

    def convert_for(self, shape: Shape) -> Convert:
        if shape.name in self._memo:
            return self._memo[shape.name]
        cell: list[Convert] = []
        self._memo[shape.name] = lambda v: cell[0](v)
        kind = shape.type_name
        built: Convert
        if kind == "timestamp":
            built = _timestamp
        elif kind == "structure":
            built = self._structure(shape)
        elif kind == "list" and self.needs_walk(shape):
            item = self.convert_for(item_shape(shape))
            built = lambda v: [item(x) for x in v]  # noqa: E731
        elif kind == "map" and self.needs_walk(shape):
            item = self.convert_for(key_value_shapes(shape)[1])
            built = lambda v: {k: item(x) for k, x in v.items()}  # noqa: E731
        else:
            built = _identity
        cell.append(built)
        self._memo[shape.name] = built
        return built

    def _structure(self, shape: Shape) -> Convert:
        members = {
            name: self.convert_for(mshape)
            for name, mshape in members_of(shape).items()
            if mshape.serialization.get("location") is None
        }
        required = set(getattr(shape, "required_members", ()))
        non_empty = frozenset(  # omitted when empty, unless the member is required
            name
            for name, mshape in members_of(shape).items()
            if mshape.type_name in ("list", "map")
            and mshape.metadata.get("min", 0) >= 1
            and name not in required
        )
        if len(members) == 1:
            non_empty = frozenset()

        def convert(value: Any) -> Any:
            if not isinstance(value, dict):
                value = value.to_dict()
            out: dict[str, Any] = {}
            for name, item in value.items():
                conv = members.get(name)
                if conv is None or (not item and name in non_empty):
                    continue
                if item is None:
                    if name in required:  # AWS sends a required member it has no value for
                        out[name] = None  # as null (attribute statistics of text values)
                    continue
                out[name] = conv(item)
            return out

        return convert


def compile_serializer(shape: Shape) -> Convert:
    """Return ``result -> JSON-ready dict`` for one output shape."""
    return _Compiler().convert_for(shape)

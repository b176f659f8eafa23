"""Everything protocol-level is read from botocore's service model, never hand-written.

One :class:`OperationSpec` per operation holds what the request path needs (URI
segments, query-string names, body members, keyword names for the backend) and, built
lazily, the compiled validator and serializer for its shapes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name
from botocore.model import (
    OperationModel,
    Shape,
)

from ..models.shapes import (  # noqa: F401  (re-exported for the protocol modules)
    SERVICE_NAME,
    enum_of,
    item_shape,
    key_value_shapes,
    members,
    service_model,
)

EVENT_PREFIX = "before-send.customer-profiles."
_LABEL = re.compile(r"^\{([A-Za-z0-9_]+)\}$")


@dataclass
class OperationSpec:
    """The wire facts of one operation, precomputed so a request costs dict look-ups."""

    name: str
    model: OperationModel
    method: str
    segments: tuple[str | None, ...]  # literal segment, or None where a label stands
    label_names: tuple[str, ...]  # member name of each label, in order
    query: dict[str, tuple[str, Shape]]  # query-string name -> (member name, shape)
    body_members: frozenset[str]
    kwargs: dict[str, str]  # member name -> backend keyword
    py_name: str
    success_code: int
    status_member: str | None  # output member bound to the HTTP status line
    _validator: Callable[[Any], list[str]] | None = field(default=None, repr=False)
    _serializer: Callable[[Any], Any] | None = field(default=None, repr=False)

    @property
    def input_shape(self) -> Shape | None:
        return self.model.input_shape

    @property
    def output_shape(self) -> Shape | None:
        return self.model.output_shape

    @property
    def error_codes(self) -> frozenset[str]:
        return frozenset(shape.name for shape in self.model.error_shapes)

    def validator(self) -> Callable[[Any], list[str]]:
        if self._validator is None:
            from ..models.validation import compile_validator

            shape = self.input_shape
            self._validator = compile_validator(shape) if shape else (lambda _v: [])
        return self._validator

    def serializer(self) -> Callable[[Any], Any]:
        if self._serializer is None:
            from .serializer import compile_serializer

            shape = self.output_shape
            self._serializer = compile_serializer(shape) if shape else (lambda _v: {})
        return self._serializer

    def match_path(self, path_segments: list[str]) -> dict[str, str] | None:
        """Return URI labels if the (still percent-encoded) segments fit this operation."""
        if len(path_segments) != len(self.segments):
            return None
        labels: list[str] = []
        for want, got in zip(self.segments, path_segments, strict=True):
            if want is None:
                if not got:
                    return None
                labels.append(got)
            elif want != got:
                return None
        return dict(zip(self.label_names, labels, strict=True))


def _build(op_model: OperationModel) -> OperationSpec:
    http = op_model.http
    path = http["requestUri"].split("?", 1)[0]
    segments: list[str | None] = []
    label_names: list[str] = []
    for part in path.strip("/").split("/"):
        label = _LABEL.match(part)
        if label:
            segments.append(None)
            label_names.append(label.group(1))
        else:
            segments.append(part)
    shape = op_model.input_shape
    query: dict[str, tuple[str, Shape]] = {}
    body: set[str] = set()
    kwargs: dict[str, str] = {}
    uri_members: dict[str, str] = {}
    if shape is not None:
        for member, mshape in members(shape).items():
            kwargs[member] = xform_name(member)
            location = mshape.serialization.get("location")
            wire = mshape.serialization.get("name", member)
            if location == "querystring":
                query[wire] = (member, mshape)
            elif location == "uri":
                uri_members[wire] = member
            else:
                body.add(member)
    status_member = None
    if op_model.output_shape is not None:
        for member, mshape in members(op_model.output_shape).items():
            if mshape.serialization.get("location") == "statusCode":
                status_member = member
    return OperationSpec(
        name=op_model.name,
        model=op_model,
        method=http["method"],
        segments=tuple(segments),
        label_names=tuple(uri_members.get(n, n) for n in label_names),
        query=query,
        body_members=frozenset(body),
        kwargs=kwargs,
        py_name=xform_name(op_model.name),
        success_code=int(http.get("responseCode", 200)),
        status_member=status_member,
    )


@functools.lru_cache(maxsize=1)
def operations() -> dict[str, OperationSpec]:
    """All operations of the installed model, keyed by operation name."""
    model = service_model()
    return {name: _build(model.operation_model(name)) for name in model.operation_names}


@functools.lru_cache(maxsize=1)
def by_event_name() -> dict[str, OperationSpec]:
    """Operation specs keyed by botocore's ``before-send`` event name, for the hot path."""
    return {EVENT_PREFIX + name: spec for name, spec in operations().items()}

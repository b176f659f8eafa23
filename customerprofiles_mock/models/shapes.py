"""Shape helpers over botocore's service model, for the families that read it.

The Profile and Address shapes say which standard fields a mapping may target; reading
them here keeps the families free of the plugin's protocol layer.
"""

from __future__ import annotations

import functools
from typing import cast

import botocore.session
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StringShape, StructureShape

SERVICE_NAME = "customer-profiles"


def members(shape: Shape) -> dict[str, Shape]:
    """Members of a structure shape (typed accessors: botocore's stubs type ``Shape`` only)."""
    return dict(cast(StructureShape, shape).members)


def item_shape(shape: Shape) -> Shape:
    return cast(ListShape, shape).member


def key_value_shapes(shape: Shape) -> tuple[Shape, Shape]:
    mapped = cast(MapShape, shape)
    return mapped.key, mapped.value


def enum_of(shape: Shape) -> list[str]:
    return list(cast(StringShape, shape).enum or ())


@functools.lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """Load the model once per process; botocore's own loader caches the JSON."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)

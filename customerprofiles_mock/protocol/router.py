"""Method + path -> operation, for requests that did not come through botocore's events."""

from __future__ import annotations

import functools

from .model import OperationSpec, operations


@functools.lru_cache(maxsize=1)
def _table() -> dict[tuple[str, int], list[OperationSpec]]:
    table: dict[tuple[str, int], list[OperationSpec]] = {}
    for spec in operations().values():
        table.setdefault((spec.method, len(spec.segments)), []).append(spec)
    for candidates in table.values():
        # A literal segment beats a label at the same position, so
        # /profiles/keys never reads as /profiles/{ProfileId}.
        candidates.sort(key=lambda s: tuple(seg is None for seg in s.segments))
    return table


def route(method: str, path: str) -> tuple[OperationSpec, dict[str, str]] | None:
    """Find the operation for a request line; ``None`` when nothing in the model matches."""
    segments = path.strip("/").split("/")
    for spec in _table().get((method.upper(), len(segments)), ()):
        labels = spec.match_path(segments)
        if labels is not None:
            return spec, labels
    return None


@functools.lru_cache(maxsize=1)
def path_roots() -> frozenset[str]:
    """First path segments of this service's operations (``domains``, ``templates``, ...)."""
    return frozenset(s.segments[0] for s in operations().values() if s.segments and s.segments[0])

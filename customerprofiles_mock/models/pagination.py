"""One pagination mechanism for every list operation.

The token names the sort key of the last item returned, so a page boundary survives
items being added or removed between calls: every item is returned at most once, and
every item present throughout the listing is returned exactly once.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import heapq
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..exceptions import BadRequestException

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 100


def encode_token(last_key: Any) -> str:
    raw = json.dumps({"after": last_key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: str) -> Any:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        return data["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise BadRequestException("The NextToken is invalid or has expired.") from exc


def paginate(
    items: Sequence[T],
    key: Callable[[T], Any],
    next_token: str | None,
    max_results: int | None,
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> tuple[list[T], str | None]:
    """Return one page of ``items`` (sorted by ``key`` here) and the token for the next."""
    ordered = sorted(items, key=key)
    return paginate_sorted(
        ordered, [key(item) for item in ordered], next_token, max_results, default_page_size
    )


def paginate_sorted(
    ordered: Sequence[T],
    keys: Sequence[Any],
    next_token: str | None,
    max_results: int | None,
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> tuple[list[T], str | None]:
    """One page of items a caller keeps sorted, with their sort keys: no sort per call."""
    start = 0
    if next_token:
        after = decode_token(next_token)
        if isinstance(after, list):  # JSON turned a tuple key into a list
            after = tuple(after)
        try:
            start = bisect.bisect_right(keys, after)
        except TypeError as exc:
            raise BadRequestException("The NextToken is invalid or has expired.") from exc
    size = max_results or default_page_size
    page = list(ordered[start : start + size])
    more = start + size < len(ordered)
    return page, (encode_token(keys[start + size - 1]) if more else None)


def paginate_smallest(
    items: Sequence[T],
    key: Callable[[T], Any],
    next_token: str | None,
    max_results: int | None,
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> tuple[list[T], str | None]:
    """The page :func:`paginate` answers, chosen without sorting every item: the items
    after the token's key, then the smallest ``page size + 1`` of them."""
    candidates: Sequence[T] | list[T] = items
    if next_token:
        after = decode_token(next_token)
        if isinstance(after, list):
            after = tuple(after)
        try:
            candidates = [item for item in items if key(item) > after]
        except TypeError as exc:
            raise BadRequestException("The NextToken is invalid or has expired.") from exc
    size = max_results or default_page_size
    chosen = heapq.nsmallest(size + 1, candidates, key=key)
    page = chosen[:size]
    return page, (encode_token(key(page[-1])) if len(chosen) > size else None)

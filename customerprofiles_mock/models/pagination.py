"""One pagination mechanism for every list operation.

The token names the sort key of the last item returned, so a page boundary survives
items being added or removed between calls: every item is returned at most once, and
every item present throughout the listing is returned exactly once.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..exceptions import BadRequestException
from .shapes import members, service_model

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


# --- tokens bound to their query ------------------------------------------------------
# A NextToken handed out for one query is refused by another (other filters, another
# domain): whoever serves the models unwraps the caller's token before the call and
# wraps the answer's after it, so the backend only sees its own inner tokens.

_PAGING = ("NextToken", "MaxResults")
_paged: dict[str, bool] = {}


def _fingerprint(operation: str, params: dict[str, Any]) -> str:
    """What a NextToken is bound to: the operation and every input but the paging ones."""
    basis = {k: v for k, v in params.items() if k not in _PAGING and v is not None}
    raw = json.dumps([operation, basis], sort_keys=True, default=str).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def unwrap_token(operation: str, params: dict[str, Any]) -> str | None:
    """Check the caller's NextToken belongs to this query and unwrap it in ``params``;
    returns what :func:`wrap_token` binds the answer's token to (None when unpaged)."""
    paged = _paged.get(operation)
    if paged is None:
        shape = service_model().operation_model(operation).input_shape
        paged = _paged[operation] = shape is not None and "NextToken" in members(shape)
    if not paged:
        return None
    fingerprint = _fingerprint(operation, params)
    token = params.get("NextToken")
    if token:
        bound, _, inner = str(token).partition(".")
        if bound != fingerprint or not inner:
            raise BadRequestException(
                "The NextToken does not belong to this request: it was issued for "
                "another query, or it is invalid or has expired."
            )
        params["NextToken"] = inner
    return fingerprint


def wrap_token(fingerprint: str | None, answer: Any) -> None:
    """Bind the answer's NextToken (if any) to the query it pages."""
    if fingerprint is not None and isinstance(answer, dict) and answer.get("NextToken"):
        answer["NextToken"] = f"{fingerprint}.{answer['NextToken']}"

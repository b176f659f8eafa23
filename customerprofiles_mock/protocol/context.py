"""What the dispatcher shares with the families without importing them.

Families import this module, never the dispatcher (which imports the families).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from ..exceptions import CustomerProfilesError
from ..models.base import request_base  # noqa: F401  (the dispatcher sets it per request)

Response = tuple[int, dict[str, str], bytes]
#: Paths that are not API operations (the upload URLs GetUploadJobPath hands out):
#: prefix -> handler(method, path, query, headers, body) answering a whole Response.
RawHandler = Callable[[str, str, str, Mapping[str, Any], bytes], Response]
raw_routes: dict[str, RawHandler] = {}


def headers_for(**extra: str) -> dict[str, str]:
    """AWS sends a fresh request id with every answer, errors included."""
    return {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4()), **extra}


def error_response(error: CustomerProfilesError) -> Response:
    headers = headers_for(**{"x-amzn-ErrorType": error.code})
    return error.status, headers, json.dumps({"Message": error.message}).encode()

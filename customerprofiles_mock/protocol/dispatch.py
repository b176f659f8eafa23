"""The path of one request: route -> parse -> validate -> backend -> serialize.

Every entry point (botocore's ``before-send`` event, moto's dispatcher under
``mock_aws``, the local HTTP endpoint) ends up in :func:`handle`, so the modes cannot
drift apart.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from botocore.model import Shape

from ..exceptions import (
    BadRequestException,
    CustomerProfilesError,
    InternalServerException,
    ResourceNotFoundException,
)
from ..models import backend_for
from ..models.pagination import unwrap_token, wrap_token
from ..models.validation import summarize
from .admin import CLOCK_PATH  # noqa: F401  (registers the clock route)
from .context import Response, error_response, headers_for, raw_routes, request_base
from .model import OperationSpec, operations
from .router import route
from .uploads import UPLOAD_PREFIX  # noqa: F401  (registers the upload route)

#: Called with (spec, request params, wire output) after every successful call.
Observer = Callable[[OperationSpec, dict[str, Any], dict[str, Any]], None]

#: Called with (spec, params, method, url, headers, body) before validation; raises
#: to refuse the request (moto's IAM authorization, see moto_bridge).
Authorizer = Callable[[OperationSpec, dict[str, Any], str, str, Mapping[str, Any], Any], None]

MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_REGION = "us-east-1"
observers: list[Observer] = []
authorizer: Authorizer | None = None


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value


def _scope(headers: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Access key and region from the SigV4 credential scope, when the request is signed."""
    auth = _header(headers, "Authorization") or ""
    start = auth.find("Credential=")
    if start < 0:
        return None, None
    parts = auth[start + 11 :].split(",", 1)[0].split("/")
    if len(parts) < 3:
        return None, None
    return parts[0], parts[2]


def _region_from_host(url: str) -> str | None:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    labels = host.split(".")
    if len(labels) > 2 and labels[0] == "profile":
        return labels[1]
    return None


def _account(headers: Mapping[str, Any], access_key: str | None) -> str:
    from ..moto_bridge import account_for_access_key

    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    explicit = _header(headers, "x-moto-account-id")
    if explicit:
        return explicit
    return account_for_access_key(access_key)


def _query_value(member: str, shape: Shape, values: list[str]) -> Any:
    kind = shape.type_name
    if kind == "list":
        return values
    raw = values[-1]
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise BadRequestException(
                summarize(
                    [
                        f"Value '{raw}' at '{member}' failed to satisfy constraint: "
                        "Member must be an integer"
                    ]
                )
            ) from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise BadRequestException(
                summarize(
                    [
                        f"Value '{raw}' at '{member}' failed to satisfy constraint: "
                        "Member must be a boolean"
                    ]
                )
            )
        return raw.lower() == "true"
    return raw


def parse_params(
    spec: OperationSpec, labels: dict[str, str], query: str, body: bytes | str | None
) -> dict[str, Any]:
    """Request parts -> one dict keyed by the model's member names."""
    params: dict[str, Any] = {name: unquote(value) for name, value in labels.items()}
    if query and spec.query:
        grouped: dict[str, list[str]] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            grouped.setdefault(key, []).append(value)
        for wire, values in grouped.items():
            found = spec.query.get(wire)
            if found is not None:
                params[found[0]] = _query_value(found[0], found[1], values)
    if body:
        if len(body) > MAX_BODY_BYTES:
            raise BadRequestException(
                f"Request body of {len(body)} bytes exceeds the limit of {MAX_BODY_BYTES} bytes"
            )
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequestException("The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadRequestException("The request body must be a JSON object")
        for name in spec.body_members.intersection(data):
            params[name] = data[name]
    return params


def _resolve(method: str, path: str, spec: OperationSpec | None) -> tuple[OperationSpec, dict]:
    if spec is not None:
        labels = spec.match_path(path.strip("/").split("/"))
        if labels is not None:
            return spec, labels
    found = route(method, path)
    if found is None:
        raise ResourceNotFoundException(
            f"No Customer Profiles operation matches {method.upper()} {path or '/'}"
        )
    return found


def _run(spec: OperationSpec, params: dict[str, Any], backend: Any) -> tuple[Any, dict]:
    """One operation on one backend: atomic, and serialized under the backend's lock."""
    operation = getattr(backend, spec.py_name, None)
    if operation is None:
        raise BadRequestException(f"{spec.name} is not implemented yet by customerprofiles_mock")
    # The serializer reads live records, so it runs inside the call too.
    with backend.serving():
        result = operation(**{spec.kwargs[name]: value for name, value in params.items()})
        out = spec.serializer()(result if result is not None else {})
    return result, out


def invoke(account_id: str, region: str, operation: str, params: dict[str, Any]) -> dict:
    """Run one operation for a caller inside the process, as a request would run it.

    CloudFormation resources use this, so a template gets the same validation,
    atomicity and errors as an API call. Modeled errors are raised.
    """
    spec = operations()[operation]
    errors = spec.validator()(params)
    if errors:
        raise BadRequestException(summarize(errors))
    return _run(spec, dict(params), backend_for(account_id, region))[1]


def handle(
    method: str,
    url: str,
    headers: Mapping[str, Any],
    body: bytes | str | None,
    spec: OperationSpec | None = None,
    raise_unexpected: bool = False,
) -> Response:
    """Serve one request. ``spec`` skips routing when the caller already knows the operation."""
    address, _, query = url.partition("?")
    base = ""
    if "://" in address:
        scheme, _, rest = address.partition("://")
        host, _, path = rest.partition("/")
        base, address = f"{scheme}://{host}", "/" + path
    for prefix, raw_handler in raw_routes.items():
        if address.startswith(prefix):
            raw_body = body.encode() if isinstance(body, str) else body or b""
            return raw_handler(method.upper(), address, query, headers, raw_body)
    if base:
        request_base.set(base)
    try:
        spec, labels = _resolve(method, address, spec)
        params = parse_params(spec, labels, query, body)
        if authorizer is not None:
            authorizer(spec, params, method, url, headers, body)
        errors = spec.validator()(params)
        if errors:
            raise BadRequestException(summarize(errors))
        access_key, region = _scope(headers)
        region = region or _region_from_host(url) or DEFAULT_REGION
        backend = backend_for(_account(headers, access_key), region)
        fingerprint = unwrap_token(spec.name, params)
        result, out = _run(spec, params, backend)
        wrap_token(fingerprint, out)
        status = spec.success_code
        if spec.status_member and isinstance(result, dict):
            status = int(result.get(spec.status_member) or status)
        for observer in observers:
            observer(spec, params, out)
        return status, headers_for(), json.dumps(out, separators=(",", ":")).encode()
    except CustomerProfilesError as error:
        return error_response(error)
    except Exception as exc:
        if raise_unexpected:
            raise
        return error_response(
            InternalServerException(f"customerprofiles_mock failed: {type(exc).__name__}: {exc}")
        )


def operation_names() -> list[str]:
    return sorted(operations())

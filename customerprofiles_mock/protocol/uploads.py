"""The upload URLs GetUploadJobPath hands out: an HTTP route that is not an API operation.

``PUT`` the file to the URL (as to a presigned S3 URL); the job reads it from there.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

from ..exceptions import AccessDeniedException, BadRequestException, ResourceNotFoundException
from ..models import backend_for
from ..models.upload_jobs import UPLOAD_PREFIX
from .context import Response, error_response, raw_routes


def _receive(method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
    """The upload URL: ``PUT <prefix><account>/<region>/<domain>/<job>?token=...``."""
    parts = path[len(UPLOAD_PREFIX) :].split("/")
    query_values = parse_qs(query)
    token = (query_values.get("token") or [""])[0]
    try:
        expires = float((query_values.get("expires") or ["nan"])[0])
    except ValueError:
        expires = float("nan")
    if method not in ("PUT", "POST") or len(parts) != 4:
        return 405, {"Content-Type": "application/json"}, b'{"Message": "PUT the file here"}'
    account_id, region, domain_name, job_id = parts
    backend = backend_for(account_id, region)
    try:
        with backend.lock:
            backend.receive_upload(
                domain_name, job_id, token, body, None if expires != expires else expires
            )
    except (AccessDeniedException, BadRequestException, ResourceNotFoundException) as error:
        return error_response(error)
    etag = '"' + uuid.uuid5(uuid.NAMESPACE_OID, body.hex()[:64] + str(len(body))).hex + '"'
    return 200, {"ETag": etag}, b""


raw_routes[UPLOAD_PREFIX] = _receive

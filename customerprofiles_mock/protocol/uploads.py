"""The upload URLs GetUploadJobPath hands out: an HTTP route that is not an API operation.

``PUT`` the file to the URL (as to a presigned S3 URL); the job reads it from there.
moto's service layer serves the same URL (``responses.py``) with the same model code.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import AccessDeniedException, BadRequestException, ResourceNotFoundException
from ..models import backend_for
from ..models.upload_jobs import UPLOAD_PREFIX, upload_target
from .context import Response, error_response, raw_routes


def _receive(method: str, path: str, query: str, headers: Any, body: bytes) -> Response:
    found = upload_target(path, query)
    if method not in ("PUT", "POST") or found is None:
        return 405, {"Content-Type": "application/json"}, b'{"Message": "PUT the file here"}'
    account_id, region, domain_name, job_id, token, expires = found
    backend = backend_for(account_id, region)
    try:
        with backend.serving():
            etag = backend.receive_upload(domain_name, job_id, token, body, expires)
    except (AccessDeniedException, BadRequestException, ResourceNotFoundException) as error:
        return error_response(error)
    return 200, {"ETag": etag}, b""


raw_routes[UPLOAD_PREFIX] = _receive

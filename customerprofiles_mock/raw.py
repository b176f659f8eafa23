"""A response body botocore can read the way it reads urllib3's."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any


class RawResponse(BytesIO):
    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()

"""A response botocore and aiobotocore can both read, built from bytes in memory.

botocore reads ``AWSResponse.content`` as bytes; aiobotocore awaits it. The content is
returned as bytes that can also be awaited, so one answer serves both in-process.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from io import BytesIO
from typing import Any

from botocore.awsrequest import AWSResponse


class RawResponse(BytesIO):
    """A body botocore can stream the way it streams urllib3's."""

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


class AwaitableBytes(bytes):
    """Bytes that ``await`` returns unchanged (for aiobotocore's ``await response.content``)."""

    def __await__(self) -> Generator[Any, None, bytes]:
        return bytes(self)
        yield  # pragma: no cover - makes this a generator, as __await__ must be


class MockResponse(AWSResponse):
    """An in-memory HTTP answer for botocore's ``before-send`` event."""

    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__(url, status, headers, RawResponse(body))  # type: ignore[arg-type]
        self._body = AwaitableBytes(body)

    @property
    def content(self) -> bytes:
        return self._body

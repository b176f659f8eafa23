"""Switching the mock on and off: decorator, context manager, start/stop.

A single ``before-send`` handler is installed in botocore's built-in handlers on import,
so every client created afterwards carries it, including clients created before the
mock was started. While the mock is inactive the handler returns at once.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import threading
import unittest
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar, cast, overload
from unittest import mock as _mock

from botocore.awsrequest import AWSPreparedRequest, AWSRequest
from botocore.credentials import Credentials
from botocore.handlers import BUILTIN_HANDLERS

from . import clock, moto_bridge
from .protocol.dispatch import handle
from .protocol.model import by_event_name
from .raw import MockResponse

F = TypeVar("F", bound=Callable[..., Any])
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "FOOBARKEY",
    "AWS_SECRET_ACCESS_KEY": "FOOBARSECRET",
}
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")


class NetworkBlockedError(RuntimeError):
    """A request would have left the process while the mock was active."""


class _State:
    """Process-wide activation count; only the outermost activation resets state."""

    lock = threading.RLock()
    depth = 0
    http: Any = None  # the ``responses`` mock serving upload URLs to ``requests``


#: URLs this package hands out for plain HTTP (upload jobs' GetUploadJobPath).
_SERVED_URLS = re.compile(
    r"https?://profile\.[^/]+\.amazonaws\.com(\.cn)?"
    r"/(_customerprofiles_mock|profile_[^/]+/uploads)/.*"
)
_LOOPBACK_URLS = re.compile(r"https?://(127\.|localhost|\[::1\])")


def _serve_http(request: Any) -> tuple[int, dict[str, str], bytes]:
    body = request.body.encode() if isinstance(request.body, str) else request.body or b""
    return handle(request.method, request.url, dict(request.headers), body)


def _start_http() -> None:
    """Serve upload URLs to ``requests`` in-process, as moto serves its URLs under mock_aws.

    Other requests made with ``requests`` reach loopback only: anything else is refused
    (``requests.ConnectionError``), so nothing leaves the process while the mock is on.
    """
    import responses

    http = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in ("PUT", "POST", "GET"):
        http.add_callback(method, _SERVED_URLS, callback=_serve_http)
    http.add_passthru(_LOOPBACK_URLS)
    http.start()
    _State.http = http


def _stop_http() -> None:
    if _State.http is not None:
        _State.http.stop()
        _State.http.reset()
        _State.http = None


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0]


def _before_send(
    request: AWSPreparedRequest, event_name: str = "", **_kwargs: Any
) -> MockResponse | None:
    """Answer customer-profiles calls in-process, alone or beside ``mock_aws``.

    Under ``mock_aws`` this handler still answers (it runs before moto's stubber), so
    aiobotocore clients get an awaitable response there too; the request is marked so
    that moto's stubber, which sees every request after it, does not run the call again.
    """
    moto_active = moto_bridge.moto_is_answering()
    if _State.depth == 0 and not moto_active:
        return None
    spec = by_event_name().get(event_name)
    if spec is None:
        if moto_active:
            return None  # moto answers its own services (or refuses them)
        if event_name.startswith("before-send.customer-profiles."):
            spec_missing = event_name.rsplit(".", 1)[-1]
            raise NetworkBlockedError(
                f"Operation {spec_missing} is not in botocore's customer-profiles model "
                "as loaded by customerprofiles_mock"
            )
        if not _host(request.url).startswith(_LOOPBACK):
            raise NetworkBlockedError(
                f"customerprofiles_mock blocked a real request to {_host(request.url)}: only "
                "customer-profiles is mocked. Use moto.mock_aws for other AWS services."
            )
        return None
    if moto_active:
        moto_bridge.mark_answered(request.headers)
    status, headers, answer = handle(
        request.method,
        request.url,
        cast(Mapping[str, Any], request.headers),
        cast("bytes | str | None", request.body),  # botocore serializes rest-json to bytes
        spec,
        raise_unexpected=True,
    )
    return MockResponse(request.url, status, headers, answer)


def _signing_credentials(request_signer: Any) -> Credentials:
    """Fake credentials of the kind the signer awaits (aiobotocore) or reads (botocore)."""
    keys = (FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    if type(request_signer).__module__.startswith("aiobotocore"):
        from aiobotocore.credentials import AioCredentials

        return AioCredentials(*keys)  # type: ignore[no-any-return]
    return Credentials(*keys)


def _before_sign(request: AWSRequest, request_signer: Any = None, **_kwargs: Any) -> None:
    """Sign with fake credentials a customer-profiles request from a client that has none.

    botocore signs before ``before-send``, so a client built before the mock started with
    no credentials anywhere would fail with NoCredentialsError. The credentials go on this
    one request only: the client itself is untouched, and so are other services' clients.
    """
    if _State.depth == 0 or getattr(request_signer, "_credentials", True) is not None:
        return
    request.context.setdefault("signing", {})["request_credentials"] = _signing_credentials(
        request_signer
    )


def _install() -> None:
    if not any(handler is _before_send for _event, handler, *_ in BUILTIN_HANDLERS):
        # First, so that under mock_aws botocore takes this answer over moto's stubber's.
        BUILTIN_HANDLERS.insert(0, ("before-send", _before_send))
        BUILTIN_HANDLERS.append(("before-sign.customer-profiles", _before_sign))


def reset() -> None:
    """Forget everything every account and region holds."""
    from .models import customerprofiles_backends

    for account in list(customerprofiles_backends.values()):
        account.reset()
    customerprofiles_backends.clear()
    moto_bridge.clear_caches()
    clock.set_offset(timedelta(0))


class MockCustomerProfiles:
    """Activates the mock; usable as decorator (sync, async, class) and context manager."""

    def __init__(self) -> None:
        self._env: _mock._patch_dict | None = None
        self._session: Any = None

    def start(self, reset_state: bool = True) -> None:
        with _State.lock:
            if "AWS_ACCESS_KEY_ID" not in os.environ:
                self._env = _mock.patch.dict(os.environ, FAKE_CREDENTIALS)
                self._env.start()
            _State.depth += 1
            if _State.depth == 1:
                # boto3's default session caches credentials; a fresh one sees the fakes.
                self._session = _mock.patch("boto3.DEFAULT_SESSION", None)
                self._session.start()
                if not moto_bridge.moto_is_answering():  # else moto's interception serves
                    _start_http()
                # Inside an active mock_aws the state is moto's activation's: keep it.
                if reset_state and not moto_bridge.moto_is_answering():
                    reset()

    def stop(self) -> None:
        with _State.lock:
            if _State.depth == 0:
                raise RuntimeError("mock_customerprofiles.stop() called before start()")
            _State.depth -= 1
            if _State.depth == 0:
                _stop_http()
                if self._session is not None:
                    self._session.stop()
                    self._session = None
                if not moto_bridge.moto_is_answering():  # else moto resets when it stops
                    reset()
            if self._env is not None:
                self._env.stop()
                self._env = None

    def __enter__(self) -> MockCustomerProfiles:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> MockCustomerProfiles:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            return _decorate_class(target)  # type: ignore[return-value]
        return _decorate_callable(target)


def _decorate_callable(func: F) -> F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with MockCustomerProfiles():
                return await func(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with MockCustomerProfiles():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _decorate_class(cls: type) -> type:
    """Every ``test*`` method runs inside the mock, and so do its set-up and tear-down."""
    if issubclass(cls, unittest.TestCase):
        original_setup = cls.setUp

        def setUp(self: unittest.TestCase) -> None:
            active = MockCustomerProfiles()
            active.start()
            self.addCleanup(active.stop)
            original_setup(self)

        cls.setUp = setUp  # type: ignore[method-assign]
    else:
        original_setup_method = getattr(cls, "setup_method", None)
        original_teardown_method = getattr(cls, "teardown_method", None)

        def setup_method(self: Any, method: Any = None) -> None:
            active = MockCustomerProfiles()
            active.start()
            self._customerprofiles_mock = active
            if original_setup_method is not None:
                original_setup_method(self, method)

        def teardown_method(self: Any, method: Any = None) -> None:
            try:
                if original_teardown_method is not None:
                    original_teardown_method(self, method)
            finally:
                active = self.__dict__.pop("_customerprofiles_mock", None)
                if active is not None:
                    active.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    # Also wrap the tests themselves, so a test method called directly is mocked too;
    # nested inside set-up's activation this does not reset anything.
    for name, value in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(value):
            setattr(cls, name, _decorate_callable(value))
    return cls


@overload
def mock_customerprofiles(func: F) -> F: ...
@overload
def mock_customerprofiles(func: None = None) -> MockCustomerProfiles: ...
def mock_customerprofiles(func: Any = None) -> Any:
    """Use as ``@mock_customerprofiles``, ``@mock_customerprofiles()`` or in a ``with``."""
    active = MockCustomerProfiles()
    if func is None:
        return active
    return active(func)


_install()
moto_bridge.register()

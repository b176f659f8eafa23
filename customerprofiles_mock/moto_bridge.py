"""The only module that touches moto's internals.

It registers customer-profiles with moto (so ``mock_aws`` and moto's server serve it
beside every moto service), reads moto's credential-to-account mapping, and tells the
activation layer whether moto's own stubber is answering requests. Every internal it
needs is checked on import, so a moto release that moved them fails loudly here
instead of misbehaving later.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from moto.core import DEFAULT_ACCOUNT_ID

from . import effects
from .exceptions import AccessDeniedException, InvalidClientTokenId, SignatureDoesNotMatch
from .models.base import URL_BASES
from .protocol import dispatch
from .protocol.context import Response
from .protocol.dispatch import handle
from .protocol.model import OperationSpec

SERVICE = "customerprofiles"
SUPPORTED_MOTO = ((5, 2), (5, 3))  # [lower, upper)


class MotoIncompatibleError(ImportError):
    """moto changed in a way this plugin cannot work with."""


def _fail(what: str) -> MotoIncompatibleError:
    import moto

    return MotoIncompatibleError(
        f"customerprofiles_mock cannot attach to moto {moto.__version__}: {what}. "
        "Install a moto version in the supported range (see docs/compatibility.md)."
    )


def _check_version() -> None:
    import moto

    parts = tuple(int(p) for p in re.findall(r"\d+", moto.__version__)[:2])
    low, high = SUPPORTED_MOTO
    if not low <= parts < high:
        raise _fail(f"supported moto versions are >={low[0]}.{low[1]},<{high[0]}.{high[1]}")


#: moto's HTTP server; patched when it is imported, so in-process use never pays for Flask.
_WERKZEUG_APP = "moto.moto_server.werkzeug_app"


def _load_internals() -> tuple[Any, Any, Any]:
    _check_version()
    already = sys.modules.get(f"moto.{SERVICE}")
    if already is None and importlib.util.find_spec(f"moto.{SERVICE}") is not None:
        raise _fail(
            "this moto ships its own customer-profiles service; use it, or pin moto "
            "to a release without it"
        )
    try:
        import moto.backend_index as backend_index
        from moto.core.model_instances import model_data
        from moto.core.models import botocore_stubber
    except ImportError as exc:
        raise _fail(f"a moto internal is missing ({exc})") from exc
    for module in ("moto.iam", _WERKZEUG_APP):  # found, not imported: both load on use
        if importlib.util.find_spec(module) is None:
            raise _fail(f"a moto internal is missing ({module})")
    if not isinstance(getattr(backend_index, "backend_url_patterns", None), list):
        raise _fail("moto.backend_index.backend_url_patterns is not a list any more")
    if not hasattr(botocore_stubber, "enabled"):
        raise _fail("moto's botocore stubber has no 'enabled' flag any more")
    if not isinstance(model_data, dict):
        raise _fail("moto.core.model_instances.model_data is not a dict any more")
    return backend_index, botocore_stubber, model_data


_backend_index, _stubber, _model_data = _load_internals()
_account_cache: dict[str, str] = {}


def register() -> None:
    """Make moto serve customer-profiles: a module for its backend loader and a URL pattern."""
    from .models import CustomerProfilesBackend, customerprofiles_backends

    CustomerProfilesBackend.dispatch = staticmethod(moto_dispatch)
    effects.moto_is_answering = moto_is_answering

    if f"moto.{SERVICE}" not in sys.modules:
        module = types.ModuleType(f"moto.{SERVICE}")
        module.__dict__[f"{SERVICE}_backends"] = customerprofiles_backends
        sys.modules[f"moto.{SERVICE}"] = module
    patterns = _backend_index.backend_url_patterns
    if not any(name == SERVICE for name, _ in patterns):
        # First: moto tries its ~180 patterns in order for every request under mock_aws.
        patterns.insert(0, (SERVICE, re.compile(URL_BASES[0])))
    _after_import(_WERKZEUG_APP, _route_unsigned_requests)
    _show_on_dashboard()
    dispatch.authorizer = _authorize
    from . import cloudformation  # noqa: F401  (defines the models moto's parser looks for)

    _after_import("moto.cloudformation.parsing", _forget_model_lists)
    _after_import("moto.cloudformation.models", _roll_back_failed_stacks)


class _LiveModel:
    """An entry of moto's dashboard data whose instances are read from the live state.

    moto lists, per service and model, the public JSON-serializable attributes of every
    tracked instance; these entries produce theirs when asked, so nothing is tracked
    twice and a reset needs no bookkeeping.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    @property
    def instances_tracked(self) -> list[Any]:
        from .models.dashboard import records

        return [types.SimpleNamespace(**record) for record in records(self.kind)]

    @instances_tracked.setter
    def instances_tracked(self, _value: Any) -> None:
        """moto's reset assigns an empty list; the live state is reset on its own."""


def _show_on_dashboard() -> None:
    """Customer Profiles state in ``/moto-api/data.json``, as moto shows its services'."""
    from .models.dashboard import KINDS

    entries = _model_data[SERVICE]
    for kind in KINDS:
        entries.setdefault(kind, _LiveModel(kind))


def _forget_model_lists(parsing: types.ModuleType) -> None:
    """moto caches its list of CloudFormation models on first use; ours came later."""
    for name in ("get_model_list", "get_model_map", "get_name_type_map"):
        cached = getattr(parsing, name, None)
        if cached is None or not hasattr(cached, "cache_clear"):
            raise _fail(f"moto.cloudformation.parsing.{name} is not a cached function any more")
        cached.cache_clear()


def _roll_back_failed_stacks(models: types.ModuleType) -> None:
    """A stack whose Customer Profiles resource fails rolls back, as CloudFormation does.

    moto lets a failing resource's error escape ``create_stack``. For failures of this
    service's resources the stack instead records the failure, deletes what it had
    created, and ends in ROLLBACK_COMPLETE; a failed update is refused with a
    ValidationError. moto's behaviour for its own resources is left as it is.
    """
    from .cloudformation import CfnResourceFailed

    stack = getattr(models, "Stack", None)
    if stack is None or not hasattr(stack, "create_resources") or not hasattr(stack, "update"):
        raise _fail("moto's CloudFormation Stack has no create_resources/update any more")
    if getattr(stack.create_resources, "_customerprofiles", False):
        return
    create_resources = stack.create_resources
    update = stack.update

    def create_with_rollback(self: Any) -> None:
        try:
            create_resources(self)
        except CfnResourceFailed as failure:
            self._add_stack_event("CREATE_FAILED", resource_status_reason=str(failure))
            self.status = "ROLLBACK_IN_PROGRESS"
            self._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=str(failure))
            self.resource_map.delete()
            # Nothing left to list or resolve: moto's maps create resources on first read.
            self.resource_map._resource_json_map = {}
            self.output_map = type(self.output_map)(self.resource_map, {}, self.stack_id)
            self.status = "ROLLBACK_COMPLETE"
            self._add_stack_event("ROLLBACK_COMPLETE")

    def update_or_refuse(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            update(self, *args, **kwargs)
        except CfnResourceFailed as failure:
            from moto.cloudformation.exceptions import ValidationError

            raise ValidationError(message=str(failure)) from None

    create_with_rollback._customerprofiles = True  # type: ignore[attr-defined]
    stack.create_resources = create_with_rollback
    stack.update = update_or_refuse


def _is_customer_profiles_path(path: str) -> bool:
    """A path under one of this service's roots, matching an operation or not.

    A path under ``/domains`` that names no operation still gets this service's JSON
    ``ResourceNotFoundException``, as a signed request does, rather than moto's S3 error
    for a bucket called "domains".
    """
    from .protocol.context import raw_routes
    from .protocol.router import path_roots

    if any(path.startswith(prefix) for prefix in raw_routes):
        return True
    if path.startswith("/tags/"):
        return ":profile:" in unquote(path)
    return path.strip("/").split("/", 1)[0] in path_roots() - {"tags"}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs a callback right after one module is executed, whoever imports it first."""

    def __init__(self, name: str, callback: Callable[[types.ModuleType], None]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module
        callback = self.callback

        def exec_module(module: types.ModuleType) -> None:
            execute(module)
            callback(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _after_import(name: str, callback: Callable[[types.ModuleType], None]) -> None:
    """``callback(module)`` now if ``name`` is imported already, else as soon as it is."""
    if name in sys.modules:
        callback(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))


def _route_unsigned_requests(werkzeug_app: types.ModuleType) -> None:
    """Send unsigned requests for Customer Profiles paths to customer-profiles.

    moto's server picks a service from the SigV4 scope, and sends an unsigned request
    it cannot place to S3. An unsigned request (curl, an SDK without signing) whose
    path is one of this service's, and that names no other service in an
    ``X-Amz-Target`` header, is served here instead.
    """
    dispatcher_app = werkzeug_app.DomainDispatcherApplication
    original = getattr(dispatcher_app, "infer_service_region_host", None)
    if original is None:
        raise _fail("moto's server no longer infers services with infer_service_region_host")
    if getattr(original, "_customerprofiles", False):
        return

    def infer(self: Any, environ: dict[str, Any], path: str) -> str | None:
        unsigned = not environ.get("HTTP_AUTHORIZATION") and not environ.get("HTTP_X_AMZ_TARGET")
        if unsigned and _is_customer_profiles_path(path):
            return "profile.us-east-1.amazonaws.com"
        return original(self, environ, path)

    infer._customerprofiles = True  # type: ignore[attr-defined]
    dispatcher_app.infer_service_region_host = infer


def _authorize(
    spec: OperationSpec,
    params: dict[str, Any],
    method: str,
    url: str,
    headers: Any,
    body: Any,
) -> None:
    """moto's IAM authorization, applied as moto applies it to its own services.

    Off unless ``set_initial_no_auth_action_count`` (or ``INITIAL_NO_AUTH_ACTION_COUNT``)
    switched it on; the first N requests of any service then pass unchecked, and every
    later one is authenticated and checked against the caller's IAM policies.
    """
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin as counter

    if counter.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        counter.request_count += 1
        return
    from moto.core.exceptions import HTTPException
    from moto.iam.access_control import IAMRequest

    from .iam import resource_arn

    headers = {
        key: value.decode("latin-1") if isinstance(value, bytes) else value
        for key, value in headers.items()
    }
    if "Authorization" not in headers:
        headers = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in headers.items()}
    host, _, path = url.split("://", 1)[-1].partition("/")
    if host and not any(key.lower() == "host" for key in headers):
        headers["host"] = host  # signed, but not among botocore's request headers
    if not headers.get("Authorization"):
        raise AccessDeniedException("Request is missing Authentication Token")
    access_key, region = dispatch._scope(headers)
    account = dispatch._account(headers, access_key)
    region = region or dispatch.DEFAULT_REGION
    raw = body.encode() if isinstance(body, str) else body or b""
    try:
        request = IAMRequest(
            account_id=account,
            method=method.upper(),
            path="/" + path,
            data={},
            body=raw,
            headers=headers,
            action=spec.name,
        )
        request.check_signature()
        request.check_action_permitted(resource_arn(spec, params, account, region))
    except HTTPException as refused:
        code = getattr(refused, "error_type", "") or ""
        message = getattr(refused, "message", "") or str(refused)
        if code == "InvalidClientTokenId":
            raise InvalidClientTokenId(message) from None
        if code == "SignatureDoesNotMatch":
            raise SignatureDoesNotMatch(message) from None
        raise AccessDeniedException(message) from None


def moto_is_answering() -> bool:
    """True while ``mock_aws`` is active: then moto's stubber routes our requests to us."""
    return bool(_stubber.enabled)


def account_for_access_key(access_key: str | None) -> str:
    """The account moto associates with these credentials (STS assume_role included)."""
    account = _account_cache.get(access_key or "")
    if account is None:
        # IAM and STS mint fresh random key ids, so a key's account never changes
        # while it is in use; the cache is cleared whenever state is reset.
        # moto's IAM is loaded on the first signed call, not at import.
        from moto.iam.models import get_account_id_from

        account = get_account_id_from(access_key) if access_key else DEFAULT_ACCOUNT_ID
        _account_cache[access_key or ""] = account
    return account


def clear_caches() -> None:
    _account_cache.clear()
    from .cloudformation import reset as forget_stack_resources

    forget_stack_resources()


#: Set on a request this package answered in-process while moto's stubber is active.
ANSWERED_HEADER = "x-customerprofiles-mock-answered"


def mark_answered(headers: Any) -> None:
    headers[ANSWERED_HEADER] = "1"


def moto_dispatch(request: Any, full_url: str, headers: Any) -> Response:
    """Entry point moto's dispatcher (``mock_aws`` and moto's server) calls for our URLs."""
    if headers.get(ANSWERED_HEADER):
        return 200, {}, b"{}"  # answered in-process already; botocore keeps that answer
    body = request.get_data() if hasattr(request, "get_data") else getattr(request, "body", None)
    return handle(request.method, full_url, headers, body)


def run_server(argv: list[str]) -> None:
    """Serve moto's services and customer-profiles over HTTP, blocking (moto_server's argv)."""
    from moto.server import main as moto_server_main

    register()
    moto_server_main(argv)

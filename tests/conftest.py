"""Suite-wide conformance check: every 2xx body must fit the operation's output shape.

An observer on the dispatcher validates each successful response against botocore's
output shape (names, types, enums, bounds, required members). A violation fails the
test that caused it, and the session reports how many responses were checked.

With ``CUSTOMERPROFILES_NATIVE=1`` the suite runs inside a moto that has the exported
service instead (``tests/native.py``): plugin-only tests are left out, with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import native

if native.NATIVE:
    # Inside moto the plugin must not be used, even from this checkout's source tree.
    import sys

    if sys.modules.get("customerprofiles_mock") is not None:
        raise RuntimeError(
            "the plugin is loaded; run the native suite with -p no:customerprofiles_mock"
        )
    sys.modules["customerprofiles_mock"] = None  # type: ignore[assignment]
    from tests.native_conftest import *  # noqa: F403
else:
    from customerprofiles_mock.models.validation import compile_validator
    from customerprofiles_mock.protocol import dispatch
    from customerprofiles_mock.protocol.model import OperationSpec

_validators: dict[str, Any] = {}
checked: Counter[str] = Counter()
violations: list[str] = []


class ConformanceError(AssertionError):
    """A response body does not fit botocore's output shape."""


def check_response(
    spec: OperationSpec, _params: dict[str, Any], body: dict[str, Any], record: bool = True
) -> None:
    """Raise ConformanceError for a body that breaks the shape; ``record`` it for the run."""
    validate = _validators.get(spec.name)
    if validate is None:
        shape = spec.output_shape
        validate = compile_validator(shape) if shape is not None else (lambda _v: [])
        _validators[spec.name] = validate
    if spec.status_member:  # bound to the status line, never in the body
        body = {**body, spec.status_member: 200}
    if len(body) == 1 and not next(iter(body.values())):
        return  # a response that is one empty collection (see protocol/serializer.py)
    # The model requires some collections it also requires to be non-empty (Tags of
    # GetRecommenderFilter): an untagged resource can only answer an empty one.
    errors = [
        e for e in validate(body) if not _empty_required(e, spec) and not _documented_null(e, spec)
    ]
    if record:
        checked[spec.name] += 1
    if errors:
        if record:
            violations.append(f"{spec.name}: {errors}")
        raise ConformanceError(f"{spec.name} response violates its output shape: {errors}")


#: Required members the documentation says come back null: attribute statistics of an
#: attribute with no numeric values ("You'll receive null values ...").
DOCUMENTED_NULLS = {"GetObjectTypeAttributeStatistics": "Value null at 'Statistics."}


def _documented_null(error: str, spec: OperationSpec) -> bool:
    prefix = DOCUMENTED_NULLS.get(spec.name)
    return prefix is not None and error.startswith(prefix)


def _empty_required(error: str, spec: OperationSpec) -> bool:
    shape = spec.output_shape
    for name in getattr(shape, "required_members", ()):
        if error.startswith(("Value '{}' at '" + name + "'", "Value '[]' at '" + name + "'")):
            return True
    return False


@pytest.fixture(autouse=True, scope="session")
def conformance() -> Iterator[Counter[str]]:
    if native.NATIVE:  # moto's serializer answers; the plugin's observer is not there
        yield checked
        return
    dispatch.observers.append(check_response)
    yield checked
    dispatch.observers.remove(check_response)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if native.NATIVE:
        native_summary(terminalreporter)  # noqa: F405
        return
    if checked:
        terminalreporter.write_line(
            f"conformance: {sum(checked.values())} responses of {len(checked)} operations "
            f"checked against botocore output shapes, {len(violations)} violations"
        )
    for violation in violations:
        terminalreporter.write_line(f"conformance violation: {violation}")
    from customerprofiles_mock.models import CustomerProfilesBackend
    from customerprofiles_mock.protocol.model import operations

    unchecked = sorted(
        name
        for name, spec in operations().items()
        if callable(getattr(CustomerProfilesBackend, spec.py_name, None)) and not checked[name]
    )
    config = terminalreporter.config
    whole_suite = not config.option.keyword and all(
        Path(arg).resolve() == Path(__file__).resolve().parent for arg in config.args
    )
    if checked and unchecked and whole_suite:
        terminalreporter.write_line(
            f"conformance: no 2xx response checked for {', '.join(unchecked)}"
        )


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """A violation fails the run even where the response was swallowed (e.g. a 500)."""
    if violations and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def cp(customerprofiles_client: Any) -> Any:
    """A client with domain ``d`` (365-day default expiration) already created."""
    customerprofiles_client.create_domain(DomainName="d", DefaultExpirationDays=365)
    return customerprofiles_client


@pytest.fixture
def jobs_finish_now() -> Iterator[None]:
    """Every job-like status (back-fills, estimates, snapshots, recommenders, upload
    jobs, identity jobs) is final as soon as it is read: the plugin's ``timing.SPEED = 0``,
    or, inside moto, the "immediate" transition of moto's state manager."""
    if native.NATIVE:
        native.set_transitions({"progression": "immediate"})
        yield
        native.set_transitions(None)
        return
    from customerprofiles_mock import timing

    saved, timing.SPEED = timing.SPEED, 0
    yield
    timing.SPEED = saved


def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("customer-profiles")


def requires_operations(*names: str) -> pytest.MarkDecorator:
    """Skip where the installed botocore does not model these operations yet."""
    missing = [n for n in names if n not in _service_model().operation_names]
    import botocore

    return pytest.mark.skipif(
        bool(missing),
        reason=f"botocore {botocore.__version__} does not model {', '.join(missing)}",
    )


def requires_enum(shape: str, value: str) -> pytest.MarkDecorator:
    """Skip where the installed botocore's model lacks this enum value (older releases)."""
    found = _service_model().shape_for(shape).metadata.get("enum") or []
    import botocore

    return pytest.mark.skipif(
        value not in found,
        reason=f"botocore {botocore.__version__} does not model {shape} {value}",
    )


def error_code(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    """Call, expect a ClientError, return (code, HTTP status, message)."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )

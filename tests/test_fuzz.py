"""Model-driven fuzzing: generated input for every implemented operation, through boto3.

Inputs are built from botocore's input shapes with client-side validation off, so the
server-side path sees what any SDK could send: values inside the model's constraints
(the interesting, accepted ones) mixed with values outside them. Whatever comes in, the
answer is a 2xx body that fits the output shape (the suite-wide conformance observer
checks that) or one of the operation's modeled errors with a 4xx status; never a Python
exception and never a 500. ``CP_FUZZ_EXAMPLES`` raises the per-operation budget.
"""

from __future__ import annotations

import os
import string
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customerprofiles_mock import mock_customerprofiles
from customerprofiles_mock.models import CustomerProfilesBackend
from customerprofiles_mock.protocol.model import operations

EXAMPLES = int(os.environ.get("CP_FUZZ_EXAMPLES", "20"))
IMPLEMENTED = sorted(
    name
    for name, spec in operations().items()
    if callable(getattr(CustomerProfilesBackend, spec.py_name, None))
)
#: Values that reach real code paths more often than random text would.
KNOWN = {
    "DomainName": "d",
    "ObjectTypeName": "Order",
    "KeyName": "_email",
    "TemplateId": "CTR",
}
_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "_-.:/@ +{}", max_size=24)


def _string(name: str, shape: Shape) -> st.SearchStrategy[Any]:
    meta = shape.metadata
    enum = meta.get("enum")
    low, high = meta.get("min", 0), min(meta.get("max", 40), 40)
    valid: st.SearchStrategy[Any]
    if enum:
        valid = st.sampled_from(enum)
    elif meta.get("pattern") and meta["pattern"] not in (".*", ".+", "\\S+"):
        valid = st.from_regex(meta["pattern"], fullmatch=True).filter(
            lambda v: low <= len(v) <= meta.get("max", 10**6)
        )
    else:
        valid = st.text(min_size=max(low, 1 if low else 0), max_size=max(high, low))
    choices = [valid, _TEXT]
    if name in KNOWN:
        choices.insert(0, st.just(KNOWN[name]))
    if name == "Object" or name.endswith("Objects"):
        choices.insert(0, st.just('{"id": "o1", "email": "a@example.com", "total": 3}'))
    return st.one_of(*choices)


def strategy(name: str, shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for one member, mostly inside its constraints, sometimes outside."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        return _string(name, shape)
    if kind in ("integer", "long"):
        low, high = meta.get("min", -5), meta.get("max", 2**31 - 1)
        return st.one_of(st.integers(low, min(high, low + 2000)), st.integers(-5, 2**31 - 1))
    if kind == "double":
        return st.floats(-1e6, 1e6, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes()
    if depth > 6:  # deep enough for every shape's interesting parts
        return st.just([] if kind == "list" else {})
    if kind == "list":
        low = meta.get("min", 0)
        return st.lists(strategy(name, shape.member, depth + 1), min_size=low, max_size=max(low, 3))
    if kind == "map":
        low = meta.get("min", 0)
        return st.dictionaries(
            strategy(name, shape.key, depth + 1),
            strategy(name, shape.value, depth + 1),
            min_size=low,
            max_size=max(low, 3),
        )
    required = set(shape.required_members)
    return st.fixed_dictionaries(
        {m: strategy(m, s, depth + 1) for m, s in shape.members.items() if m in required},
        optional={
            m: strategy(m, s, depth + 1) for m, s in shape.members.items() if m not in required
        },
    )


def _seed(client: Any) -> None:
    client.create_domain(DomainName="d", DefaultExpirationDays=30)
    client.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    client.create_profile(DomainName="d", EmailAddress="a@example.com", FirstName="Ann")


@pytest.mark.parametrize("name", IMPLEMENTED)
def test_generated_input_gets_a_modeled_answer(name: str) -> None:
    spec = operations()[name]
    shape = spec.input_shape
    inputs = strategy(name, shape) if shape is not None else st.just({})
    with mock_customerprofiles():
        client = boto3.client(
            "customer-profiles",
            region_name="us-east-1",
            config=Config(parameter_validation=False, retries={"max_attempts": 1}),
        )
        _seed(client)
        call = getattr(client, xform_name(name))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(params=inputs)
        def answer(params: dict[str, Any]) -> None:
            try:
                call(**params)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                assert code in spec.error_codes, (code, error.response["Error"]["Message"])
                assert 400 <= status < 500, (code, status, error.response["Error"]["Message"])

        answer()

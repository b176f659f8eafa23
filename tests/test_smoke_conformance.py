"""The conformance observer itself must catch a body that breaks the output shape.

These bodies are made up, so they are checked without being recorded as the run's own.
"""

from __future__ import annotations

import pytest

from customerprofiles_mock.protocol.model import operations

from .conftest import ConformanceError, check_response


def test_missing_required_member_is_a_violation() -> None:
    spec = operations()["GetDomain"]
    with pytest.raises(ConformanceError, match="CreatedAt"):
        check_response(spec, {}, {"DomainName": "d", "LastUpdatedAt": 1.0}, record=False)


def test_bad_enum_is_a_violation() -> None:
    spec = operations()["GetDomain"]
    body = {
        "DomainName": "d",
        "CreatedAt": 1.0,
        "LastUpdatedAt": 1.0,
        "RuleBasedMatching": {"Enabled": True, "Status": "SLEEPING"},
    }
    with pytest.raises(ConformanceError, match="Status"):
        check_response(spec, {}, body, record=False)


def test_well_formed_body_passes() -> None:
    spec = operations()["GetDomain"]
    check_response(
        spec, {}, {"DomainName": "d", "CreatedAt": 1.0, "LastUpdatedAt": 2}, record=False
    )

"""BatchPutProfileObject (2026-05-28): items in order, per-item results, no cross-failure."""

from __future__ import annotations

import json
from typing import Any

from .conftest import error_code, requires_operations

pytestmark = requires_operations("BatchPutProfileObject")

KEYS = {
    "recordId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}
FIELDS = {
    "id": {"Source": "_source.id"},
    "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
    "tier": {"Source": "_source.tier", "Target": "_profile.Attributes.tier"},
}


def setup_type(cp: Any) -> None:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Signup",
        Description="s",
        AllowProfileCreation=True,
        Fields=FIELDS,
        Keys=KEYS,
    )


def item(item_id: str, body: Any) -> dict[str, str]:
    return {"Id": item_id, "Object": body if isinstance(body, str) else json.dumps(body)}


def test_mixed_batch_reports_each_item(cp: Any) -> None:
    setup_type(cp)
    result = cp.batch_put_profile_object(
        DomainName="d",
        ObjectTypeName="Signup",
        Items=[
            item("a", {"id": "1", "email": "a@x.com", "tier": "gold"}),
            item("bad-json", "{nope"),
            item("no-unique", {"email": "b@x.com"}),
            item("b", {"id": "2", "email": "a@x.com", "tier": "silver"}),
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["a", "b"]
    assert all(s["ProfileObjectUniqueKey"] for s in result["Successful"])
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [
        ("bad-json", 400),
        ("no-unique", 400),
    ]
    messages = [f["Message"] for f in result["Failed"]]
    assert "not a valid JSON" in messages[0]
    assert "UNIQUE key" in messages[1]
    profiles = cp.search_profiles(DomainName="d", KeyName="_email", Values=["a@x.com"])["Items"]
    assert len(profiles) == 1  # in order: item b found the profile item a created
    assert profiles[0]["Attributes"]["tier"] == "silver"
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 2


def test_same_semantics_as_single_put(cp: Any) -> None:
    setup_type(cp)
    single = cp.put_profile_object(
        DomainName="d", ObjectTypeName="Signup", Object=json.dumps({"id": "1", "email": "z@x.com"})
    )
    batch = cp.batch_put_profile_object(
        DomainName="d",
        ObjectTypeName="Signup",
        Items=[item("again", {"id": "1", "email": "z@x.com"})],
    )
    assert batch["Successful"][0]["ProfileObjectUniqueKey"] == single["ProfileObjectUniqueKey"]


def test_implicit_template_type_works_in_batches(cp: Any) -> None:
    result = cp.batch_put_profile_object(
        DomainName="d",
        ObjectTypeName="CTR",
        Items=[
            item(f"c{n}", {"ContactId": f"c{n}", "CustomerEndpoint": {"Address": "+15550009999"}})
            for n in range(3)
        ],
    )
    assert len(result["Successful"]) == 3 and result.get("Failed", []) == []
    assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 1


def test_call_level_errors(cp: Any) -> None:
    setup_type(cp)
    good = item("a", {"id": "1", "email": "a@x.com"})
    assert error_code(
        cp.batch_put_profile_object, DomainName="d", ObjectTypeName="Nope", Items=[good]
    )[:2] == ("ResourceNotFoundException", 404)
    assert (
        error_code(
            cp.batch_put_profile_object, DomainName="zz", ObjectTypeName="Signup", Items=[good]
        )[0]
        == "ResourceNotFoundException"
    )
    assert error_code(
        cp.batch_put_profile_object, DomainName="d", ObjectTypeName="Signup", Items=[good] * 11
    )[:2] == ("BadRequestException", 400)
    assert (
        error_code(
            cp.batch_put_profile_object, DomainName="d", ObjectTypeName="Signup", Items=[good, good]
        )[0]
        == "BadRequestException"
    )
    assert (
        error_code(
            cp.batch_put_profile_object,
            DomainName="d",
            ObjectTypeName="Signup",
            Items=[{"Id": "bad id!", "Object": "{}"}],
        )[0]
        == "BadRequestException"
    )
    assert cp.get_domain(DomainName="d")["Stats"]["ObjectCount"] == 0

"""The moto-style service layer (``responses.py``, ``urls.py``) and the export into moto.

In-process, the plugin answers through its own protocol path; here that path is switched
off so moto's core parses each request, calls ``CustomerProfilesResponse`` and serializes
its ``ActionResult``, exactly as inside moto. The whole suite runs that way in CI
(``.ci/inside_moto``); these tests keep the layer honest in every run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from tests.conftest import error_code

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A client under mock_aws answered by moto's core and the generated service layer."""
    from customerprofiles_mock import activation
    from customerprofiles_mock.models import CustomerProfilesBackend

    monkeypatch.setattr(CustomerProfilesBackend, "dispatch", None)
    monkeypatch.setattr(activation, "by_event_name", dict)
    with mock_aws():
        yield boto3.client("customer-profiles", region_name="us-east-1")


def test_generated_layer_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_service.py"), "--check"],
        capture_output=True,
        text=True,
    )
    if done.returncode == 2:
        pytest.skip(done.stdout.strip())
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_scenario_through_motos_core(core: Any) -> None:
    core.create_domain(DomainName="d", DefaultExpirationDays=30, Tags={})
    assert "Tags" not in core.get_domain(DomainName="d")  # empty collections left out
    ana = core.create_profile(
        DomainName="d", FirstName="Ana", EmailAddress="ana@x.io", Address={"City": "Porto"}
    )["ProfileId"]
    core.update_profile(DomainName="d", ProfileId=ana, LastName="Ruiz")  # omitted keeps
    [found] = core.search_profiles(DomainName="d", KeyName="_email", Values=["ana@x.io"])["Items"]
    assert (found["FirstName"], found["LastName"], found["Address"]["City"]) == (
        "Ana",
        "Ruiz",
        "Porto",
    )
    code, status, message = error_code(
        core.get_profile_object_type, DomainName="d", ObjectTypeName="x"
    )
    assert (code, status) == ("ResourceNotFoundException", 404) and "x" in message
    code, status, message = error_code(core.create_domain, DomainName="d!", DefaultExpirationDays=3)
    assert (code, status) == ("BadRequestException", 400) and "DomainName" in message


def test_status_code_member_sets_the_status_line(core: Any) -> None:
    core.create_domain(DomainName="d", DefaultExpirationDays=30)
    dimension = {
        "ProfileAttributes": {"FirstName": {"DimensionType": "INCLUSIVE", "Values": ["A"]}}
    }
    query = {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [dimension]}]}
    created = core.create_segment_estimate(DomainName="d", SegmentQuery=query)
    assert created["StatusCode"] == created["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_next_tokens_stay_bound_to_their_query(core: Any) -> None:
    for name in ("a", "b", "c"):
        core.create_domain(DomainName=name, DefaultExpirationDays=30)
    first = core.list_domains(MaxResults=1)
    second = core.list_domains(MaxResults=1, NextToken=first["NextToken"])
    assert [d["DomainName"] for d in first["Items"] + second["Items"]] == ["a", "b"]
    core.create_profile(DomainName="a", FirstName="x")
    core.create_profile(DomainName="a", FirstName="y")
    page = core.list_profile_attribute_values(DomainName="a", AttributeName="FirstName")
    assert page["ResponseMetadata"]["HTTPStatusCode"] == 200
    other = core.list_integrations(DomainName="a", MaxResults=1)
    assert "NextToken" not in other
    assert error_code(core.list_domains, NextToken="not-a-token")[0] == "BadRequestException"


def test_upload_url_is_served_by_motos_core(core: Any) -> None:
    core.create_domain(DomainName="d", DefaultExpirationDays=30)
    job = core.create_upload_job(
        DomainName="d",
        DisplayName="up",
        UniqueKey="email",
        Fields={"email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
    )["JobId"]
    url = core.get_upload_job_path(DomainName="d", JobId=job)["Url"]
    assert url.startswith("https://profile.us-east-1.amazonaws.com/profile_us-east-1/uploads/")
    assert requests.put(url, data=b"email\na@x.io\n", timeout=5).status_code == 200
    wrong = requests.put(url.split("?")[0] + "?token=no", data=b"x", timeout=5)
    assert wrong.status_code == 400 and "token" in wrong.json()["Message"]


def _fake_moto_tree(tmp_path: Path) -> Path:
    """The parts of a moto source tree the export touches, from the installed moto."""
    import moto

    installed = Path(moto.__file__).parent
    tree = tmp_path / "moto-src"
    (tree / "moto").mkdir(parents=True)
    for name in ("backend_index.py", "backends.py"):
        shutil.copy(installed / name, tree / "moto" / name)
    (tree / "setup.cfg").write_text(
        "[options.extras_require]\nall = \n\tjoserfc\nproxy = \n\tjoserfc\n"
        "server = \n\tflask\nconnect = \ndatabrew = \n"
    )
    (tree / "MANIFEST.in").write_text("include README.md\n")
    (tree / "pyproject.toml").write_text('[tool.ruff]\ntarget-version = "py310"\n')
    return tree


def test_export_registers_the_service_once(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import export_moto
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    tree = _fake_moto_tree(tmp_path)
    target = export_moto.export(tree, lint=False)  # the fake tree has no ruff settings
    first = {p: p.read_text() for p in (tree / "moto").glob("*.py")}
    first |= {tree / n: (tree / n).read_text() for n in ("setup.cfg", "MANIFEST.in")}
    export_moto.export(tree, lint=False)
    again = {p: p.read_text() for p in first}
    assert again == first  # idempotent
    assert '("customerprofiles", re.compile(' in first[tree / "moto" / "backend_index.py"]
    assert "Literal['customer-profiles']" in first[tree / "moto" / "backends.py"]
    assert "customerprofiles = sqlglot" in first[tree / "setup.cfg"]
    assert first[tree / "setup.cfg"].count("sqlglot") == 3  # its extra, all, server
    for path in target.rglob("*.py"):
        assert "import customerprofiles_mock" not in path.read_text()
        assert "from customerprofiles_mock" not in path.read_text()
    assert {p.name for p in target.iterdir()} >= {"models", "data", "responses.py", "urls.py"}

"""The local HTTP endpoint, started as a subprocess and driven over loopback only."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/profile/aws4_request, "
    "SignedHeaders=host, Signature=x"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not accept connections in time")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "customerprofiles_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(endpoint: str, service: str = "customer-profiles", region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def raw(endpoint: str, method: str, path: str, body: bytes | None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        endpoint + path,
        data=body,
        method=method,
        headers={"Authorization": AUTH, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_domain_lifecycle_over_http(endpoint: str) -> None:
    cp = client(endpoint)
    cp.create_domain(DomainName="http", DefaultExpirationDays=7, Tags={"k": "v"})
    assert cp.get_domain(DomainName="http")["DefaultExpirationDays"] == 7
    arn = "arn:aws:profile:us-east-1:123456789012:domains/http"
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"k": "v"}
    with pytest.raises(ClientError) as duplicate:
        cp.create_domain(DomainName="http", DefaultExpirationDays=7)
    assert duplicate.value.response["Error"]["Code"] == "BadRequestException"
    cp.delete_domain(DomainName="http")
    with pytest.raises(ClientError) as missing:
        cp.get_domain(DomainName="http")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_regions_are_isolated(endpoint: str) -> None:
    client(endpoint, region="us-west-2").create_domain(DomainName="west", DefaultExpirationDays=7)
    assert [
        d["DomainName"] for d in client(endpoint, region="eu-west-2").list_domains()["Items"]
    ] == []
    names = [d["DomainName"] for d in client(endpoint, region="us-west-2").list_domains()["Items"]]
    assert names == ["west"]


def test_moto_services_are_served_beside(endpoint: str) -> None:
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="beside")
    assert "beside" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error", "says"),
    [
        ("POST", "/domains/x", b"{not json", 400, "BadRequestException", "not valid JSON"),
        ("GET", "/no/such/route", None, 404, "ResourceNotFoundException", "GET /no/such/route"),
        (
            "POST",
            "/domains/y",
            b"[" + b" " * (17 * 1024 * 1024) + b"]",
            400,
            "BadRequestException",
            "exceeds the limit",
        ),
    ],
)
def test_bad_requests_get_modeled_errors_and_server_keeps_serving(
    endpoint: str, method: str, path: str, body: bytes | None, status: int, error: str, says: str
) -> None:
    got_status, headers, payload = raw(endpoint, method, path, body)
    assert got_status == status
    assert headers["x-amzn-ErrorType"] == error
    assert says in payload["Message"]
    assert headers["x-amzn-RequestId"]
    assert isinstance(client(endpoint).list_domains()["Items"], list)


@pytest.fixture(scope="session")
def aws_cli() -> str:
    """The AWS CLI pins its own botocore, so it gets a venv of its own (cached)."""
    found = shutil.which("aws")
    if found:
        return found
    venv = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    venv = venv / "customerprofiles_mock" / "awscli-venv"
    executable = venv / "bin" / "aws"
    if not executable.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "awscli"],
                check=True,
                timeout=240,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as error:
            pytest.skip(f"the AWS CLI could not be installed here: {error}")
    return str(executable)


GETTING_STARTED = Path(__file__).resolve().parent.parent / "docs" / "getting-started.md"


def test_unsigned_requests_for_customer_profiles_paths_reach_customer_profiles(
    endpoint: str,
) -> None:
    def unsigned(method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            endpoint + path, data=body, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    status, created = unsigned("POST", "/domains/plain", b'{"DefaultExpirationDays": 30}')
    assert (status, created["DomainName"]) == (200, "plain")
    status, listed = unsigned("GET", "/domains")
    assert "plain" in [d["DomainName"] for d in listed["Items"]]
    status, template = unsigned("GET", "/templates/CTR")
    assert (status, template["TemplateId"]) == (200, "CTR")
    status, missing = unsigned("GET", "/domains/absent")
    assert status == 404 and "absent" in missing["Message"]
    arn = "arn:aws:profile:us-east-1:123456789012:domains/plain"
    status, tags = unsigned("GET", "/tags/" + urllib.parse.quote(arn, safe=""))
    assert (status, tags) == (200, {"tags": {}})
    # A signed client sees the same domain: one account, one region.
    assert "plain" in [d["DomainName"] for d in client(endpoint).list_domains()["Items"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/domains/plain/no-such-resource"),
        ("DELETE", "/domains/plain/profiles"),
        ("PUT", "/templates/CTR/extra"),
        ("GET", "/recommender-recipes/nothing/here"),
    ],
)
def test_unsigned_paths_that_match_no_operation_get_this_services_json_404(
    endpoint: str, method: str, path: str
) -> None:
    """Not moto's S3 XML for a bucket named "domains": the JSON error a signed call gets."""
    request = urllib.request.Request(endpoint + path, method=method)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=30)
    error = raised.value
    assert error.code == 404
    assert error.headers["x-amzn-ErrorType"].startswith("ResourceNotFoundException")
    assert error.headers["Content-Type"].startswith("application/json")
    assert "Message" in json.loads(error.read())


def test_cli_takes_moto_server_flags_and_tells_its_version() -> None:
    from customerprofiles_mock import __version__
    from customerprofiles_mock.server import parser

    done = subprocess.run(
        [sys.executable, "-m", "customerprofiles_mock", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.split() == ["customerprofiles-mock", __version__]
    args = parser().parse_args(["-H", "0.0.0.0", "-p", "5123", "-r", "-s"])
    assert (args.host, args.port, args.reload, args.ssl) == ("0.0.0.0", 5123, True, True)


def test_request_ids_over_http(endpoint: str) -> None:
    cp = client(endpoint)
    ok = cp.list_domains()["ResponseMetadata"]["RequestId"]
    with pytest.raises(ClientError) as missing:
        cp.get_domain(DomainName="absent")
    failed = missing.value.response["ResponseMetadata"]["RequestId"]
    assert ok and failed and ok != failed


@pytest.mark.cli
def test_getting_started_cli_snippet_runs_as_copied(
    endpoint: str, aws_cli: str, tmp_path: Path
) -> None:
    """The docs' CLI block, run by bash in a clean HOME with only the CLI on PATH."""
    blocks = re.findall(r"```bash\n(.*?)```", GETTING_STARTED.read_text(), re.S)
    [snippet] = [b for b in blocks if "aws customer-profiles" in b]
    script = snippet.replace("http://127.0.0.1:5000", endpoint)
    env = {
        "PATH": f"{Path(aws_cli).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert '"_phone"' in done.stdout or "_phone" in done.stdout
    assert '"DomainName": "d"' in done.stdout


def test_readme_run_command_installs_the_package_only() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    run, test = re.findall(r"```bash\n(.*?)```", readme, re.S)[:2]
    assert "pip install -q ." in run and "[test]" not in run
    assert "-m customerprofiles_mock" in run
    assert "[test]" in test and "pytest" in test


@pytest.mark.cli
def test_aws_cli_against_the_endpoint(endpoint: str, aws_cli: str, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "ca-central-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    base = [aws_cli, "customer-profiles", "--endpoint-url", endpoint, "--output", "json"]

    def cli(*args: str) -> dict[str, Any]:
        done = subprocess.run([*base, *args], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    created = cli("create-domain", "--domain-name", "cli", "--default-expiration-days", "9")
    assert created["DomainName"] == "cli"
    assert [d["DomainName"] for d in cli("list-domains")["Items"]] == ["cli"]
    failed = subprocess.run(
        [*base, "get-domain", "--domain-name", "absent"], env=env, capture_output=True, text=True
    )
    assert failed.returncode != 0
    assert "ResourceNotFoundException" in failed.stderr


def test_moto_dashboard_data_shows_customer_profiles(endpoint: str) -> None:
    cp = client(endpoint, region="eu-central-1")
    cp.create_domain(DomainName="dash", DefaultExpirationDays=5)
    profile_id = cp.create_profile(DomainName="dash", FirstName="Ana")["ProfileId"]
    cp.put_profile_object_type(
        DomainName="dash", ObjectTypeName="Calls", Description="c", TemplateId="CTR"
    )
    with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=30) as response:
        data = json.loads(response.read())["customerprofiles"]
    [domain] = [d for d in data["Domain"] if d["DomainName"] == "dash"]
    assert (domain["region"], domain["Stats"]["ProfileCount"]) == ("eu-central-1", 1)
    assert {"ProfileId": profile_id, "FirstName": "Ana"}.items() <= next(
        p for p in data["Profile"] if p["ProfileId"] == profile_id
    ).items()
    assert [t["name"] for t in data["ObjectTypes"] if t["domain_name"] == "dash"] == ["Calls"]


def test_upload_job_over_the_endpoint(endpoint: str) -> None:
    cp = client(endpoint, region="eu-west-1")
    cp.create_domain(DomainName="uploads", DefaultExpirationDays=5)
    job_id = cp.create_upload_job(
        DomainName="uploads",
        DisplayName="import",
        UniqueKey="email",
        Fields={
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
            "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
        },
    )["JobId"]
    url = cp.get_upload_job_path(DomainName="uploads", JobId=job_id)["Url"]
    assert url.startswith(endpoint + "/")
    upload = urllib.request.Request(url, data=b"email,first\nana@x.io,Ana\n", method="PUT")
    with urllib.request.urlopen(upload, timeout=30) as response:
        assert response.status == 200
    cp.start_upload_job(DomainName="uploads", JobId=job_id)
    found = cp.search_profiles(DomainName="uploads", KeyName="_email", Values=["ana@x.io"])["Items"]
    assert [p["FirstName"] for p in found] == ["Ana"]


def _state_manager(endpoint: str, action: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/state-manager/{action}",
        data=json.dumps(body).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201 or answer.status == 200


def test_jobs_finish_through_motos_state_manager(endpoint: str) -> None:
    """A CLI or SDK user finishes a recommender's training and the next identity
    resolution job at once, with moto's state manager, instead of waiting."""
    cp = client(endpoint)
    cp.create_domain(DomainName="sm", DefaultExpirationDays=30, Matching={"Enabled": True})
    cp.create_recommender(
        DomainName="sm", RecommenderName="r", RecommenderRecipeName="popular-items"
    )
    assert cp.get_recommender(DomainName="sm", RecommenderName="r")["Status"] == "PENDING"
    [job] = cp.list_identity_resolution_jobs(DomainName="sm")["IdentityResolutionJobsList"]
    assert job["Status"] == "PENDING"  # the weekly job waits for Saturday
    models = ["customerprofiles::recommender", "customerprofiles::identity-resolution-job"]
    try:
        for model in models:
            _state_manager(
                endpoint,
                "set-transition",
                {"model_name": model, "transition": {"progression": "immediate"}},
            )
        assert cp.get_recommender(DomainName="sm", RecommenderName="r")["Status"] == "ACTIVE"
        jobs = cp.list_identity_resolution_jobs(DomainName="sm")["IdentityResolutionJobsList"]
        done = [j for j in jobs if j["JobId"] == job["JobId"]]
        assert done[0]["Status"] == "COMPLETED"
        stats = cp.get_identity_resolution_job(DomainName="sm", JobId=job["JobId"])["JobStats"]
        assert stats["NumberOfProfilesReviewed"] == 0
        # The next weekly job keeps its schedule: one job finished, not a year of them.
        assert [j["Status"] for j in jobs].count("COMPLETED") == 1
    finally:
        for model in models:
            _state_manager(endpoint, "unset-transition", {"model_name": model})
    cp.create_recommender(
        DomainName="sm", RecommenderName="r2", RecommenderRecipeName="popular-items"
    )
    assert cp.get_recommender(DomainName="sm", RecommenderName="r2")["Status"] == "PENDING"


def test_the_clock_moves_over_http(endpoint: str) -> None:
    """What freezegun does in-process, an HTTP client does through the clock route."""

    def clock(method: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{endpoint}/_customerprofiles_mock/clock",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return dict(json.loads(answer.read()))

    cp = client(endpoint)
    cp.create_domain(DomainName="clocked", DefaultExpirationDays=1)
    profile_id = cp.create_profile(DomainName="clocked", FirstName="Ana")["ProfileId"]
    try:
        moved = clock("POST", {"AdvanceSeconds": 2 * 86400})
        assert moved["OffsetSeconds"] >= 2 * 86400
        # A day's expiration has passed on the mock's clock: the profile is gone.
        found = cp.search_profiles(DomainName="clocked", KeyName="_profileId", Values=[profile_id])
        assert found["Items"] == []
        assert clock("POST", {"Now": "2030-01-01T00:00:00Z"})["Now"].startswith("2030-01-01")
        made = cp.create_domain(DomainName="later", DefaultExpirationDays=1)
        assert made["CreatedAt"].year == 2030
        with pytest.raises(urllib.error.HTTPError) as refused:
            clock("POST", {"Now": "not a time"})
        assert refused.value.code == 400
    finally:
        assert clock("DELETE")["OffsetSeconds"] == 0


def test_cloudformation_and_tagging_over_the_endpoint(endpoint: str) -> None:
    """moto_server's CloudFormation and Tagging API see Customer Profiles resources."""
    cf = client(endpoint, "cloudformation")
    cp = client(endpoint)
    template = {
        "Resources": {
            "D": {
                "Type": "AWS::CustomerProfiles::Domain",
                "Properties": {
                    "DomainName": "stacked",
                    "DefaultExpirationDays": 5,
                    "Tags": [{"Key": "team", "Value": "cx"}],
                },
            }
        }
    }
    cf.create_stack(StackName="stacked", TemplateBody=json.dumps(template))
    assert cf.describe_stacks(StackName="stacked")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert cp.get_domain(DomainName="stacked")["Tags"] == {"team": "cx"}
    tagging = client(endpoint, "resourcegroupstaggingapi")
    found = tagging.get_resources(TagFilters=[{"Key": "team", "Values": ["cx"]}])
    arns = [r["ResourceARN"] for r in found["ResourceTagMappingList"]]
    assert "arn:aws:profile:us-east-1:123456789012:domains/stacked" in arns
    cf.create_stack(StackName="again", TemplateBody=json.dumps(template))  # name taken
    assert cf.describe_stacks(StackName="again")["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    cf.delete_stack(StackName="stacked")
    names = [d["DomainName"] for d in cp.list_domains()["Items"]]
    assert "stacked" not in names

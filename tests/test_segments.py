"""Segments through boto3: CLASSIC groups evaluated against profiles as they are now,
ENHANCED SQL segments, membership, estimates and snapshots (to moto's S3)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from moto import mock_aws

from .conftest import error_code, requires_enum
from .test_calculated_attributes import define, order, order_type


def create(cp: Any, name: str, groups: dict[str, Any] | None = None, **extra: Any) -> Any:
    args = {"SegmentGroups": groups} if groups is not None else {}
    return cp.create_segment_definition(
        DomainName="d", SegmentDefinitionName=name, DisplayName=name, **args, **extra
    )


def one(include: str = "ALL", kind: str = "ALL", **attributes: Any) -> dict[str, Any]:
    return {
        "Include": include,
        "Groups": [{"Type": kind, "Dimensions": [{"ProfileAttributes": attributes}]}],
    }


def rule(kind: str, *values: str) -> dict[str, Any]:
    return {"DimensionType": kind, "Values": list(values)}


def membership(cp: Any, segment: str, *ids: str) -> dict[str, str]:
    found = cp.get_segment_membership(
        DomainName="d", SegmentDefinitionName=segment, ProfileIds=list(ids)
    )
    return {p["ProfileId"]: p["QueryResult"] for p in found["Profiles"]}


@pytest.fixture
def people(cp: Any) -> dict[str, str]:
    """Three customers with varied fields."""
    ana = cp.create_profile(
        DomainName="d",
        FirstName="Ana",
        LastName="Silva",
        EmailAddress="ana@shop.pt",
        PhoneNumber="+351910000001",
        BirthDate="1990-05-01",
        AdditionalInformation="VIP since 2019",
        Address={"City": "Lisbon", "Country": "PT"},
        Attributes={"spend": "750", "joined": "2020-01-10", "tags": '["gold", "newsletter"]'},
    )["ProfileId"]
    bo = cp.create_profile(
        DomainName="d",
        FirstName="Bo",
        LastName="Berg",
        EmailAddress="bo@mail.se",
        BirthDate="1975-11-20",
        Address={"City": "Stockholm", "Country": "SE"},
        ShippingAddress={"City": "Lisbon"},
        Attributes={"spend": "120", "joined": "2023-06-01", "tags": "silver"},
        ProfileType="ACCOUNT_PROFILE",
    )["ProfileId"]
    cy = cp.create_profile(DomainName="d", FirstName="Cy", EmailAddress="cy@shop.pt")["ProfileId"]
    return {"ana": ana, "bo": bo, "cy": cy}


PROFILE_CASES = [
    ("first", {"FirstName": rule("INCLUSIVE", "ana", "cy")}, {"ana", "cy"}),
    ("not-first", {"FirstName": rule("EXCLUSIVE", "Ana")}, {"bo", "cy"}),
    ("email-end", {"EmailAddress": rule("ENDS_WITH", "@shop.pt")}, {"ana", "cy"}),
    ("email-has", {"EmailAddress": rule("CONTAINS", "mail")}, {"bo"}),
    ("phone-begins", {"PhoneNumber": rule("BEGINS_WITH", "+351")}, {"ana"}),
    ("born-before", {"BirthDate": rule("BEFORE", "1980-01-01")}, {"bo"}),
    ("born-between", {"BirthDate": rule("BETWEEN", "1989-01-01", "1991-01-01")}, {"ana"}),
    ("born-on", {"BirthDate": rule("ON", "1975-11-20")}, {"bo"}),
    ("city", {"Address": {"City": rule("INCLUSIVE", "Lisbon")}}, {"ana"}),
    ("ship-city", {"ShippingAddress": {"City": rule("INCLUSIVE", "Lisbon")}}, {"bo"}),
    ("info", {"AdditionalInformation": rule("CONTAINS", "vip")}, {"ana"}),
    ("spend-gt", {"Attributes": {"spend": rule("GREATER_THAN", "500")}}, {"ana"}),
    ("spend-range", {"Attributes": {"spend": rule("BETWEEN", "100", "200")}}, {"bo"}),
    ("joined-after", {"Attributes": {"joined": rule("AFTER", "2022-01-01")}}, {"bo"}),
    pytest.param(
        "tags",
        {"Attributes": {"tags": rule("LIST_CONTAINS", "gold", "silver")}},
        {"ana", "bo"},
        marks=requires_enum("AttributeDimensionType", "LIST_CONTAINS"),
    ),
    pytest.param(
        "tags-all",
        {"Attributes": {"tags": rule("LIST_CONTAINS_ALL", "gold", "newsletter")}},
        {"ana"},
        marks=requires_enum("AttributeDimensionType", "LIST_CONTAINS_ALL"),
    ),
    ("accounts", {"ProfileType": rule("INCLUSIVE", "ACCOUNT_PROFILE")}, {"bo"}),
    ("people", {"ProfileType": rule("EXCLUSIVE", "ACCOUNT_PROFILE")}, {"ana", "cy"}),
    (
        "dynamic",
        {"Address": {"City": rule("INCLUSIVE", "{{_profile.ShippingAddress.City}}")}},
        set(),
    ),
    (
        "two-fields",
        {"LastName": rule("INCLUSIVE", "Silva"), "FirstName": rule("INCLUSIVE", "Ana")},
        {"ana"},
    ),
]


@pytest.mark.parametrize(("name", "attributes", "expected"), PROFILE_CASES)
def test_profile_attribute_dimensions(
    cp: Any, people: dict[str, str], name: str, attributes: dict[str, Any], expected: set[str]
) -> None:
    create(cp, name, one(**attributes))
    result = membership(cp, name, *people.values())
    assert {who for who, pid in people.items() if result[pid] == "PRESENT"} == expected


def test_group_types_includes_and_source_segments(cp: Any, people: dict[str, str]) -> None:
    pt = {"ProfileAttributes": {"EmailAddress": rule("ENDS_WITH", ".pt")}}
    rich = {"ProfileAttributes": {"Attributes": {"spend": rule("GREATER_THAN", "100")}}}
    create(
        cp, "pt-and-rich", {"Include": "ALL", "Groups": [{"Type": "ALL", "Dimensions": [pt, rich]}]}
    )
    create(
        cp, "pt-or-rich", {"Include": "ALL", "Groups": [{"Type": "ANY", "Dimensions": [pt, rich]}]}
    )
    create(
        cp, "neither", {"Include": "ALL", "Groups": [{"Type": "NONE", "Dimensions": [pt, rich]}]}
    )
    create(
        cp,
        "groups-any",
        {"Include": "ANY", "Groups": [{"Dimensions": [pt]}, {"Dimensions": [rich]}]},
    )
    create(
        cp,
        "groups-none",
        {"Include": "NONE", "Groups": [{"Dimensions": [pt]}, {"Dimensions": [rich]}]},
    )
    create(
        cp,
        "rich-of-pt",
        {
            "Include": "ALL",
            "Groups": [
                {
                    "SourceSegments": [{"SegmentDefinitionName": "pt-or-rich"}],
                    "SourceType": "ALL",
                    "Type": "ALL",
                    "Dimensions": [rich],
                }
            ],
        },
    )
    create(
        cp,
        "sources-only",
        {"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "neither"}]}]},
    )
    ids = list(people.values())
    expected = {
        "pt-and-rich": {"ana"},
        "pt-or-rich": {"ana", "bo", "cy"},
        "neither": set(),
        "groups-any": {"ana", "bo", "cy"},
        "groups-none": set(),
        "rich-of-pt": {"ana", "bo"},
        "sources-only": set(),
    }
    for segment, members in expected.items():
        got = membership(cp, segment, *ids)
        assert {w for w, p in people.items() if got[p] == "PRESENT"} == members, segment


def test_source_segment_errors_and_cycles(cp: Any) -> None:
    groups = {"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "missing"}]}]}
    code, _, message = error_code(lambda: create(cp, "a", groups))
    assert code == "BadRequestException" and "missing" in message
    create(cp, "b", one(FirstName=rule("INCLUSIVE", "x")))
    create(cp, "a", {"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "b"}]}]})
    cp.delete_segment_definition(DomainName="d", SegmentDefinitionName="b")
    code, _, message = error_code(
        lambda: create(cp, "b", {"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "a"}]}]})
    )
    assert code == "BadRequestException" and "itself" in message
    self_ref = {"Groups": [{"SourceSegments": [{"SegmentDefinitionName": "c"}]}]}
    assert error_code(lambda: create(cp, "c", self_ref))[0] == "BadRequestException"
    assert [
        s["SegmentDefinitionName"] for s in cp.list_segment_definitions(DomainName="d")["Items"]
    ] == ["a"]


def test_calculated_attribute_dimensions_and_dynamic_values(cp: Any) -> None:
    order_type(cp)
    with freeze_time("2026-01-01") as clock:
        define(cp, "spend", "SUM", Conditions={"Range": {"Value": 30, "Unit": "DAYS"}})
        define(cp, "orders", "COUNT")
        order(cp, "a1", "a@example.com", total=600)
        order(cp, "b1", "b@example.com", total=50)
        clock.tick(timedelta(days=40))
        order(cp, "b2", "b@example.com", total=60)
        found = cp.search_profiles(
            DomainName="d", KeyName="_email", Values=["a@example.com", "b@example.com"]
        )["Items"]
        a, b = (p["ProfileId"] for p in sorted(found, key=lambda p: p["EmailAddress"]))
        cp.update_profile(DomainName="d", ProfileId=a, Attributes={"target": "1"})
        cp.update_profile(DomainName="d", ProfileId=b, Attributes={"target": "2"})
        create(
            cp,
            "recent-big",
            {
                "Groups": [
                    {
                        "Dimensions": [
                            {"CalculatedAttributes": {"spend": rule("GREATER_THAN", "500")}}
                        ]
                    }
                ]
            },
        )
        create(
            cp,
            "ever-big",
            {
                "Groups": [
                    {
                        "Dimensions": [
                            {
                                "CalculatedAttributes": {
                                    "spend": {
                                        **rule("GREATER_THAN", "100"),
                                        "ConditionOverrides": {
                                            "Range": {"Start": 100, "End": 0, "Unit": "DAYS"}
                                        },
                                    }
                                }
                            }
                        ]
                    }
                ]
            },
        )
        create(
            cp,
            "count-is-target",
            one(Attributes={"target": rule("EQUAL", "{{_calculated_attribute.orders}}")}),
        )
        assert membership(cp, "recent-big", a, b) == {a: "ABSENT", b: "ABSENT"}
        assert membership(cp, "ever-big", a, b) == {a: "PRESENT", b: "PRESENT"}
        assert membership(cp, "count-is-target", a, b) == {a: "PRESENT", b: "PRESENT"}
        order(cp, "a2", "a@example.com", total=501)
        assert membership(cp, "recent-big", a, b)[a] == "PRESENT"
    unknown = {"Groups": [{"Dimensions": [{"CalculatedAttributes": {"nope": rule("EQUAL", "1")}}]}]}
    code, _, message = error_code(lambda: create(cp, "bad", unknown))
    assert code == "BadRequestException" and "nope" in message


def test_membership_reflects_changes_at_once(cp: Any, people: dict[str, str]) -> None:
    create(cp, "lisbon", one(Address={"City": rule("INCLUSIVE", "Lisbon")}))
    ana, bo, cy = people["ana"], people["bo"], people["cy"]
    assert membership(cp, "lisbon", ana, bo) == {ana: "PRESENT", bo: "ABSENT"}
    cp.update_profile(DomainName="d", ProfileId=bo, Address={"City": "Lisbon"})
    cp.update_profile(DomainName="d", ProfileId=ana, Address={"City": "Porto"})
    assert membership(cp, "lisbon", ana, bo) == {ana: "ABSENT", bo: "PRESENT"}
    cp.merge_profiles(DomainName="d", MainProfileId=cy, ProfileIdsToBeMerged=[bo])
    got = cp.get_segment_membership(
        DomainName="d", SegmentDefinitionName="lisbon", ProfileIds=[cy, bo]
    )
    assert [(p["ProfileId"], p["QueryResult"]) for p in got["Profiles"]] == [(cy, "PRESENT")]
    assert got["Profiles"][0]["Profile"]["Address"]["City"] == "Lisbon"
    assert [(f["ProfileId"], f["Status"]) for f in got["Failures"]] == [(bo, 404)]
    assert got["LastComputedAt"]
    cp.delete_profile(DomainName="d", ProfileId=cy)
    assert membership(cp, "lisbon", cy) == {}
    assert error_code(
        cp.get_segment_membership, DomainName="d", SegmentDefinitionName="nope", ProfileIds=[ana]
    )[:2] == ("ResourceNotFoundException", 404)


def test_definitions_are_returned_as_sent_with_their_type(cp: Any) -> None:
    groups = one(FirstName=rule("INCLUSIVE", "Ana"))
    sort = {
        "Attributes": [
            {"Name": "LastName", "DataType": "STRING", "Order": "ASC", "Type": "PROFILE"}
        ]
    }
    created = create(cp, "classic", groups, Description="d", SegmentSort=sort, Tags={"k": "v"})
    arn = "arn:aws:profile:us-east-1:123456789012:domains/d/segment-definitions/classic"
    assert created["SegmentDefinitionArn"] == arn
    got = cp.get_segment_definition(DomainName="d", SegmentDefinitionName="classic")
    assert (got["SegmentGroups"], got["SegmentSort"], got["SegmentType"]) == (
        groups,
        sort,
        "CLASSIC",
    )
    assert "SegmentSqlQuery" not in got
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"k": "v"}
    assert error_code(lambda: create(cp, "classic", groups))[2] == (
        "Segment definition with name classic already exists"
    )
    for n in range(3):
        create(cp, f"s{n}", groups)
    page = cp.list_segment_definitions(DomainName="d", MaxResults=2)
    rest = cp.list_segment_definitions(DomainName="d", NextToken=page["NextToken"], MaxResults=500)
    items = page["Items"] + rest["Items"]
    assert [(i["SegmentDefinitionName"], i["SegmentType"]) for i in items] == [
        ("classic", "CLASSIC"),
        ("s0", "CLASSIC"),
        ("s1", "CLASSIC"),
        ("s2", "CLASSIC"),
    ]
    assert (
        "deleted"
        in cp.delete_segment_definition(DomainName="d", SegmentDefinitionName="s0")["Message"]
    )
    both = {"SegmentGroups": groups, "SegmentSqlQuery": "SELECT ProfileId FROM profiles"}
    assert (
        error_code(
            cp.create_segment_definition,
            DomainName="d",
            SegmentDefinitionName="x",
            DisplayName="x",
            **both,
        )[0]
        == "BadRequestException"
    )


# -- ENHANCED ---------------------------------------------------------------------------
SQL = (
    "SELECT p.ProfileId FROM profiles p JOIN `Order` o ON o.ProfileId = p.ProfileId "
    "WHERE p.Address_City = 'Lisbon' GROUP BY p.ProfileId HAVING SUM(o.total) > 500"
)


def test_sql_segments_need_the_data_store(cp: Any) -> None:
    code, _, message = error_code(
        cp.create_segment_definition,
        DomainName="d",
        SegmentDefinitionName="sql",
        DisplayName="sql",
        SegmentSqlQuery="SELECT ProfileId FROM profiles",
    )
    assert code == "BadRequestException" and "data store" in message


@pytest.fixture
def store(customerprofiles_client: Any) -> Any:
    customerprofiles_client.create_domain(
        DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True}
    )
    order_type(customerprofiles_client)
    return customerprofiles_client


def test_sql_segment_over_profiles_and_objects(store: Any) -> None:
    big = store.create_profile(DomainName="d", EmailAddress="big@x.pt", Address={"City": "Lisbon"})
    small = store.create_profile(
        DomainName="d", EmailAddress="small@x.pt", Address={"City": "Lisbon"}
    )
    far = store.create_profile(DomainName="d", EmailAddress="far@x.se", Address={"City": "Oslo"})
    order(store, "o1", "big@x.pt", total=400)
    order(store, "o2", "big@x.pt", total=200)
    order(store, "o3", "small@x.pt", total=100)
    order(store, "o4", "far@x.se", total=900)
    store.create_segment_definition(
        DomainName="d", SegmentDefinitionName="sql", DisplayName="sql", SegmentSqlQuery=SQL
    )
    got = store.get_segment_definition(DomainName="d", SegmentDefinitionName="sql")
    assert (got["SegmentType"], got["SegmentSqlQuery"]) == ("ENHANCED", SQL)
    assert "SegmentGroups" not in got
    ids = [big["ProfileId"], small["ProfileId"], far["ProfileId"]]
    result = store.get_segment_membership(
        DomainName="d", SegmentDefinitionName="sql", ProfileIds=ids
    )
    assert [p["QueryResult"] for p in result["Profiles"]] == ["PRESENT", "ABSENT", "ABSENT"]
    order(store, "o5", "small@x.pt", total=450)
    result = store.get_segment_membership(
        DomainName="d", SegmentDefinitionName="sql", ProfileIds=ids
    )
    assert [p["QueryResult"] for p in result["Profiles"]] == ["PRESENT", "PRESENT", "ABSENT"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELEC ProfileId FRM profiles", "not valid Spark SQL"),
        ("SELECT FirstName, LastName FROM profiles", "profile ids"),
        ("DELETE FROM profiles", "one SELECT"),
        ("SELECT ProfileId FROM nowhere", "no such table"),
    ],
)
def test_bad_sql_is_rejected_at_creation(store: Any, query: str, says: str) -> None:
    code, _, message = error_code(
        store.create_segment_definition,
        DomainName="d",
        SegmentDefinitionName="bad",
        DisplayName="bad",
        SegmentSqlQuery=query,
    )
    assert code == "BadRequestException" and says in message
    assert store.list_segment_definitions(DomainName="d")["Items"] == []


def test_sql_reads_the_mock_clock(store: Any) -> None:
    with freeze_time("2026-06-15"):
        fresh = store.create_profile(DomainName="d", Attributes={"seen": "2026-06-10"})["ProfileId"]
        stale = store.create_profile(DomainName="d", Attributes={"seen": "2026-01-01"})["ProfileId"]
        query = (
            "SELECT ProfileId FROM profiles WHERE Attributes_seen >= date_sub(current_date(), 30)"
        )
        store.create_segment_definition(
            DomainName="d", SegmentDefinitionName="recent", DisplayName="r", SegmentSqlQuery=query
        )
        got = store.get_segment_membership(
            DomainName="d", SegmentDefinitionName="recent", ProfileIds=[fresh, stale]
        )
        assert [p["QueryResult"] for p in got["Profiles"]] == ["PRESENT", "ABSENT"]


# -- estimates --------------------------------------------------------------------------
def test_estimates_run_then_succeed_with_the_count(cp: Any, people: dict[str, str]) -> None:
    with freeze_time("2026-01-01") as clock:
        created = cp.create_segment_estimate(
            DomainName="d", SegmentQuery=one(EmailAddress=rule("ENDS_WITH", ".pt"))
        )
        assert created["StatusCode"] == 200 and created["DomainName"] == "d"
        running = cp.get_segment_estimate(DomainName="d", EstimateId=created["EstimateId"])
        assert running["Status"] == "RUNNING" and "Estimate" not in running
        clock.tick(timedelta(minutes=1))  # estimates take seconds
        done = cp.get_segment_estimate(DomainName="d", EstimateId=created["EstimateId"])
        assert (done["Status"], done["Estimate"], done["StatusCode"]) == ("SUCCEEDED", "2", 200)
    assert error_code(cp.get_segment_estimate, DomainName="d", EstimateId="nope")[0] == (
        "ResourceNotFoundException"
    )
    assert error_code(cp.create_segment_estimate, DomainName="d")[0] == "BadRequestException"


def test_sql_estimate(store: Any) -> None:
    store.create_profile(DomainName="d", Address={"City": "Lisbon"})
    store.create_profile(DomainName="d", Address={"City": "Oslo"})
    created = store.create_segment_estimate(
        DomainName="d",
        SegmentSqlQuery="SELECT ProfileId FROM profiles WHERE Address_City = 'Lisbon'",
    )
    with freeze_time(timedelta(seconds=60)):
        done = store.get_segment_estimate(DomainName="d", EstimateId=created["EstimateId"])
    assert (done["Status"], done["Estimate"]) == ("SUCCEEDED", "1")


# -- snapshots --------------------------------------------------------------------------
def test_snapshot_to_moto_s3_sorted_csv_and_jsonl() -> None:
    import customerprofiles_mock

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="exports")
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30)
        for name, spend in (("Zoe", "10"), ("Al", "300"), ("Mo", "42")):
            cp.create_profile(DomainName="d", FirstName=name, Attributes={"spend": spend})
        cp.create_segment_definition(
            DomainName="d",
            SegmentDefinitionName="all",
            DisplayName="all",
            SegmentGroups=one(Attributes={"spend": rule("GREATER_THAN", "0")}),
            SegmentSort={
                "Attributes": [
                    {
                        "Name": "Attributes.spend",
                        "DataType": "NUMBER",
                        "Order": "DESC",
                        "Type": "PROFILE",
                    }
                ]
            },
        )
        csv_id = cp.create_segment_snapshot(
            DomainName="d",
            SegmentDefinitionName="all",
            DataFormat="CSV",
            DestinationUri="s3://exports/segments/all",
        )["SnapshotId"]
        jsonl_id = cp.create_segment_snapshot(
            DomainName="d",
            SegmentDefinitionName="all",
            DataFormat="JSONL",
            DestinationUri="s3://exports",
        )["SnapshotId"]
        with freeze_time(timedelta(seconds=60)):
            got = cp.get_segment_snapshot(
                DomainName="d", SegmentDefinitionName="all", SnapshotId=csv_id
            )
        assert (got["Status"], got["DataFormat"], got["DestinationUri"]) == (
            "COMPLETED",
            "CSV",
            "s3://exports/segments/all",
        )
        body = s3.get_object(Bucket="exports", Key=f"segments/all/{csv_id}.csv")["Body"].read()
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert [r["FirstName"] for r in rows] == ["Al", "Mo", "Zoe"]
        assert rows[0]["Attributes.spend"] == "300"
        lines = s3.get_object(Bucket="exports", Key=f"{jsonl_id}.jsonl")["Body"].read().decode()
        assert [json.loads(line)["FirstName"] for line in lines.splitlines()] == ["Al", "Mo", "Zoe"]
        assert f"s3://exports/{jsonl_id}.jsonl" in customerprofiles_mock.outbox().s3


def test_snapshot_failures(cp: Any, people: dict[str, str]) -> None:
    create(cp, "s", one(FirstName=rule("INCLUSIVE", "Ana")))
    orc = cp.create_segment_snapshot(
        DomainName="d", SegmentDefinitionName="s", DataFormat="ORC", DestinationUri="s3://b"
    )["SnapshotId"]
    got = cp.get_segment_snapshot(DomainName="d", SegmentDefinitionName="s", SnapshotId=orc)
    assert got["Status"] == "FAILED" and "ORC" in got["StatusMessage"]
    assert (
        error_code(
            cp.create_segment_snapshot,
            DomainName="d",
            SegmentDefinitionName="s",
            DataFormat="CSV",
            DestinationUri="https://example.com/x",
        )[0]
        == "BadRequestException"
    )
    assert (
        error_code(
            cp.get_segment_snapshot, DomainName="d", SegmentDefinitionName="s", SnapshotId="0" * 32
        )[0]
        == "ResourceNotFoundException"
    )


def test_snapshot_to_a_missing_bucket_fails_under_mock_aws() -> None:
    with mock_aws():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="d", DefaultExpirationDays=30)
        client.create_profile(DomainName="d", FirstName="Ana")
        create(client, "s", one(FirstName=rule("INCLUSIVE", "Ana")))
        missing = client.create_segment_snapshot(
            DomainName="d",
            SegmentDefinitionName="s",
            DataFormat="CSV",
            DestinationUri="s3://nobucket/x",
        )["SnapshotId"]
        got = client.get_segment_snapshot(
            DomainName="d", SegmentDefinitionName="s", SnapshotId=missing
        )
        assert got["Status"] == "FAILED" and "nobucket" in got["StatusMessage"]


def test_snapshot_without_mock_aws_is_kept_in_the_outbox(cp: Any, people: dict[str, str]) -> None:
    import customerprofiles_mock

    create(cp, "s", one(FirstName=rule("INCLUSIVE", "Ana")))
    snapshot_id = cp.create_segment_snapshot(
        DomainName="d", SegmentDefinitionName="s", DataFormat="JSONL", DestinationUri="s3://b/p"
    )["SnapshotId"]
    body = customerprofiles_mock.outbox().s3[f"s3://b/p/{snapshot_id}.jsonl"]
    assert [json.loads(line)["FirstName"] for line in body.decode().splitlines()] == ["Ana"]


# -- SQL tables kept row by row (issue 15) -----------------------------------------------
def test_sql_tables_follow_changes_without_a_rebuild(
    store: Any, customerprofiles_mock: Any
) -> None:
    domain = customerprofiles_mock.backend().domains["d"]
    query = "SELECT o.ProfileId FROM `Order` o WHERE o.total > 100"
    store.create_segment_definition(
        DomainName="d", SegmentDefinitionName="big", DisplayName="big", SegmentSqlQuery=query
    )
    assert "segments.sql-tables" not in domain.state  # checked on the schema, no data read
    big = store.create_profile(DomainName="d", EmailAddress="big@x.pt")["ProfileId"]
    small = store.create_profile(DomainName="d", EmailAddress="small@x.pt")["ProfileId"]

    def present() -> list[str]:
        got = store.get_segment_membership(
            DomainName="d", SegmentDefinitionName="big", ProfileIds=[big, small]
        )
        return [p["ProfileId"] for p in got["Profiles"] if p["QueryResult"] == "PRESENT"]

    assert present() == []
    tables = domain.state["segments.sql-tables"]
    order(store, "o1", "big@x.pt", total=500)
    order(store, "o2", "small@x.pt", total=50)
    assert present() == [big]
    order(store, "o1", "big@x.pt", total=5)  # replaced: the row is replaced
    order(store, "o2", "small@x.pt", total=900)
    assert present() == [small]
    store.merge_profiles(DomainName="d", MainProfileId=big, ProfileIdsToBeMerged=[small])
    assert present() == [big]  # the object moved with the merge
    assert domain.state["segments.sql-tables"] is tables  # kept, never rebuilt
    # A type whose definition changes gets its table rebuilt with the new column.
    order_type(store, ExpirationDays=30)
    store.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Order",
        Description="orders",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id"},
            "email": {"Source": "_source.email", "ContentType": "EMAIL_ADDRESS"},
            "total": {"Source": "_source.total", "ContentType": "NUMBER"},
            "rush": {"Source": "_source.rush"},
        },
        Keys={
            "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    order(store, "o3", "big@x.pt", total=1, rush="yes")
    estimate = store.create_segment_estimate(
        DomainName="d", SegmentSqlQuery="SELECT ProfileId FROM `Order` WHERE rush = 'yes'"
    )
    got = store.get_segment_estimate(DomainName="d", EstimateId=estimate["EstimateId"])
    assert got["Status"] in ("RUNNING", "SUCCEEDED")
    store.delete_profile(DomainName="d", ProfileId=big)
    assert present() == []

"""Depth fixes found by replaying real client code and AWS's own sentences (issues 14, 18)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import error_code


def sql_domain(cp: Any) -> None:
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})


def put_type(cp: Any, name: str, fields: list[str], key: str) -> None:
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName=name,
        Description=name,
        AllowProfileCreation=True,
        Fields={f: {"Source": f"_source.{f}", "ContentType": "STRING"} for f in [*fields, "email"]},
        Keys={
            f"{name}Id": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": [key]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )


# -- issue 14 item 5: SQL works whatever the types and fields are called -----------------
def test_sql_segments_with_keyword_and_digit_names(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    sql_domain(cp)
    put_type(cp, "Purchases", ["group", "order", "1st"], "order")
    put_type(cp, "Profiles", ["note"], "note")  # a valid name that clashes with the table
    a = cp.create_profile(DomainName="d", EmailAddress="a@x.pt")["ProfileId"]
    b = cp.create_profile(DomainName="d", EmailAddress="b@x.pt")["ProfileId"]
    for email, group in (("a@x.pt", "vip"), ("b@x.pt", "basic")):
        document = {"group": group, "order": f"o-{email}", "1st": "yes", "email": email}
        cp.put_profile_object(
            DomainName="d", ObjectTypeName="Purchases", Object=json.dumps(document)
        )
    cp.put_profile_object(
        DomainName="d",
        ObjectTypeName="Profiles",
        Object=json.dumps({"note": "n", "email": "a@x.pt"}),
    )
    query = (
        "SELECT p.ProfileId FROM profiles p JOIN Purchases o ON o.ProfileId = p.ProfileId "
        "WHERE o.`group` = 'vip' AND o.`1st` = 'yes' AND o.`order` LIKE 'o-%'"
    )
    cp.create_segment_definition(
        DomainName="d", SegmentDefinitionName="vip", DisplayName="vip", SegmentSqlQuery=query
    )
    found = cp.get_segment_membership(
        DomainName="d", SegmentDefinitionName="vip", ProfileIds=[a, b]
    )
    assert [p["QueryResult"] for p in found["Profiles"]] == ["PRESENT", "ABSENT"]
    estimate = cp.create_segment_estimate(DomainName="d", SegmentSqlQuery=query)
    assert estimate["StatusCode"] in (200, 201, 202)


def test_sql_error_messages_are_plain_text(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    sql_domain(cp)
    code, _, message = error_code(
        cp.create_segment_definition,
        DomainName="d",
        SegmentDefinitionName="bad",
        DisplayName="bad",
        SegmentSqlQuery="SELECT ProfileId FROM profiles WHERE (",
    )
    assert code == "BadRequestException"
    assert "\x1b" not in message and "not valid Spark SQL" in message


@pytest.mark.parametrize("unused", [None])
def test_fixture_handle_offers_outbox_and_reset(
    customerprofiles_client: Any, customerprofiles_mock: Any, unused: None
) -> None:
    cp = customerprofiles_client
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.create_event_stream(DomainName="d", EventStreamName="s", Uri=stream)
    cp.create_profile(DomainName="d", FirstName="Ana")
    assert customerprofiles_mock.outbox().kinesis[stream]
    customerprofiles_mock.reset()
    assert cp.list_domains()["Items"] == []
    assert customerprofiles_mock.outbox().kinesis == {}


# -- issue 18: what an object-type update may change; rule-based matching without rules --
def orders(cp: Any, **extra: Any) -> Any:
    return cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="Orders",
        **{"Description": "orders", **extra},
        Fields={"id": {"Source": "_source.id", "ContentType": "STRING"}},
        Keys={"orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}]},
    )


def test_updating_an_object_type_does_not_change_its_tags(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    orders(cp, Tags={"team": "a"})
    updated = orders(cp, Tags={"team": "b", "extra": "x"}, ExpirationDays=10)
    assert updated["Tags"] == {"team": "a"} and updated["ExpirationDays"] == 10
    got = cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")
    assert got["Tags"] == {"team": "a"}
    arn = got.get("ObjectTypeArn") or (
        "arn:aws:profile:us-east-1:123456789012:domains/d/object-types/Orders"
    )
    cp.tag_resource(resourceArn=arn, tags={"team": "c"})  # the documented way
    assert cp.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "c"}


def test_encryption_key_is_fixed_once_the_data_store_is_enabled(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    key = "arn:aws:kms:us-east-1:123456789012:key/one"
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    orders(cp, EncryptionKey=key)
    code, _, message = error_code(lambda: orders(cp, EncryptionKey=key.replace("one", "two")))
    assert code == "BadRequestException" and "EncryptionKey" in message
    assert (
        cp.get_profile_object_type(DomainName="d", ObjectTypeName="Orders")["EncryptionKey"] == key
    )
    assert orders(cp, EncryptionKey=key, Description="same key")["Description"] == "same key"
    assert orders(cp, Description="key left out")["EncryptionKey"] == key


def test_encryption_key_may_change_without_the_data_store(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    orders(cp, EncryptionKey="arn:aws:kms:us-east-1:123456789012:key/one")
    changed = orders(cp, EncryptionKey="arn:aws:kms:us-east-1:123456789012:key/two")
    assert changed["EncryptionKey"].endswith("key/two")


def test_rule_based_matching_may_be_enabled_without_rules(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    created = cp.create_domain(
        DomainName="d", DefaultExpirationDays=30, RuleBasedMatching={"Enabled": True}
    )
    assert created["RuleBasedMatching"]["Enabled"] is True
    assert "MatchingRules" not in created["RuleBasedMatching"] or (
        created["RuleBasedMatching"]["MatchingRules"] == []
    )
    for _ in range(2):
        cp.create_profile(DomainName="d", FirstName="Ana", LastName="Silva")
    # No rule, nothing to match on: no matches, and no error.
    assert cp.list_rule_based_matches(DomainName="d")["MatchIds"] == []


# -- issue 14 items 1-4: calculated attributes ------------------------------------------
def flights(cp: Any) -> None:
    """A travel-style type feeding the standard _airSegment object."""
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="FlightSegments",
        Description="segments",
        AllowProfileCreation=True,
        Fields={
            "id": {"Source": "_source.id", "Target": "_airSegment.SegmentId"},
            "price": {"Source": "_source.price", "Target": "_airSegment.Seat.Price"},
            "departs": {"Source": "_source.departs", "Target": "_airSegment.Departure.Date"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        },
        Keys={
            "segmentId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )


def segment(cp: Any, sid: str, price: Any, departs: Any, email: str = "t@x.io") -> None:
    document = {"id": sid, "price": price, "departs": departs, "email": email}
    cp.put_profile_object(
        DomainName="d", ObjectTypeName="FlightSegments", Object=json.dumps(document)
    )


def traveller(cp: Any, email: str = "t@x.io") -> str:
    found = cp.search_profiles(DomainName="d", KeyName="_email", Values=[email])["Items"]
    return str(found[0]["ProfileId"])


def calc(cp: Any, name: str, statistic: str, expression: str, **extra: Any) -> Any:
    fields = sorted({m.split(".", 1)[1].split("}")[0] for m in expression.split("{")[1:]})
    return cp.create_calculated_attribute_definition(
        DomainName="d",
        CalculatedAttributeName=name,
        Statistic=statistic,
        AttributeDetails={"Attributes": [{"Name": f} for f in fields], "Expression": expression},
        **extra,
    )


def value(cp: Any, name: str, profile: str) -> Any:
    return cp.get_calculated_attribute_for_profile(
        DomainName="d", ProfileId=profile, CalculatedAttributeName=name
    ).get("Value")


def test_definitions_over_standard_objects_with_a_range_of_unit_and_source_only(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    flights(cp)
    # The travel sample's shape: a Range with only Unit and TimestampSource.
    calc(
        cp,
        "spend",
        "SUM",
        "{_airSegment.Seat.Price}",
        Conditions={"Range": {"Unit": "DAYS", "TimestampSource": "{_airSegment.Departure.Date}"}},
    )
    calc(
        cp,
        "first_departure",
        "FIRST_OCCURRENCE",
        "{_airSegment.Departure.Date}",
        Conditions={"Range": {"Unit": "DAYS", "TimestampSource": "{_airSegment.Departure.Date}"}},
    )
    segment(cp, "s1", 120.5, "2026-03-01T10:00:00Z")
    segment(cp, "s2", 80, "2025-12-24T08:00:00Z")
    profile = traveller(cp)
    assert value(cp, "spend", profile) == "200.5"
    assert value(cp, "first_departure", profile) == "2025-12-24T08:00:00Z"


def test_widening_a_range_does_not_bring_back_older_data(customerprofiles_client: Any) -> None:
    from datetime import timedelta

    from freezegun import freeze_time

    cp = customerprofiles_client
    flights(cp)
    with freeze_time("2026-01-01") as clock:
        segment(cp, "old", 100, "x")  # ingested 2026-01-01
        clock.tick(timedelta(days=10))
        calc(
            cp,
            "recent",
            "SUM",
            "{_airSegment.Seat.Price}",
            Conditions={"Range": {"Value": 7, "Unit": "DAYS"}},
            UseHistoricalData=True,
        )
        segment(cp, "new", 5, "x")
        profile = traveller(cp)
        assert value(cp, "recent", profile) == "5"
        cp.update_calculated_attribute_definition(
            DomainName="d",
            CalculatedAttributeName="recent",
            Conditions={"Range": {"Value": 30, "Unit": "DAYS"}},
        )
        # "increasing the date range ... will not trigger inclusion of historical data
        # greater than the current date range"
        assert value(cp, "recent", profile) == "5"
        clock.tick(timedelta(days=1))
        segment(cp, "later", 7, "x")
        assert value(cp, "recent", profile) == "12"


def test_epochmilli_timestamps_in_seconds_are_not_read_as_1970(
    customerprofiles_client: Any,
) -> None:
    from freezegun import freeze_time

    cp = customerprofiles_client
    flights(cp)
    with freeze_time("2026-06-15"):
        calc(
            cp,
            "week",
            "SUM",
            "{_airSegment.Seat.Price}",
            Conditions={
                "Range": {
                    "Value": 7,
                    "Unit": "DAYS",
                    "TimestampSource": "{_airSegment.Departure.Date}",
                    "TimestampFormat": "EPOCHMILLI",
                }
            },
        )
        segment(cp, "secs", 10, 1781308800)  # 2026-06-13 in seconds
        segment(cp, "millis", 20, 1781308800000)  # the same instant in milliseconds
        segment(cp, "old", 40, 1700000000)  # 2023, in seconds
        assert value(cp, "week", traveller(cp)) == "30"


def test_huge_numbers_never_break_a_call(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    flights(cp)
    calc(cp, "total", "SUM", "{_airSegment.Seat.Price}")
    calc(cp, "mean", "AVERAGE", "{_airSegment.Seat.Price}")
    calc(cp, "blown", "MAXIMUM", "{_airSegment.Seat.Price} * 1e400")
    segment(cp, "a", 1.5e308, "x")
    segment(cp, "b", 1.5e308, "x")
    profile = traveller(cp)
    assert value(cp, "total", profile) is None  # beyond a double: no value
    assert float(value(cp, "mean", profile)) == 1.5e308
    assert value(cp, "blown", profile) is None
    listed = cp.list_calculated_attributes_for_profile(DomainName="d", ProfileId=profile)
    assert len(listed["Items"]) == 3
    assert (
        len(
            cp.list_profile_objects(
                DomainName="d", ObjectTypeName="FlightSegments", ProfileId=profile
            )["Items"]
        )
        == 2
    )


def test_statistics_of_huge_values_are_finite(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    put_type(cp, "Bets", ["stake"], "stake")
    for n, stake in enumerate((1.5e308, 1.7e308, -1.6e308)):
        cp.put_profile_object(
            DomainName="d",
            ObjectTypeName="Bets",
            Object=json.dumps({"stake": stake, "email": f"{n}@x.io"}),
        )
    stats = cp.get_object_type_attribute_statistics(
        DomainName="d", ObjectTypeName="Bets", AttributeName="stake"
    )["Statistics"]
    assert stats["Maximum"] == 1.7e308 and stats["Minimum"] == -1.6e308
    assert abs(stats["Average"] - 1.6e308 / 3) < 1e300


# -- issue 14 items 6, 8-13 -------------------------------------------------------------
def test_segment_snapshot_needs_a_destination(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.create_segment_definition(
        DomainName="d",
        SegmentDefinitionName="all",
        DisplayName="all",
        SegmentGroups={
            "Include": "ALL",
            "Groups": [
                {
                    "Type": "ALL",
                    "Dimensions": [
                        {
                            "ProfileAttributes": {
                                "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["Ana"]}
                            }
                        }
                    ],
                }
            ],
        },
    )
    code, _, message = error_code(
        cp.create_segment_snapshot, DomainName="d", SegmentDefinitionName="all", DataFormat="CSV"
    )
    assert code == "BadRequestException" and "DestinationUri" in message


def test_a_domain_object_type_does_not_hide_the_profile_types_attributes(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    put_type(cp, "Shared", ["color"], "color")
    cp.put_domain_object_type(
        DomainName="d",
        ObjectTypeName="Shared",
        Fields={"size": {"Source": "_source.size", "Target": "_catalogItem.Size"}},
    )
    names = {
        a["AttributeName"]
        for a in cp.list_object_type_attributes(DomainName="d", ObjectTypeName="Shared")["Items"]
    }
    assert {"color", "email", "size"} <= names


def test_attribute_value_pages_never_repeat_a_value(customerprofiles_client: Any) -> None:
    from datetime import timedelta

    from freezegun import freeze_time

    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
    put_type(cp, "Tickets", ["tier", "tid"], "tid")
    with freeze_time("2026-01-01") as clock:
        for n, tier in enumerate(["a", "b", "c", "d"]):
            document = {"tier": tier, "tid": str(n), "email": "x@x.io"}
            cp.put_profile_object(
                DomainName="d", ObjectTypeName="Tickets", Object=json.dumps(document)
            )
            clock.tick(timedelta(minutes=1))
        first = cp.list_object_type_attribute_values(
            DomainName="d", ObjectTypeName="Tickets", AttributeName="tier", MaxResults=2
        )
        document = {"tier": "new", "tid": "9", "email": "x@x.io"}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Tickets", Object=json.dumps(document))
        second = cp.list_object_type_attribute_values(
            DomainName="d",
            ObjectTypeName="Tickets",
            AttributeName="tier",
            MaxResults=2,
            NextToken=first["NextToken"],
        )
    seen = [v["Value"] for v in first["Items"] + second["Items"]]
    assert seen == ["d", "c", "b", "a"]


def test_rule_based_matching_changes_only_when_the_status_allows(
    customerprofiles_client: Any,
) -> None:
    from datetime import timedelta

    from freezegun import freeze_time

    cp = customerprofiles_client
    rules = {"Enabled": True, "MatchingRules": [{"Rule": ["EmailAddress"]}]}
    other = {"Enabled": True, "MatchingRules": [{"Rule": ["PhoneNumber"]}]}
    with freeze_time("2026-01-01") as clock:
        cp.create_domain(DomainName="d", DefaultExpirationDays=30, RuleBasedMatching=rules)
        assert cp.get_domain(DomainName="d")["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
        code, _, message = error_code(cp.update_domain, DomainName="d", RuleBasedMatching=other)
        assert code == "BadRequestException" and "IN_PROGRESS" in message
        clock.tick(timedelta(hours=2))
        assert cp.get_domain(DomainName="d")["RuleBasedMatching"]["Status"] == "ACTIVE"
        code, _, message = error_code(cp.update_domain, DomainName="d", RuleBasedMatching=other)
        assert code == "BadRequestException" and "a day after" in message
        got = cp.get_domain(DomainName="d")["RuleBasedMatching"]
        assert got["MatchingRules"] == rules["MatchingRules"]
        cp.update_domain(DomainName="d", RuleBasedMatching=rules)  # the same: no change
        clock.tick(timedelta(days=1))
        updated = cp.update_domain(DomainName="d", RuleBasedMatching=other)
        assert updated["RuleBasedMatching"]["MatchingRules"] == other["MatchingRules"]


def test_source_conflict_resolution_falls_back_to_recency_within_one_source(
    customerprofiles_client: Any,
) -> None:
    from datetime import timedelta

    from freezegun import freeze_time

    cp = customerprofiles_client
    with freeze_time("2026-01-01") as clock:
        cp.create_domain(
            DomainName="d",
            DefaultExpirationDays=30,
            RuleBasedMatching={
                "Enabled": True,
                "MatchingRules": [{"Rule": ["EmailAddress"]}],
                "MaxAllowedRuleLevelForMerging": 1,
                "ConflictResolution": {"ConflictResolvingModel": "SOURCE", "SourceName": "Crm"},
            },
        )
        cp.put_profile_object_type(
            DomainName="d",
            ObjectTypeName="Crm",
            Description="crm",
            AllowProfileCreation=True,
            Fields={
                "id": {"Source": "_source.id"},
                "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
                "name": {"Source": "_source.name", "Target": "_profile.FirstName"},
            },
            Keys={"crmId": [{"StandardIdentifiers": ["PROFILE", "UNIQUE"], "FieldNames": ["id"]}]},
        )
        for n, name in enumerate(["Older", "Newer"]):
            document = {"id": str(n), "email": "same@x.io", "name": name}
            cp.put_profile_object(DomainName="d", ObjectTypeName="Crm", Object=json.dumps(document))
            clock.tick(timedelta(minutes=5))
        clock.tick(timedelta(hours=1))  # ACTIVE: the duplicates merge
        found = cp.search_profiles(DomainName="d", KeyName="_email", Values=["same@x.io"])
        assert [p["FirstName"] for p in found["Items"]] == ["Newer"]


def test_a_pending_job_tells_when_it_will_start(customerprofiles_client: Any) -> None:
    from datetime import datetime, timezone

    from freezegun import freeze_time

    cp = customerprofiles_client
    with freeze_time("2026-01-01 10:00"):  # a Thursday
        cp.create_domain(
            DomainName="d",
            DefaultExpirationDays=30,
            Matching={"Enabled": True, "JobSchedule": {"DayOfTheWeek": "MONDAY", "Time": "02:00"}},
        )
        [job] = cp.list_identity_resolution_jobs(DomainName="d")["IdentityResolutionJobsList"]
        got = cp.get_identity_resolution_job(DomainName="d", JobId=job["JobId"])
        assert got["Status"] == "PENDING"
        assert got["JobStartTime"] == datetime(2026, 1, 5, 2, tzinfo=timezone.utc)
        assert got["LastUpdatedAt"] <= datetime(2026, 1, 1, 10, tzinfo=timezone.utc)


# -- issue 14 items 14-19: integrations, streams, triggers, workflows, uploads ---------
FLOW = {
    "FlowName": "crm-flow",
    "KmsArn": "arn:aws:kms:us-east-1:123456789012:key/k",
    "SourceFlowConfig": {
        "ConnectorType": "Salesforce",
        "SourceConnectorProperties": {"Salesforce": {"Object": "Contact"}},
    },
    "Tasks": [
        {
            "SourceFields": ["Id"],
            "TaskType": "Filter",
            "ConnectorOperator": {"Salesforce": "PROJECTION"},
        }
    ],
    "TriggerConfig": {"TriggerType": "OnDemand"},
}


def test_unstructured_flows_and_event_type_keys(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    made = cp.put_integration(DomainName="d", ObjectTypeName="_unstructured", FlowDefinition=FLOW)
    assert made["IsUnstructured"] is True and made["ObjectTypeName"] == "_unstructured"
    segment_uri = "arn:aws:events:us-east-1:123456789012:rule/segment"
    ok = cp.put_integration(
        DomainName="d", Uri=segment_uri, ObjectTypeNames={"SegmentIdentify": "Segment-Identify"}
    )
    assert ok["IsUnstructured"] is False
    code, _, message = error_code(
        cp.put_integration,
        DomainName="d",
        Uri="arn:aws:events:us-east-1:123456789012:rule/other",
        ObjectTypeNames={"NotAnEvent": "Segment-Identify"},
    )
    assert code == "BadRequestException" and "NotAnEvent" in message


def test_domain_scoped_s3_integration_ingests_domain_object_records() -> None:
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="catalog")
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(DomainName="d", DefaultExpirationDays=30, DataStore={"Enabled": True})
        cp.put_domain_object_type(
            DomainName="d",
            ObjectTypeName="Items",
            Fields={
                "id": {"Source": "_source.id", "Target": "_catalogItem.Id"},
                "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
            },
        )
        made = cp.put_integration(
            DomainName="d", Uri="s3://catalog/in", ObjectTypeName="Items", Scope="DOMAIN"
        )
        assert made["Scope"] == "DOMAIN"
        s3.put_object(Bucket="catalog", Key="in/a.json", Body=b'{"id": "i1", "name": "Lamp"}')
        values = cp.list_object_type_attribute_values(
            DomainName="d", ObjectTypeName="Items", AttributeName="name"
        )["Items"]
        assert [v["Value"] for v in values] == ["Lamp"]
        assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 0


def test_an_integration_belongs_to_one_domain(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    for name in ("one", "two"):
        cp.create_domain(DomainName=name, DefaultExpirationDays=30)
    uri = "arn:aws:connect:us-east-1:123456789012:instance/abc"
    cp.put_integration(DomainName="one", Uri=uri, ObjectTypeName="CTR")
    code, _, _ = error_code(cp.put_integration, DomainName="two", Uri=uri, ObjectTypeName="CTR")
    assert code == "BadRequestException"
    assert cp.list_integrations(DomainName="two")["Items"] == []
    cp.put_integration(DomainName="one", Uri=uri, ObjectTypeName="CTR")  # an update is fine


def vip_calls() -> dict[str, Any]:
    """CreateEventTrigger arguments: a trigger on Calls whose kind is "vip"."""
    return {
        "DomainName": "d",
        "EventTriggerName": "t",
        "ObjectTypeName": "Calls",
        "EventTriggerConditions": [
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {"FieldName": "kind", "ComparisonOperator": "EQUAL", "Values": ["vip"]}
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
    }


def test_duplicate_creates_answer_the_messages_cloudformation_matches(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.put_integration(DomainName="d", ObjectTypeName="CTR", FlowDefinition=FLOW)
    _, _, message = error_code(
        cp.put_integration, DomainName="d", ObjectTypeName="CTR", FlowDefinition=FLOW
    )
    assert message == "Flow with name crm-flow already exists."
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
    cp.create_event_stream(DomainName="d", EventStreamName="s", Uri=stream)
    _, _, message = error_code(
        cp.create_event_stream, DomainName="d", EventStreamName="s", Uri=stream
    )
    assert message == (
        "The Customer Profiles Domain: d is already associated with an active EventStream"
    )
    groups = {
        "Include": "ALL",
        "Groups": [
            {
                "Type": "ALL",
                "Dimensions": [
                    {
                        "ProfileAttributes": {
                            "FirstName": {"DimensionType": "INCLUSIVE", "Values": ["A"]}
                        }
                    }
                ],
            }
        ],
    }
    for _ in range(2):
        try:
            cp.create_segment_definition(
                DomainName="d", SegmentDefinitionName="seg", DisplayName="s", SegmentGroups=groups
            )
        except cp.exceptions.BadRequestException as error:
            assert error.response["Error"]["Message"] == (
                "Segment definition with name seg already exists"
            )
    put_type(cp, "Calls", ["kind", "cid"], "cid")
    trigger = vip_calls()
    cp.create_event_trigger(**trigger)
    _, _, message = error_code(cp.create_event_trigger, **trigger)
    assert message == "Event trigger with name t already exists"


def test_workflows_never_overwrite_an_integration_and_take_their_sources(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    put_type(cp, "Contacts", ["id"], "id")
    uri = "arn:aws:appflow:us-east-1:123456789012:flow/crm-flow"
    cp.put_integration(DomainName="d", Uri=uri, ObjectTypeName="Contacts", Tags={"keep": "me"})
    workflow = {
        "DomainName": "d",
        "WorkflowType": "APPFLOW_INTEGRATION",
        "IntegrationConfig": {"AppflowIntegration": {"FlowDefinition": FLOW}},
        "ObjectTypeName": "Contacts",
        "RoleArn": "arn:aws:iam::123456789012:role/r",
    }
    code, _, _ = error_code(cp.create_integration_workflow, **workflow)
    assert code == "BadRequestException"
    assert cp.get_integration(DomainName="d", Uri=uri)["Tags"] == {"keep": "me"}
    zendesk = {
        **FLOW,
        "FlowName": "zd",
        "SourceFlowConfig": {
            "ConnectorType": "Zendesk",
            "SourceConnectorProperties": {"Zendesk": {"Object": "tickets"}},
        },
    }
    workflow["IntegrationConfig"] = {"AppflowIntegration": {"FlowDefinition": zendesk}}
    code, _, message = error_code(cp.create_integration_workflow, **workflow)
    assert code == "BadRequestException" and "Zendesk" in message


def test_a_trigger_created_again_starts_counting_afresh(customerprofiles_client: Any) -> None:
    import customerprofiles_mock

    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    put_type(cp, "Calls", ["kind", "cid"], "cid")
    trigger = {
        **vip_calls(),
        "EventTriggerLimits": {
            "Periods": [{"Unit": "DAYS", "Value": 1, "MaxInvocationsPerProfile": 1}]
        },
    }

    def call(cid: str) -> None:
        document = {"kind": "vip", "cid": cid, "email": "v@x.io"}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Calls", Object=json.dumps(document))

    def fired() -> int:
        return len(customerprofiles_mock.outbox().event_triggers)

    cp.create_event_trigger(**trigger)
    call("1")
    call("2")  # over the limit
    assert fired() == 1
    cp.delete_event_trigger(DomainName="d", EventTriggerName="t")
    cp.create_event_trigger(**trigger)
    call("3")
    assert fired() == 2


def test_upload_url_is_refused_after_valid_until(customerprofiles_client: Any) -> None:
    from datetime import timedelta

    import requests
    from freezegun import freeze_time

    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    with freeze_time("2026-01-01") as clock:
        job = cp.create_upload_job(
            DomainName="d",
            DisplayName="up",
            UniqueKey="email",
            Fields={"email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}},
        )["JobId"]
        path = cp.get_upload_job_path(DomainName="d", JobId=job)
        clock.tick(timedelta(hours=1, seconds=1))  # ValidUntil is an hour on
        late = requests.put(path["Url"], data=b"email\na@x.io\n")
        assert late.status_code == 403
        fresh = cp.get_upload_job_path(DomainName="d", JobId=job)["Url"]
        assert requests.put(fresh, data=b"email\na@x.io\n").status_code == 200


# -- issue 14 item 23: standard object index keys --------------------------------------
def test_hotel_preferences_are_indexed_by_preference_and_reference_id(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=30)
    cp.put_profile_object_type(
        DomainName="d",
        ObjectTypeName="StayPrefs",
        Description="hotel preferences",
        AllowProfileCreation=True,
        Fields={
            "pid": {"Source": "_source.pid", "Target": "_hotelPreference.PreferenceId"},
            "ref": {"Source": "_source.ref", "Target": "_hotelPreference.ReferenceId"},
            "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        },
        Keys={
            "prefId": [
                {"StandardIdentifiers": ["UNIQUE", "HOTEL_PREFERENCE"], "FieldNames": ["pid"]}
            ],
            "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
        },
    )
    document = {"pid": "p-1", "ref": "res-9", "email": "guest@x.io"}
    cp.put_profile_object(DomainName="d", ObjectTypeName="StayPrefs", Object=json.dumps(document))
    by_pref = cp.search_profiles(DomainName="d", KeyName="_hotelPreferenceId", Values=["p-1"])
    by_ref = cp.search_profiles(DomainName="d", KeyName="_hotelReferenceId", Values=["res-9"])
    assert len(by_pref["Items"]) == 1
    assert [p["ProfileId"] for p in by_ref["Items"]] == [p["ProfileId"] for p in by_pref["Items"]]


def test_a_max_rule_level_above_the_number_of_rules_is_accepted(
    customerprofiles_client: Any,
) -> None:
    """The model bounds the levels 1-15 and says nothing of the number of rules."""
    cp = customerprofiles_client
    made = cp.create_domain(
        DomainName="d",
        DefaultExpirationDays=30,
        RuleBasedMatching={
            "Enabled": True,
            "MatchingRules": [{"Rule": ["EmailAddress"]}],
            "MaxAllowedRuleLevelForMatching": 15,
            "MaxAllowedRuleLevelForMerging": 15,
        },
    )
    assert made["RuleBasedMatching"]["MaxAllowedRuleLevelForMatching"] == 15


def test_trigger_sources_in_the_object_reference_form(customerprofiles_client: Any) -> None:
    """``{Type.field}`` and ``{_standard.path}`` Sources read the object as the other
    forms do (the model's Source is free text: "An attribute contained within a source
    object")."""
    import customerprofiles_mock

    cp = customerprofiles_client
    flights(cp)

    def trigger(name: str, source: str) -> None:
        cp.create_event_trigger(
            DomainName="d",
            EventTriggerName=name,
            ObjectTypeName="FlightSegments",
            EventTriggerConditions=[
                {
                    "EventTriggerDimensions": [
                        {
                            "ObjectAttributes": [
                                {
                                    "Source": source,
                                    "ComparisonOperator": "GREATER_THAN",
                                    "Values": ["100"],
                                }
                            ]
                        }
                    ],
                    "LogicalOperator": "ANY",
                }
            ],
        )

    trigger("own", "{FlightSegments.price}")
    trigger("standard", "{_airSegment.Seat.Price}")
    segment(cp, "cheap", 50, "2026-01-01")
    segment(cp, "dear", 500, "2026-01-02")
    fired = sorted(f["EventTriggerName"] for f in customerprofiles_mock.outbox().event_triggers)
    assert fired == ["own", "standard"]

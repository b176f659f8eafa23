"""Identity resolution through boto3: rule-based matching, automatic merges, scheduled
matching jobs, the auto-merging preview, and rule validation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from moto import mock_aws

from .conftest import error_code

RULES = {
    "Enabled": True,
    "MatchingRules": [
        {"Rule": ["EmailAddress"]},
        {"Rule": ["FirstName", "LastName", "PhoneNumber"]},
        {"Rule": ["LastName", "Address.City"]},
    ],
}


def domain(cp: Any, **settings: Any) -> None:
    cp.create_domain(DomainName="d", DefaultExpirationDays=365, **settings)


def ids_of(cp: Any, key: str, value: str) -> list[str]:
    found = cp.search_profiles(DomainName="d", KeyName=key, Values=[value])["Items"]
    return [p["ProfileId"] for p in found]


def similar(cp: Any, profile_id: str, kind: str = "RULE_BASED_MATCHING") -> dict[str, Any]:
    return dict(
        cp.get_similar_profiles(
            DomainName="d", MatchType=kind, SearchKey="_profileId", SearchValue=profile_id
        )
    )


def test_rule_based_matching_groups_by_level_once_active(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2026-01-01") as clock:
        domain(cp, RuleBasedMatching=RULES)
        a = cp.create_profile(
            DomainName="d", FirstName="Ana", LastName="Silva", EmailAddress="ANA@x.io"
        )["ProfileId"]
        b = cp.create_profile(
            DomainName="d", FirstName="ana", LastName="silva", EmailAddress=" ana@x.io "
        )["ProfileId"]
        c = cp.create_profile(
            DomainName="d", FirstName="Ana", LastName="Silva", PhoneNumber="+1 555 000 1111"
        )["ProfileId"]
        d = cp.create_profile(
            DomainName="d", FirstName="ANA", LastName="SILVA", PhoneNumber="(555) 000-1111"
        )["ProfileId"]
        e = cp.create_profile(DomainName="d", LastName="Berg", Address={"City": "Oslo"})[
            "ProfileId"
        ]
        f = cp.create_profile(DomainName="d", LastName="berg", Address={"City": "oslo"})[
            "ProfileId"
        ]
        lone = cp.create_profile(DomainName="d", FirstName="Lone")["ProfileId"]
        assert cp.get_domain(DomainName="d")["RuleBasedMatching"]["Status"] == "IN_PROGRESS"
        assert cp.list_rule_based_matches(DomainName="d")["MatchIds"] == []
        clock.tick(timedelta(hours=1))
        assert cp.get_domain(DomainName="d")["RuleBasedMatching"]["Status"] == "ACTIVE"
        match_ids = cp.list_rule_based_matches(DomainName="d")["MatchIds"]
        assert len(match_ids) == 3
        found = {p: similar(cp, p) for p in (a, b, c, d, e, f)}
        assert (found[a]["RuleLevel"], sorted(found[a]["ProfileIds"])) == (1, sorted([a, b]))
        assert (found[c]["RuleLevel"], sorted(found[c]["ProfileIds"])) == (2, sorted([c, d]))
        assert (found[e]["RuleLevel"], sorted(found[e]["ProfileIds"])) == (3, sorted([e, f]))
        assert found[a]["MatchId"] == found[b]["MatchId"] and found[a]["MatchId"] in match_ids
        assert similar(cp, lone)["ProfileIds"] == []
        # Matches follow updates and deletes.
        cp.update_profile(DomainName="d", ProfileId=b, EmailAddress="other@x.io")
        assert similar(cp, a)["ProfileIds"] == []
        cp.delete_profile(DomainName="d", ProfileId=f)
        assert similar(cp, e)["ProfileIds"] == []
        assert len(cp.list_rule_based_matches(DomainName="d")["MatchIds"]) == 1
        page = similar_page = cp.get_similar_profiles(
            DomainName="d",
            MatchType="RULE_BASED_MATCHING",
            SearchKey="_profileId",
            SearchValue=c,
            MaxResults=1,
        )
        rest = cp.get_similar_profiles(
            DomainName="d",
            MatchType="RULE_BASED_MATCHING",
            SearchKey="_profileId",
            SearchValue=c,
            NextToken=similar_page["NextToken"],
        )
        assert sorted(page["ProfileIds"] + rest["ProfileIds"]) == sorted([c, d])
    assert (
        error_code(
            cp.get_similar_profiles,
            DomainName="d",
            MatchType="RULE_BASED_MATCHING",
            SearchKey="_email",
            SearchValue="nobody@x.io",
        )[0]
        == "ResourceNotFoundException"
    )


def test_attribute_types_selector_and_max_level(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    config = {
        "Enabled": True,
        "MatchingRules": [{"Rule": ["PhoneNumber"]}, {"Rule": ["LastName"]}],
        "MaxAllowedRuleLevelForMatching": 1,
        "AttributeTypesSelector": {
            "AttributeMatchingModel": "MANY_TO_MANY",
            "PhoneNumber": ["MobilePhoneNumber", "HomePhoneNumber"],
        },
    }
    with freeze_time("2026-01-01") as clock:
        domain(cp, RuleBasedMatching=config)
        a = cp.create_profile(DomainName="d", LastName="X", MobilePhoneNumber="555-0101")[
            "ProfileId"
        ]
        b = cp.create_profile(DomainName="d", LastName="X", HomePhoneNumber="5550101")["ProfileId"]
        c = cp.create_profile(DomainName="d", LastName="X", PhoneNumber="5550101")["ProfileId"]
        clock.tick(timedelta(hours=1))
        assert sorted(similar(cp, a)["ProfileIds"]) == sorted([a, b])  # PhoneNumber not selected
        assert similar(cp, c)["ProfileIds"] == []  # level 2 (LastName) is above the maximum


def test_low_cardinality_values_are_skipped(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2026-01-01") as clock:
        domain(cp, RuleBasedMatching={"Enabled": True, "MatchingRules": [{"Rule": ["LastName"]}]})
        for _ in range(501):
            cp.create_profile(DomainName="d", LastName="Common")
        cp.create_profile(DomainName="d", LastName="Rare")
        rare = cp.create_profile(DomainName="d", LastName="Rare")["ProfileId"]
        clock.tick(timedelta(hours=1))
        assert len(cp.list_rule_based_matches(DomainName="d")["MatchIds"]) == 1
        assert len(similar(cp, rare)["ProfileIds"]) == 2


def test_matches_at_or_below_the_merging_level_are_merged(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    config = {
        **RULES,
        "MaxAllowedRuleLevelForMerging": 1,
        "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
    }
    with freeze_time("2026-01-01") as clock:
        domain(cp, RuleBasedMatching=config)
        clock.tick(timedelta(hours=1))
        old = cp.create_profile(
            DomainName="d", FirstName="Old", EmailAddress="same@x.io", AccountNumber="A1"
        )["ProfileId"]
        clock.tick(timedelta(minutes=1))
        new = cp.create_profile(DomainName="d", FirstName="New", EmailAddress="same@x.io")[
            "ProfileId"
        ]
        cp.create_profile(DomainName="d", FirstName="P", LastName="Q", PhoneNumber="1")
        cp.create_profile(DomainName="d", FirstName="P", LastName="Q", PhoneNumber="1")
        stats = cp.get_domain(DomainName="d")["Stats"]
        assert stats["ProfileCount"] == 3  # the level-1 pair merged, the level-2 pair did not
        [merged] = cp.batch_get_profile(DomainName="d", ProfileIds=[new])["Profiles"]
        assert (merged["FirstName"], merged["AccountNumber"]) == ("New", "A1")  # RECENCY
        assert (
            cp.batch_get_profile(DomainName="d", ProfileIds=[old])["Errors"][0]["ProfileId"] == old
        )
        assert ids_of(cp, "_profileId", old) == [new]


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ({"Enabled": True, "MatchingRules": [{"Rule": ["Shoe"]}]}, "Shoe"),
        (
            {
                "Enabled": True,
                "MatchingRules": [{"Rule": ["LastName"]}, {"Rule": ["FirstName"]}],
                "MaxAllowedRuleLevelForMatching": 1,
                "MaxAllowedRuleLevelForMerging": 2,
            },
            "cannot exceed",
        ),
        ({"Enabled": True, "MatchingRules": [{"Rule": ["LastName"]}] * 16}, "validation"),
        ({"Enabled": True, "MatchingRules": [{"Rule": ["LastName"] * 16}]}, "validation"),
    ],
)
def test_rule_validation_leaves_the_domain_unchanged(
    customerprofiles_client: Any, config: dict[str, Any], says: str
) -> None:
    cp = customerprofiles_client
    domain(cp)
    code, _, message = error_code(
        cp.update_domain, DomainName="d", DefaultExpirationDays=9, RuleBasedMatching=config
    )
    assert code == "BadRequestException" and says in message
    got = cp.get_domain(DomainName="d")
    assert got["DefaultExpirationDays"] == 365 and "RuleBasedMatching" not in got


# -- ML matching jobs -------------------------------------------------------------------
def people(cp: Any) -> dict[str, str]:
    made = {
        "ana1": {
            "FirstName": "Ana",
            "LastName": "Silva",
            "EmailAddress": "ana@x.io",
            "PhoneNumber": "555-0001",
        },
        "ana2": {
            "FirstName": "ANA",
            "LastName": "SILVA",
            "EmailAddress": "ana@x.io",
            "BirthDate": "1990-01-01",
        },
        "bo1": {
            "FirstName": "Bo",
            "LastName": "Berg",
            "PhoneNumber": "(555) 010-0002",
            "Address": {"Address1": "1 Main", "PostalCode": "0150"},
        },
        "bo2": {
            "FirstName": "Bob",
            "LastName": "Berg",
            "PhoneNumber": "+1 555 010 0002",
            "Address": {"Address1": "1 main", "PostalCode": "0150"},
        },
        "cy": {"FirstName": "Cy", "LastName": "Moreau", "EmailAddress": "cy@x.io"},
        "cy_not": {
            "FirstName": "Cyril",
            "LastName": "Moreau",
            "EmailAddress": "other@x.io",
            "BirthDate": "1970-01-01",
        },
    }
    return {
        name: cp.create_profile(DomainName="d", **fields)["ProfileId"]
        for name, fields in made.items()
    }


MATCHING = {"Enabled": True, "JobSchedule": {"DayOfTheWeek": "MONDAY", "Time": "02:00"}}


def test_jobs_run_on_schedule_and_find_matches(customerprofiles_client: Any) -> None:
    cp = customerprofiles_client
    with freeze_time("2026-01-01 10:00") as clock:  # a Thursday
        domain(cp, Matching=MATCHING)
        who = people(cp)
        [pending] = cp.list_identity_resolution_jobs(DomainName="d")["IdentityResolutionJobsList"]
        assert pending["Status"] == "PENDING"
        job = cp.get_identity_resolution_job(DomainName="d", JobId=pending["JobId"])
        assert "JobStats" not in job and "AutoMerging" not in job
        assert error_code(cp.get_identity_resolution_job, DomainName="d", JobId="0" * 32)[0] == (
            "ResourceNotFoundException"
        )
        assert cp.get_matches(DomainName="d")["PotentialMatches"] == 0
        clock.move_to("2026-01-05 02:00:30")  # Monday 02:00
        assert (
            cp.get_identity_resolution_job(DomainName="d", JobId=pending["JobId"])["Status"]
            == "PREPROCESSING"
        )
        clock.tick(timedelta(seconds=60))
        assert (
            cp.get_identity_resolution_job(DomainName="d", JobId=pending["JobId"])["Status"]
            == "FIND_MATCHING"
        )
        clock.tick(timedelta(seconds=60))
        assert (
            cp.get_identity_resolution_job(DomainName="d", JobId=pending["JobId"])["Status"]
            == "MERGING"
        )
        clock.tick(timedelta(seconds=60))
        done = cp.get_identity_resolution_job(DomainName="d", JobId=pending["JobId"])
        assert done["Status"] == "COMPLETED"
        assert done["JobStartTime"] == datetime(2026, 1, 5, 2, tzinfo=timezone.utc)
        assert done["JobStats"] == {
            "NumberOfProfilesReviewed": 6,
            "NumberOfMatchesFound": 2,
            "NumberOfMergesDone": 0,
        }
        assert done["JobExpirationTime"] > done["JobEndTime"]
        matches = cp.get_matches(DomainName="d")
        assert matches["MatchGenerationDate"] == done["JobEndTime"]
        groups = sorted(sorted(m["ProfileIds"]) for m in matches["Matches"])
        assert groups == sorted(
            [sorted([who["ana1"], who["ana2"]]), sorted([who["bo1"], who["bo2"]])]
        )
        assert all(0.5 <= m["ConfidenceScore"] <= 1 for m in matches["Matches"])
        ml = similar(cp, who["bo1"], "ML_BASED_MATCHING")
        assert (
            sorted(ml["ProfileIds"]) == sorted([who["bo1"], who["bo2"]])
            and ml["ConfidenceScore"] >= 0.5
        )
        jobs = cp.list_identity_resolution_jobs(DomainName="d")["IdentityResolutionJobsList"]
        assert [j["Status"] for j in jobs] == ["PENDING", "COMPLETED"]  # the next week's is queued
        cp.update_domain(DomainName="d", Matching={"Enabled": False})
        jobs = cp.list_identity_resolution_jobs(DomainName="d")["IdentityResolutionJobsList"]
        assert [j["Status"] for j in jobs] == ["COMPLETED"]
        code, _, message = error_code(cp.get_matches, DomainName="d")
        assert code == "BadRequestException" and "not enabled" in message


def test_auto_merging_with_consolidation_and_export_to_moto_s3() -> None:
    with mock_aws(), freeze_time("2026-01-01 10:00") as clock:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="matches")
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        domain(
            cp,
            Matching={
                **MATCHING,
                "AutoMerging": {
                    "Enabled": True,
                    "Consolidation": {"MatchingAttributesList": [["LastName", "EmailAddress"]]},
                    "ConflictResolution": {"ConflictResolvingModel": "RECENCY"},
                    "MinAllowedConfidenceScoreForMerging": 0.5,
                },
                "ExportingConfig": {"S3Exporting": {"S3BucketName": "matches", "S3KeyName": "ir"}},
            },
        )
        who = people(cp)
        clock.move_to("2026-01-05 02:10")
        [done] = [
            j
            for j in cp.list_identity_resolution_jobs(DomainName="d")["IdentityResolutionJobsList"]
            if j["Status"] == "COMPLETED"
        ]
        assert done["JobStats"]["NumberOfMergesDone"] == 1  # Ana (same email); Bo lacks emails
        assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == 5
        assert ids_of(cp, "_profileId", who["ana1"]) == [who["ana2"]]  # the most recent wins
        key = done["ExportingLocation"]["S3Exporting"]["S3KeyName"]
        lines = s3.get_object(Bucket="matches", Key=key)["Body"].read().decode().splitlines()
        assert len(lines) == 2 and all(len(json.loads(line)["ProfileIds"]) == 2 for line in lines)


def test_auto_merging_preview_samples_the_last_jobs_matches(
    customerprofiles_client: Any,
) -> None:
    cp = customerprofiles_client

    def preview(minimum: float, *criteria: list[str]) -> dict[str, Any]:
        return dict(
            cp.get_auto_merging_preview(
                DomainName="d",
                Consolidation={"MatchingAttributesList": list(criteria)},
                ConflictResolution={"ConflictResolvingModel": "RECENCY"},
                MinAllowedConfidenceScoreForMerging=minimum,
            )
        )

    with freeze_time("2026-01-01 10:00") as clock:  # a Thursday
        domain(cp, Matching=MATCHING)
        who = people(cp)
        # No job has run yet: the dry run has no matching results to sample.
        before = preview(0.5, ["EmailAddress"], ["PhoneNumber"])
        assert (before["NumberOfMatchesInSample"], before["NumberOfProfilesInSample"]) == (0, 0)
        clock.move_to("2026-01-05 02:10")  # after Monday 02:00's job
        got = preview(0.5, ["EmailAddress"], ["PhoneNumber"])
        assert got == {
            **got,
            "DomainName": "d",
            "NumberOfMatchesInSample": 2,
            "NumberOfProfilesInSample": 4,
            "NumberOfProfilesWillBeMerged": 2,
        }
        cp.create_profile(DomainName="d", FirstName="Ana", EmailAddress="ana@x.io")
        # A profile added since the job is not in the sample until the next job.
        assert preview(0.5, ["EmailAddress"])["NumberOfProfilesInSample"] == 4
        strict = preview(0.99, ["EmailAddress"])
        assert strict["NumberOfProfilesWillBeMerged"] == 1
        assert cp.get_domain(DomainName="d")["Stats"]["ProfileCount"] == len(who) + 1
    assert (
        error_code(
            cp.get_auto_merging_preview,
            DomainName="d",
            Consolidation={"MatchingAttributesList": [["EmailAddress"]]},
            ConflictResolution={"ConflictResolvingModel": "SOURCE"},
        )[0]
        == "BadRequestException"
    )

"""Every domain-scoped operation in a realistic domain of 100 and of 10,000 profiles.

The domain: three object types (orders, web clicks, a product catalog), five objects per
profile, three calculated attributes, a CLASSIC and a SQL segment, an event trigger on
orders, ML and rule-based matching, the data store with a catalog type, a recommender.
For each operation whose answer does not grow with the domain, one representative call
runs in both domains, interleaved, and the report gives the large/small ratio of median
CPU time (target ≤ 1.5). Whole-domain operations are set against a plain Python loop
over the same profiles; memory per profile and growth under replacing writes close it.

Run: ``python benchmarks/scale_domain.py`` (``--large 100000`` for the big run,
``--quick`` for a short one).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REGION, interleaved

from customerprofiles_mock import mock_customerprofiles

ORDER = {
    "Description": "orders",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.id"},
        "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        "city": {"Source": "_source.city", "Target": "_profile.Address.City"},
        "last": {"Source": "_source.last", "Target": "_profile.LastName"},
        # a company account a quarter of the customers share: a crowded search key value
        "account": {"Source": "_source.account", "Target": "_profile.AccountNumber"},
        "total": {"Source": "_source.total", "ContentType": "NUMBER"},
        "status": {"Source": "_source.status"},
    },
    "Keys": {
        "orderId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["id"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}
CLICK = {
    "Description": "web events",
    "Fields": {
        "event": {"Source": "_source.event_id"},
        "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        "item": {"Source": "_source.item", "Target": "_webAnalytics.ItemId"},
        "kind": {"Source": "_source.kind", "Target": "_webAnalytics.EventType"},
    },
    "Keys": {
        "eventId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["event"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}
PRODUCT = {
    "Description": "products",
    "Fields": {
        "sku": {"Source": "_source.sku"},
        "id": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
        "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
        "category": {"Source": "_source.category", "Target": "_catalogItem.Category"},
    },
    "Keys": {"sku": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["sku"]}]},
}
CATALOG_FIELDS = {
    "sku": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
    "title": {"Source": "_source.title", "Target": "_catalogItem.Name", "FeatureType": "TEXTUAL"},
}
RULES = {
    "Enabled": True,
    "MatchingRules": [{"Rule": ["EmailAddress"]}, {"Rule": ["LastName", "Address.City"]}],
    "MaxAllowedRuleLevelForMerging": 1,
    "MaxAllowedRuleLevelForMatching": 2,
    "AttributeTypesSelector": {"AttributeMatchingModel": "ONE_TO_ONE"},
}
CITY = {
    "Include": "ALL",
    "Groups": [
        {
            "Type": "ALL",
            "Dimensions": [
                {
                    "ProfileAttributes": {
                        "Address": {"City": {"DimensionType": "INCLUSIVE", "Values": ["Lisbon"]}}
                    }
                }
            ],
        }
    ],
}
SQL = "SELECT ProfileId FROM profiles WHERE Address_City = 'Lisbon'"
ITEMS = [f"sku{n}" for n in range(20)]
CITIES = ["Lisbon", "Porto", "Braga", "Faro"]


def _orders(n: int, k: int, total: int | None = None) -> str:
    return json.dumps(
        {
            "id": f"o{n}-{k}",
            "email": f"c{n}@x.io",
            "city": CITIES[n % 4],
            "last": f"L{n % 997}",
            "account": f"acct-{CITIES[n % 4]}",
            "total": str(total if total is not None else (n * 7 + k * 13) % 400),
            "status": "paid",
        }
    )


def _click(n: int, k: int) -> str:
    body = {"event_id": f"e{n}-{k}", "email": f"c{n}@x.io", "item": ITEMS[(n + k) % 20]}
    return json.dumps({**body, "kind": "view"})


def build(cp: Any, domain: str, size: int) -> dict[str, Any]:
    """The realistic domain; returns ids the scenarios use."""
    cp.create_domain(
        DomainName=domain,
        DefaultExpirationDays=365,
        Matching={"Enabled": True},
        RuleBasedMatching=RULES,
        DataStore={"Enabled": True},
    )
    cp.put_profile_object_type(DomainName=domain, ObjectTypeName="Order", **ORDER)
    cp.put_profile_object_type(DomainName=domain, ObjectTypeName="Click", **CLICK)
    cp.put_profile_object_type(DomainName=domain, ObjectTypeName="Product", **PRODUCT)
    cp.put_domain_object_type(DomainName=domain, ObjectTypeName="Catalog", Fields=CATALOG_FIELDS)
    for sku in ITEMS:
        body = {"sku": sku, "name": sku.upper(), "category": "c"}
        cp.put_profile_object(DomainName=domain, ObjectTypeName="Product", Object=json.dumps(body))
    for name, statistic in (("orders", "COUNT"), ("spend", "SUM"), ("basket", "AVERAGE")):
        cp.create_calculated_attribute_definition(
            DomainName=domain,
            CalculatedAttributeName=name,
            Statistic=statistic,
            AttributeDetails={"Attributes": [{"Name": "total"}], "Expression": "{Order.total}"},
        )
    cp.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="lisbon", DisplayName="L", SegmentGroups=CITY
    )
    cp.create_segment_definition(
        DomainName=domain, SegmentDefinitionName="sql", DisplayName="S", SegmentSqlQuery=SQL
    )
    cp.create_event_trigger(
        DomainName=domain,
        EventTriggerName="big",
        ObjectTypeName="Order",
        EventTriggerConditions=[
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "Source": "{Order.total}",
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["390"],
                            }
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
    )
    cp.create_recommender(
        DomainName=domain, RecommenderName="popular", RecommenderRecipeName="popular-items"
    )
    for n in range(size):
        for k in range(3):
            cp.put_profile_object(DomainName=domain, ObjectTypeName="Order", Object=_orders(n, k))
        for k in range(2):
            cp.put_profile_object(DomainName=domain, ObjectTypeName="Click", Object=_click(n, k))
    found = cp.search_profiles(DomainName=domain, KeyName="_email", Values=["c7@x.io"])
    profile_id = found["Items"][0]["ProfileId"]
    objects = cp.list_profile_objects(
        DomainName=domain, ProfileId=profile_id, ObjectTypeName="Order"
    )["Items"]
    history = cp.list_profile_history_records(DomainName=domain, ProfileId=profile_id)
    shared = {"KeyName": "_account", "Values": ["acct-Lisbon", "acct-Porto"], "MaxResults": 5}
    token = cp.search_profiles(DomainName=domain, **shared).get("NextToken")
    if token:  # the third page: the scenario's later page
        token = cp.search_profiles(DomainName=domain, **shared, NextToken=token).get("NextToken")
    return {
        "account_token": token,
        "profile": profile_id,
        "object_key": objects[0]["ProfileObjectUniqueKey"],
        "history": history["ProfileHistoryRecords"][0]["Id"],
        "arn": f"arn:aws:profile:{REGION}:123456789012:domains/{domain}",
        "size": size,
    }


Scenario = Callable[[Any, str, dict[str, Any]], Callable[[], Any]]
_counter = itertools.count()


def _fresh() -> str:
    return f"n{next(_counter)}"


def scenarios() -> dict[str, Scenario]:
    """Operation -> builder of one representative call in a given domain."""
    trig = {
        "EventTriggerConditions": [
            {
                "EventTriggerDimensions": [
                    {
                        "ObjectAttributes": [
                            {
                                "Source": "{Order.total}",
                                "ComparisonOperator": "GREATER_THAN",
                                "Values": ["1"],
                            }
                        ]
                    }
                ],
                "LogicalOperator": "ANY",
            }
        ],
        "ObjectTypeName": "Order",
    }
    calc = {
        "Statistic": "MAXIMUM",
        "AttributeDetails": {"Attributes": [{"Name": "total"}], "Expression": "{Order.total}"},
    }

    def create_delete(create: Callable[..., Any], delete: Callable[..., Any], key: str, **kw: Any):
        def build_(cp: Any, d: str, ctx: dict[str, Any]) -> Callable[[], Any]:
            def call() -> None:
                name = _fresh()
                create(cp)(DomainName=d, **{key: name}, **kw)
                delete(cp)(DomainName=d, **{key: name})

            return call

        return build_

    s: dict[str, Scenario] = {
        "GetDomain": lambda cp, d, c: lambda: cp.get_domain(DomainName=d),
        "UpdateDomain": lambda cp, d, c: (
            lambda: cp.update_domain(DomainName=d, DefaultExpirationDays=365)
        ),
        "CreateProfile": lambda cp, d, c: (
            lambda: cp.create_profile(
                DomainName=d, FirstName="N", EmailAddress=f"{_fresh()}@new.io"
            )
        ),
        "UpdateProfile": lambda cp, d, c: (
            lambda: cp.update_profile(DomainName=d, ProfileId=c["profile"], FirstName=_fresh())
        ),
        "CreateProfile+DeleteProfile": lambda cp, d, c: (
            lambda: cp.delete_profile(
                DomainName=d,
                ProfileId=cp.create_profile(DomainName=d, FirstName="Gone")["ProfileId"],
            )
        ),
        "BatchGetProfile": lambda cp, d, c: (
            lambda: cp.batch_get_profile(DomainName=d, ProfileIds=[c["profile"]])
        ),
        "SearchProfiles _email": lambda cp, d, c: (
            lambda: cp.search_profiles(DomainName=d, KeyName="_email", Values=["c7@x.io"])
        ),
        "SearchProfiles two values, MaxResults=1": lambda cp, d, c: (
            lambda: cp.search_profiles(
                DomainName=d, KeyName="_email", Values=["c1@x.io", "c2@x.io"], MaxResults=1
            )
        ),
        "SearchProfiles first page of a value a quarter of the domain holds": lambda cp, d, c: (
            lambda: cp.search_profiles(DomainName=d, KeyName="_account", Values=["acct-Lisbon"])
        ),
        "SearchProfiles a later page of it, two shared values (OR)": lambda cp, d, c: (
            lambda: cp.search_profiles(
                DomainName=d,
                KeyName="_account",
                Values=["acct-Lisbon", "acct-Porto"],
                MaxResults=5,
                NextToken=c["account_token"],
            )
        ),
        "SearchProfiles the shared value AND a last name": lambda cp, d, c: (
            lambda: cp.search_profiles(
                DomainName=d,
                KeyName="_account",
                Values=["acct-Porto"],
                AdditionalSearchKeys=[{"KeyName": "_fullName", "Values": ["L5"]}],
                LogicalOperator="AND",
                MaxResults=1,
            )
        ),
        "AddProfileKey+DeleteProfileKey": lambda cp, d, c: (
            lambda: (
                cp.add_profile_key(DomainName=d, ProfileId=c["profile"], KeyName="k", Values=["v"]),
                cp.delete_profile_key(
                    DomainName=d, ProfileId=c["profile"], KeyName="k", Values=["v"]
                ),
            )
        ),
        "ListProfileAttributeValues": lambda cp, d, c: (
            lambda: cp.list_profile_attribute_values(DomainName=d, AttributeName="FirstName")
        ),
        "PutProfileObject (trigger, SQL segment, matching)": lambda cp, d, c: (
            lambda: cp.put_profile_object(
                DomainName=d, ObjectTypeName="Order", Object=_orders(7, next(_counter), 395)
            )
        ),
        "BatchPutProfileObject": lambda cp, d, c: (
            lambda: cp.batch_put_profile_object(
                DomainName=d,
                ObjectTypeName="Click",
                Items=[{"Id": "1", "Object": _click(8, next(_counter))}],
            )
        ),
        "ListProfileObjects": lambda cp, d, c: (
            lambda: cp.list_profile_objects(
                DomainName=d, ProfileId=c["profile"], ObjectTypeName="Order", MaxResults=10
            )
        ),
        "PutProfileObject+DeleteProfileObject": lambda cp, d, c: (
            lambda: cp.delete_profile_object(
                DomainName=d,
                ProfileId=c["profile"],
                ObjectTypeName="Click",
                ProfileObjectUniqueKey=cp.put_profile_object(
                    DomainName=d, ObjectTypeName="Click", Object=_click(7, next(_counter))
                )["ProfileObjectUniqueKey"],
            )
        ),
        "GetProfileObjectType": lambda cp, d, c: (
            lambda: cp.get_profile_object_type(DomainName=d, ObjectTypeName="Order")
        ),
        "ListProfileObjectTypes": lambda cp, d, c: (
            lambda: cp.list_profile_object_types(DomainName=d)
        ),
        "PutProfileObjectType+DeleteProfileObjectType (empty type)": create_delete(
            lambda cp: lambda **kw: cp.put_profile_object_type(**kw, **CLICK),
            lambda cp: cp.delete_profile_object_type,
            "ObjectTypeName",
        ),
        "ListObjectTypeAttributes": lambda cp, d, c: (
            lambda: (
                cp.list_object_type_attributes(DomainName=d, ObjectTypeName="Order")
                if hasattr(cp, "list_object_type_attributes")
                else None
            )
        ),
        "ListObjectTypeAttributeValues (one page)": lambda cp, d, c: (
            lambda: (
                cp.list_object_type_attribute_values(
                    DomainName=d, ObjectTypeName="Order", AttributeName="status", MaxResults=10
                )
                if hasattr(cp, "list_object_type_attribute_values")
                else None
            )
        ),
        "GetObjectTypeAttributeStatistics": lambda cp, d, c: (
            lambda: (
                cp.get_object_type_attribute_statistics(
                    DomainName=d, ObjectTypeName="Order", AttributeName="total"
                )
                if hasattr(cp, "get_object_type_attribute_statistics")
                else None
            )
        ),
        "DetectProfileObjectType": lambda cp, d, c: (
            lambda: cp.detect_profile_object_type(DomainName=d, Objects=[_orders(1, 1)])
        ),
        "MergeProfiles": lambda cp, d, c: (
            lambda: cp.merge_profiles(
                DomainName=d,
                MainProfileId=c["profile"],
                ProfileIdsToBeMerged=[
                    cp.create_profile(DomainName=d, FirstName="Dup")["ProfileId"]
                ],
            )
        ),
        "ListProfileHistoryRecords": lambda cp, d, c: (
            lambda: cp.list_profile_history_records(
                DomainName=d, ProfileId=c["profile"], MaxResults=5
            )
        ),
        "GetProfileHistoryRecord": lambda cp, d, c: (
            lambda: cp.get_profile_history_record(
                DomainName=d, ProfileId=c["profile"], Id=c["history"]
            )
        ),
        "GetCalculatedAttributeDefinition": lambda cp, d, c: (
            lambda: cp.get_calculated_attribute_definition(
                DomainName=d, CalculatedAttributeName="spend"
            )
        ),
        "ListCalculatedAttributeDefinitions": lambda cp, d, c: (
            lambda: cp.list_calculated_attribute_definitions(DomainName=d)
        ),
        "GetCalculatedAttributeForProfile": lambda cp, d, c: (
            lambda: cp.get_calculated_attribute_for_profile(
                DomainName=d, ProfileId=c["profile"], CalculatedAttributeName="spend"
            )
        ),
        "ListCalculatedAttributesForProfile": lambda cp, d, c: (
            lambda: cp.list_calculated_attributes_for_profile(DomainName=d, ProfileId=c["profile"])
        ),
        "BatchGetCalculatedAttributeForProfile": lambda cp, d, c: (
            lambda: cp.batch_get_calculated_attribute_for_profile(
                DomainName=d, CalculatedAttributeName="spend", ProfileIds=[c["profile"]]
            )
        ),
        "UpdateCalculatedAttributeDefinition (display name)": lambda cp, d, c: (
            lambda: cp.update_calculated_attribute_definition(
                DomainName=d, CalculatedAttributeName="spend", DisplayName=_fresh()
            )
        ),
        "GetSegmentDefinition": lambda cp, d, c: (
            lambda: cp.get_segment_definition(DomainName=d, SegmentDefinitionName="lisbon")
        ),
        "ListSegmentDefinitions": lambda cp, d, c: (
            lambda: cp.list_segment_definitions(DomainName=d)
        ),
        "CreateSegmentDefinition+Delete CLASSIC": create_delete(
            lambda cp: (
                lambda **kw: cp.create_segment_definition(**kw, DisplayName="x", SegmentGroups=CITY)
            ),
            lambda cp: cp.delete_segment_definition,
            "SegmentDefinitionName",
        ),
        "CreateSegmentDefinition+Delete SQL": create_delete(
            lambda cp: (
                lambda **kw: cp.create_segment_definition(
                    **kw, DisplayName="x", SegmentSqlQuery=SQL
                )
            ),
            lambda cp: cp.delete_segment_definition,
            "SegmentDefinitionName",
        ),
        "GetSegmentMembership CLASSIC": lambda cp, d, c: (
            lambda: cp.get_segment_membership(
                DomainName=d, SegmentDefinitionName="lisbon", ProfileIds=[c["profile"]]
            )
        ),
        "GetSegmentMembership SQL after a write": lambda cp, d, c: (
            lambda: (
                cp.update_profile(DomainName=d, ProfileId=c["profile"], MiddleName=_fresh()),
                cp.get_segment_membership(
                    DomainName=d, SegmentDefinitionName="sql", ProfileIds=[c["profile"]]
                ),
            )
        ),
        "GetSegmentEstimate": lambda cp, d, c: (
            lambda eid: lambda: cp.get_segment_estimate(DomainName=d, EstimateId=eid)
        )(cp.create_segment_estimate(DomainName=d, SegmentQuery=CITY)["EstimateId"]),
        "CreateEventTrigger+Delete": create_delete(
            lambda cp: lambda **kw: cp.create_event_trigger(**kw, **trig),
            lambda cp: cp.delete_event_trigger,
            "EventTriggerName",
        ),
        "GetEventTrigger": lambda cp, d, c: (
            lambda: cp.get_event_trigger(DomainName=d, EventTriggerName="big")
        ),
        "ListEventTriggers": lambda cp, d, c: lambda: cp.list_event_triggers(DomainName=d),
        "UpdateEventTrigger": lambda cp, d, c: (
            lambda: cp.update_event_trigger(
                DomainName=d, EventTriggerName="big", Description=_fresh()
            )
        ),
        "CreateCalculatedAttributeDefinition+Delete": create_delete(
            lambda cp: lambda **kw: cp.create_calculated_attribute_definition(**kw, **calc),
            lambda cp: cp.delete_calculated_attribute_definition,
            "CalculatedAttributeName",
        ),
        "GetMatches": lambda cp, d, c: lambda: cp.get_matches(DomainName=d, MaxResults=10),
        "ListRuleBasedMatches": lambda cp, d, c: (
            lambda: cp.list_rule_based_matches(DomainName=d, MaxResults=10)
        ),
        "UpdateProfile then GetSimilarProfiles RULE_BASED": lambda cp, d, c: (
            lambda: (
                cp.update_profile(DomainName=d, ProfileId=c["profile"], FirstName=_fresh()),
                cp.get_similar_profiles(
                    DomainName=d,
                    MatchType="RULE_BASED_MATCHING",
                    SearchKey="_profileId",
                    SearchValue=c["profile"],
                ),
            )
        ),
        "ListIdentityResolutionJobs": lambda cp, d, c: (
            lambda: cp.list_identity_resolution_jobs(DomainName=d)
        ),
        "GetRecommender": lambda cp, d, c: (
            lambda: cp.get_recommender(DomainName=d, RecommenderName="popular")
        ),
        "ListRecommenders": lambda cp, d, c: lambda: cp.list_recommenders(DomainName=d),
        "GetProfileRecommendations": lambda cp, d, c: (
            lambda: cp.get_profile_recommendations(
                DomainName=d, ProfileId=c["profile"], RecommenderName="popular"
            )
        ),
        "GetDomainObjectType": lambda cp, d, c: (
            lambda: cp.get_domain_object_type(DomainName=d, ObjectTypeName="Catalog")
        ),
        "ListDomainObjectTypes": lambda cp, d, c: lambda: cp.list_domain_object_types(DomainName=d),
        "CreateUploadJob+GetUploadJob": lambda cp, d, c: (
            lambda: cp.get_upload_job(
                DomainName=d,
                JobId=cp.create_upload_job(
                    DomainName=d,
                    DisplayName="u",
                    UniqueKey="email",
                    Fields={
                        "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"}
                    },
                )["JobId"],
            )
        ),
        "ListTagsForResource": lambda cp, d, c: (
            lambda: cp.list_tags_for_resource(resourceArn=c["arn"])
        ),
        "TagResource+UntagResource": lambda cp, d, c: (
            lambda: (
                cp.tag_resource(resourceArn=c["arn"], tags={"a": "b"}),
                cp.untag_resource(resourceArn=c["arn"], tagKeys=["a"]),
            )
        ),
        "ListIntegrations": lambda cp, d, c: lambda: cp.list_integrations(DomainName=d),
        "ListEventStreams": lambda cp, d, c: lambda: cp.list_event_streams(DomainName=d),
        "ListDomainLayouts": lambda cp, d, c: lambda: cp.list_domain_layouts(DomainName=d),
        "ListWorkflows": lambda cp, d, c: lambda: cp.list_workflows(DomainName=d),
        "ListUploadJobs (one page)": lambda cp, d, c: (
            lambda: cp.list_upload_jobs(DomainName=d, MaxResults=5)
        ),
    }
    return s


#: Operations that work over the whole domain (their answer or effect grows with it).
def whole_domain(cp: Any, d: str) -> dict[str, Callable[[], Any]]:
    """Each whole-domain operation, as one call that leaves the domain as it found it."""

    def backfill() -> None:
        cp.create_calculated_attribute_definition(
            DomainName=d,
            CalculatedAttributeName="backfilled",
            Statistic="SUM",
            AttributeDetails={"Attributes": [{"Name": "total"}], "Expression": "{Order.total}"},
            UseHistoricalData=True,
        )
        cp.delete_calculated_attribute_definition(
            DomainName=d, CalculatedAttributeName="backfilled"
        )

    def subscription() -> None:
        cp.put_segment_subscription(DomainName=d, SegmentDefinitionName="lisbon")
        cp.delete_segment_subscription(DomainName=d, SegmentDefinitionName="lisbon")

    return {
        "CreateSegmentEstimate CLASSIC": lambda: cp.create_segment_estimate(
            DomainName=d, SegmentQuery=CITY
        ),
        "CreateSegmentEstimate SQL": lambda: cp.create_segment_estimate(
            DomainName=d, SegmentSqlQuery=SQL
        ),
        "GetAutoMergingPreview": lambda: cp.get_auto_merging_preview(
            DomainName=d,
            Consolidation={"MatchingAttributesList": [["EmailAddress"]]},
            ConflictResolution={"ConflictResolvingModel": "RECENCY"},
        ),
        "CreateSegmentSnapshot JSONL (CLASSIC)": lambda: cp.create_segment_snapshot(
            DomainName=d,
            SegmentDefinitionName="lisbon",
            DataFormat="JSONL",
            DestinationUri="s3://snapshots/bench",
        ),
        "PutSegmentSubscription (start) + delete": subscription,
        "CreateCalculatedAttributeDefinition, historical back-fill + delete": backfill,
    }


def plain_loops(backend: Any, d: str) -> dict[str, Callable[[], Any]]:
    """What plain Python does with the same dicts, for each whole-domain operation."""
    profiles = backend.domains[d].profiles

    def lisbon() -> list[Any]:
        found = []
        for profile in profiles.values():
            address = profile.fields.get("Address")
            if address and address.get("City") == "Lisbon":
                found.append(profile)
        return found

    def by_email() -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for profile in profiles.values():
            email = profile.fields.get("EmailAddress")
            if email:
                groups.setdefault(email.lower(), []).append(profile.profile_id)
        return groups

    def jsonl() -> bytes:
        lines = [json.dumps({"ProfileId": p.profile_id, **p.fields}) + "\n" for p in lisbon()]
        return "".join(lines).encode()

    def series() -> dict[str, list[tuple[float, int, str, str]]]:
        """What a back-fill must leave: each profile's order totals, oldest first."""
        kept: dict[str, list[tuple[float, int, str, str]]] = {}
        for profile in profiles.values():
            entries = [
                (o.ingested_at.timestamp(), o.seq, o.unique_key, json.loads(o.body)["total"])
                for o in profile.objects.get("Order", {}).values()
            ]
            if entries:
                kept[profile.profile_id] = sorted(entries)
        return kept

    return {
        "CreateSegmentEstimate CLASSIC": lisbon,
        "CreateSegmentEstimate SQL": lisbon,
        "GetAutoMergingPreview": by_email,
        "CreateSegmentSnapshot JSONL (CLASSIC)": jsonl,
        "PutSegmentSubscription (start) + delete": lambda: {p.profile_id for p in lisbon()},
        "CreateCalculatedAttributeDefinition, historical back-fill + delete": series,
    }


def _traced_after(cp: Any, customers: int, writes: int) -> tuple[int, int]:
    """Traced bytes and allocated blocks after ``writes`` rewrites of existing orders."""
    for n in range(writes):  # the same orders, written again and again
        order = _orders(n % customers, 0)
        cp.put_profile_object(DomainName="large", ObjectTypeName="Order", Object=order)
    gc.collect()
    return int(tracemalloc.get_traced_memory()[0]), sys.getallocatedblocks()


def memory_per_profile(cp: Any, count: int = 2_000) -> list[str]:
    """Heap a domain of the realistic shape retains per customer (three orders and two
    clicks each, every engine of the shape following them): a fresh domain built under
    tracing, so that the tables that double as it grows count at their average."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        build(cp, "memory", count)
        cp.list_rule_based_matches(DomainName="memory")  # the rule index catches up
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return [f"memory per profile, realistic domain, 5 objects: {grown / count:,.0f} B"]


def replacing_writes(cp: Any, backend: Any, customers: int) -> list[str]:
    """Memory after 10,000 writes that replace existing orders: once as is, once with
    history recording switched off, which isolates what the history keeps (one record
    per ingestion, with the object's content, as GetProfileHistoryRecord returns it).

    Tracing starts before a first round of replacing writes, so that every block the
    writes replace was itself allocated under tracing: a replaced block allocated
    before tracing began would not count as freed, and steady memory would look like
    growth. Bytes can still step once: a dict that churns (an object replaced is a key
    deleted and inserted again) resizes its table when its deleted slots run out, once,
    to the size it then keeps; in a large domain that step can fall in the measured
    window. Blocks (``sys.getallocatedblocks``) count the objects a write leaves behind,
    which a table resize does not change: they tell growth from such a step."""
    tracemalloc.start()
    writes = 10_000
    try:
        warm = _traced_after(cp, customers, 30_000)
        after = _traced_after(cp, customers, writes)
        store = backend.domains["large"].store
        saved = store.record
        store.record = lambda *args, **kwargs: None
        try:
            warm_off = _traced_after(cp, customers, writes)
            after_off = _traced_after(cp, customers, writes)
        finally:
            store.record = saved
    finally:
        tracemalloc.stop()
    on = [(b - a) / writes for a, b in zip(warm, after, strict=True)]
    off = [(b - a) / writes for a, b in zip(warm_off, after_off, strict=True)]
    return [
        f"growth under {writes:,} replacing writes: {on[0]:.0f} B and {on[1]:.2f} blocks "
        "a write (the history record each ingestion adds: 3 blocks)",
        f"the same with history recording off: {off[0]:.1f} B and {off[1]:.3f} blocks a write",
    ]


def interleaved_pair(
    call: Callable[[], Any], baseline: Callable[[], Any], rounds: int
) -> tuple[float, float]:
    """Median CPU seconds of the operation and of its plain loop, run in turn."""
    took, base = [], []
    for _ in range(rounds):
        took.append(cpu(call, 2))
        base.append(cpu(baseline, 2))
    return statistics.median(took), statistics.median(base)


def cpu(call: Callable[[], Any], repeat: int) -> float:
    start = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - start) / repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rounds, calls = (3, 10) if args.quick else (5, 30)
    from customerprofiles_mock import timing

    timing.SPEED = 0  # the recommender is trained before the calls start
    with mock_customerprofiles() as mock:
        cp = boto3.client("customer-profiles", region_name=REGION)
        started = time.process_time()
        ctx = {"small": build(cp, "small", 100), "large": build(cp, "large", args.large)}
        print(f"built 100 and {args.large} profiles in {time.process_time() - started:.0f} s CPU")
        lines = ["| Operation | µs at 100 | µs at large | large/100 |", "|---|---|---|---|"]
        worst = 0.0
        for name, make in scenarios().items():
            calls_of = {size: make(cp, size, ctx[size]) for size in ("small", "large")}
            timed = interleaved(calls_of, rounds, calls)
            ratio = timed["large"] / timed["small"]
            worst = max(worst, ratio)
            lines.append(f"| {name} | {timed['small']:.0f} | {timed['large']:.0f} | {ratio:.2f} |")
            print(lines[-1], flush=True)
        lines.append(f"worst per-item ratio: {worst:.2f} (target ≤ 1.5)")
        backend = mock.backend() if hasattr(mock, "backend") else None
        if backend is None:
            from customerprofiles_mock.models import backend_for

            backend = backend_for("123456789012", REGION)
        loops = plain_loops(backend, "large")
        lines.append("| Whole-domain operation | ms | plain loop ms | x plain loop |")
        lines.append("|---|---|---|---|")
        for name, call in whole_domain(cp, "large").items():
            took, base = interleaved_pair(call, loops[name], 5)
            lines.append(f"| {name} | {took * 1e3:.1f} | {base * 1e3:.1f} | {took / base:.1f} |")
        print("\n".join(lines[-8:]))
        lines += memory_per_profile(cp)
        print(lines[-1])
        lines += replacing_writes(cp, backend, min(args.large, 2_000))
        print("\n".join(lines[-2:]))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

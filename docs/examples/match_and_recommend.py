"""Duplicates from two sources found by rule-based matching and merged; then a catalog
and click events feed a recommender that answers GetProfileRecommendations.

Run it with ``python docs/examples/match_and_recommend.py``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
from freezegun import freeze_time

from customerprofiles_mock import mock_customerprofiles

CRM = {  # the CRM exports contacts
    "Description": "CRM contacts",
    "AllowProfileCreation": True,
    "Fields": {
        "id": {"Source": "_source.contact_id"},
        "email": {"Source": "_source.email", "Target": "_profile.EmailAddress"},
        "first": {"Source": "_source.first", "Target": "_profile.FirstName"},
        "last": {"Source": "_source.last", "Target": "_profile.LastName"},
    },
    "Keys": {
        "crmId": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["id"]}],
    },
}
SHOP = {  # the web shop sends accounts, with the email typed differently
    "Description": "Shop accounts",
    "AllowProfileCreation": True,
    "Fields": {
        "account": {"Source": "_source.account"},
        "email": {"Source": "_source.login", "Target": "_profile.EmailAddress"},
        "phone": {"Source": "_source.phone", "Target": "_profile.PhoneNumber"},
    },
    "Keys": {
        "shopAccount": [{"StandardIdentifiers": ["UNIQUE", "PROFILE"], "FieldNames": ["account"]}],
    },
}
PRODUCTS = {
    "Description": "Catalog",
    "Fields": {
        "sku": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
        "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
        "price": {"Source": "_source.price", "Target": "_catalogItem.Price"},
    },
    "Keys": {"sku": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["sku"]}]},
}
CLICKS = {
    "Description": "Web events",
    "Fields": {
        "event": {"Source": "_source.event"},
        "account": {"Source": "_source.account"},
        "item": {"Source": "_source.sku", "Target": "_webAnalytics.ItemId"},
        "type": {"Source": "_source.type", "Target": "_webAnalytics.EventType"},
    },
    "Keys": {
        "event": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["event"]}],
        "shopAccount": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["account"]}],
    },
}


def put(cp: object, type_name: str, **document: object) -> None:
    cp.put_profile_object(  # type: ignore[attr-defined]
        DomainName="shop", ObjectTypeName=type_name, Object=json.dumps(document)
    )


def run() -> dict[str, object]:
    with mock_customerprofiles(), freeze_time("2026-03-01") as clock:
        cp = boto3.client("customer-profiles", region_name="us-east-1")
        cp.create_domain(
            DomainName="shop",
            DefaultExpirationDays=365,
            RuleBasedMatching={"Enabled": True, "MatchingRules": [{"Rule": ["EmailAddress"]}]},
        )
        for name, spec in (("Crm", CRM), ("Shop", SHOP), ("Product", PRODUCTS), ("Click", CLICKS)):
            cp.put_profile_object_type(DomainName="shop", ObjectTypeName=name, **spec)

        # The same customer arrives from both sources, and another customer from the shop.
        put(cp, "Crm", contact_id="C-1", email="Ana.Silva@example.com", first="Ana", last="Silva")
        put(cp, "Shop", account="A-9", login="ana.silva@EXAMPLE.com ", phone="+351910000000")
        put(cp, "Shop", account="A-7", login="bo@example.com")
        before = cp.get_domain(DomainName="shop")["Stats"]["ProfileCount"]

        clock.tick(timedelta(hours=1))  # rule-based matching becomes ACTIVE
        [crm] = cp.search_profiles(DomainName="shop", KeyName="crmId", Values=["C-1"])["Items"]
        similar = cp.get_similar_profiles(
            DomainName="shop",
            MatchType="RULE_BASED_MATCHING",
            SearchKey="crmId",
            SearchValue="C-1",
        )
        others = [p for p in similar["ProfileIds"] if p != crm["ProfileId"]]
        cp.merge_profiles(
            DomainName="shop", MainProfileId=crm["ProfileId"], ProfileIdsToBeMerged=others
        )
        after = cp.get_domain(DomainName="shop")["Stats"]["ProfileCount"]
        [merged] = cp.search_profiles(DomainName="shop", KeyName="shopAccount", Values=["A-9"])[
            "Items"
        ]

        # A catalog, and what the customers looked at and bought.
        for sku, name, price in (
            ("boots", "Boots", "120"),
            ("socks", "Socks", "5"),
            ("hat", "Hat", "25"),
            ("scarf", "Scarf", "30"),
        ):
            put(cp, "Product", sku=sku, name=name, price=price)
        events = [
            ("A-9", "boots", "view"),
            ("A-7", "boots", "purchase"),
            ("A-7", "socks", "view"),
            ("A-7", "hat", "purchase"),
        ]
        for n, (account, sku, kind) in enumerate(events):
            put(cp, "Click", event=f"e{n}", account=account, sku=sku, type=kind)

        cp.create_recommender(
            DomainName="shop",
            RecommenderName="for-you",
            RecommenderRecipeName="recommended-for-you",
        )
        clock.tick(timedelta(minutes=1))  # training finishes
        status = cp.get_recommender(DomainName="shop", RecommenderName="for-you")["Status"]
        found = cp.get_profile_recommendations(
            DomainName="shop",
            ProfileId=merged["ProfileId"],
            RecommenderName="for-you",
            MaxResults=3,
        )["Recommendations"]
        picks = [(r["CatalogItem"]["Name"], r["Score"]) for r in found]
        print(
            f"profiles: {before} before the merge, {after} after; merged profile",
            merged["FirstName"],
        )
        print("recommender", status, "->", picks)
        return {
            "before": before,
            "after": after,
            "merged_name": merged["FirstName"],
            "merged_phone": merged.get("PhoneNumber"),
            "status": status,
            "picks": picks,
        }


if __name__ == "__main__":
    run()

"""Recommenders through boto3: lifecycle, versions, the recipes over the domain's own
interactions and catalog, filters and promotions, SearchRecommendations, schemas."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import error_code, requires_operations

#: Recommender shapes changed along with SearchRecommendations (botocore 1.43.100).
NEWER_RECOMMENDERS = requires_operations("SearchRecommendations")

CLICKS = {
    "Description": "web events",
    "AllowProfileCreation": True,
    "Fields": {
        "event": {"Source": "_source.event_id"},
        "email": {
            "Source": "_source.email",
            "ContentType": "EMAIL_ADDRESS",
            "Target": "_profile.EmailAddress",
        },
        "item": {"Source": "_source.item", "Target": "_webAnalytics.ItemId"},
        "kind": {"Source": "_source.kind", "Target": "_webAnalytics.EventType"},
    },
    "Keys": {
        "eventId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["event"]}],
        "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
    },
}
PRODUCTS = {
    "Description": "products",
    "Fields": {
        "sku": {"Source": "_source.sku"},
        "id": {"Source": "_source.sku", "Target": "_catalogItem.Id"},
        "name": {"Source": "_source.name", "Target": "_catalogItem.Name"},
        "category": {"Source": "_source.category", "Target": "_catalogItem.Category"},
        "price": {"Source": "_source.price", "Target": "_catalogItem.Price"},
    },
    "Keys": {"sku": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["sku"]}]},
}
ITEMS = {  # sku: (name, category, price)
    "boots": ("Boots", "shoes", "120"),
    "sneakers": ("Sneakers", "shoes", "80"),
    "socks": ("Socks", "basics", "5"),
    "hat": ("Hat", "accessories", "25"),
    "scarf": ("Scarf", "accessories", "30"),
}
# who clicked what: ana and bo share boots; bo also liked socks and hat.
HISTORY = [
    ("ana@x.io", "boots", "view"),
    ("bo@x.io", "boots", "purchase"),
    ("bo@x.io", "socks", "view"),
    ("bo@x.io", "hat", "view"),
    ("cy@x.io", "hat", "view"),
    ("cy@x.io", "scarf", "view"),
    ("dee@x.io", "hat", "purchase"),
]


@pytest.fixture
def shop(customerprofiles_client: Any) -> Any:
    cp = customerprofiles_client
    cp.create_domain(DomainName="d", DefaultExpirationDays=365)
    cp.put_profile_object_type(DomainName="d", ObjectTypeName="Click", **CLICKS)
    cp.put_profile_object_type(DomainName="d", ObjectTypeName="Product", **PRODUCTS)
    for sku, (name, category, price) in ITEMS.items():
        body = {"sku": sku, "name": name, "category": category, "price": price}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Product", Object=json.dumps(body))
    for n, (email, item, kind) in enumerate(HISTORY):
        body = {"event_id": f"e{n}", "email": email, "item": item, "kind": kind}
        cp.put_profile_object(DomainName="d", ObjectTypeName="Click", Object=json.dumps(body))
    return cp


def profile(cp: Any, email: str) -> str:
    [found] = cp.search_profiles(DomainName="d", KeyName="_email", Values=[email])["Items"]
    return str(found["ProfileId"])


@pytest.fixture
def instant(jobs_finish_now: None) -> None:
    """Recommenders finish training as soon as they are read."""


def make(cp: Any, name: str, recipe: str, **extra: Any) -> None:
    cp.create_recommender(
        DomainName="d", RecommenderName=name, RecommenderRecipeName=recipe, **extra
    )


def recommended(cp: Any, name: str, email: str, **extra: Any) -> list[tuple[str, float]]:
    found = cp.get_profile_recommendations(
        DomainName="d", ProfileId=profile(cp, email), RecommenderName=name, **extra
    )["Recommendations"]
    return [(r["CatalogItem"]["Id"], r["Score"]) for r in found]


def test_recipes_are_listed_with_descriptions(customerprofiles_client: Any) -> None:
    recipes = customerprofiles_client.list_recommender_recipes()["RecommenderRecipes"]
    assert sorted(r["name"] for r in recipes) == sorted(
        [
            "recommended-for-you",
            "similar-items",
            "frequently-paired-items",
            "popular-items",
            "trending-now",
            "personalized-ranking",
        ]
    )
    assert all(r["description"] for r in recipes)
    page = customerprofiles_client.list_recommender_recipes(MaxResults=10)
    assert len(page["RecommenderRecipes"]) == 6 and "NextToken" not in page


@NEWER_RECOMMENDERS
def test_lifecycle_on_the_clock(shop: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        made = shop.create_recommender(
            DomainName="d",
            RecommenderName="r",
            RecommenderRecipeName="popular-items",
            Description="top",
            Tags={"t": "1"},
        )
        assert (
            made["RecommenderArn"]
            == "arn:aws:profile:us-east-1:123456789012:domains/d/recommenders/r"
        )
        statuses = []
        for _ in range(4):
            statuses.append(shop.get_recommender(DomainName="d", RecommenderName="r")["Status"])
            clock.tick(timedelta(seconds=2))
        assert statuses == ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "ACTIVE"]
        got = shop.get_recommender(DomainName="d", RecommenderName="r", TrainingMetricsCount=5)
        assert got["ActiveRecommenderVersionName"] == "r/2026-01-01T00-00-00Z"
        assert [m["RecommenderVersionName"] for m in got["TrainingMetrics"]] == [
            "r/2026-01-01T00-00-00Z"
        ]
        shop.stop_recommender(DomainName="d", RecommenderName="r")
        assert shop.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "STOPPING"
        assert (
            error_code(shop.stop_recommender, DomainName="d", RecommenderName="r")[0]
            == "BadRequestException"
        )
        clock.tick(timedelta(seconds=3))
        assert shop.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "INACTIVE"
        code, _, message = error_code(
            shop.get_profile_recommendations,
            DomainName="d",
            ProfileId=profile(shop, "ana@x.io"),
            RecommenderName="r",
        )
        assert code == "BadRequestException" and "INACTIVE" in message
        shop.start_recommender(DomainName="d", RecommenderName="r")
        assert shop.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "STARTING"
        clock.tick(timedelta(seconds=3))
        assert shop.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "ACTIVE"
        shop.update_recommender(
            DomainName="d",
            RecommenderName="r",
            Description="v2",
            RecommenderConfig={
                "EventsConfig": {"EventParametersList": [{"EventType": "purchase"}]}
            },
        )
        updated = shop.get_recommender(DomainName="d", RecommenderName="r")
        assert updated["LatestRecommenderUpdate"]["Status"] == "IN_PROGRESS"
        assert updated["ActiveRecommenderVersionName"] == "r/2026-01-01T00-00-00Z"
        clock.tick(timedelta(seconds=4))
        updated = shop.get_recommender(DomainName="d", RecommenderName="r", TrainingMetricsCount=5)
        assert (
            updated["ActiveRecommenderVersionName"]
            == updated["LatestRecommenderUpdate"]["RecommenderVersionName"]
        )
        assert len(updated["TrainingMetrics"]) == 2 and updated["Description"] == "v2"
        shop.update_recommender(
            DomainName="d", RecommenderName="r", RecommenderVersionName="r/2026-01-01T00-00-00Z"
        )
        assert shop.get_recommender(DomainName="d", RecommenderName="r")[
            "ActiveRecommenderVersionName"
        ] == ("r/2026-01-01T00-00-00Z")
        listed = shop.list_recommenders(DomainName="d")["Recommenders"]
        assert [(r["RecommenderName"], r["RecipeName"]) for r in listed] == [("r", "popular-items")]
        shop.delete_recommender(DomainName="d", RecommenderName="r")
        assert shop.get_recommender(DomainName="d", RecommenderName="r")["Status"] == "DELETING"
        clock.tick(timedelta(seconds=3))
        assert (
            error_code(shop.get_recommender, DomainName="d", RecommenderName="r")[0]
            == "ResourceNotFoundException"
        )
        assert shop.list_recommenders(DomainName="d")["Recommenders"] == []


@NEWER_RECOMMENDERS
def test_create_validation(shop: Any) -> None:
    make(shop, "r", "popular-items")
    assert error_code(lambda: make(shop, "r", "popular-items"))[0] == "BadRequestException"
    assert (
        error_code(lambda: make(shop, "s", "popular-items", RecommenderSchemaName="nope"))[0]
        == "BadRequestException"
    )
    both = {
        "IncludedColumns": {"_catalogItem": ["Name"]},
        "ExcludedColumns": {"_catalogItem": ["Price"]},
    }
    code, _, message = error_code(lambda: make(shop, "s", "popular-items", RecommenderConfig=both))
    assert code == "BadRequestException" and "not both" in message


def test_popular_and_trending(shop: Any, instant: None) -> None:
    make(shop, "pop", "popular-items")
    top = recommended(shop, "pop", "ana@x.io")
    assert top[0] == ("hat", 1.0) and top[1][0] == "boots" and all(0 < s <= 1 for _, s in top)
    make(
        shop,
        "buyers",
        "popular-items",
        RecommenderConfig={
            "EventsConfig": {"EventParametersList": [{"EventType": "purchase", "EventWeight": 1.0}]}
        },
    )
    assert [i for i, _ in recommended(shop, "buyers", "ana@x.io")] == ["boots", "hat"]
    make(shop, "trend", "trending-now")
    with freeze_time(timedelta(days=30)):
        assert recommended(shop, "trend", "ana@x.io") == []
    assert recommended(shop, "trend", "ana@x.io")[0][0] == "hat"


def test_personal_recipes(shop: Any, instant: None) -> None:
    make(shop, "foryou", "recommended-for-you")
    foryou = recommended(shop, "foryou", "ana@x.io", MaxResults=3)
    assert [i for i, _ in foryou][:2] in (["hat", "socks"], ["socks", "hat"])  # bo shares boots
    assert "boots" not in [i for i, _ in foryou]
    first = shop.get_profile_recommendations(
        DomainName="d", ProfileId=profile(shop, "ana@x.io"), RecommenderName="foryou"
    )
    item = first["Recommendations"][0]["CatalogItem"]
    assert item["Name"] in ("Hat", "Socks") and item["Category"] in ("accessories", "basics")
    make(shop, "similar", "similar-items")
    assert recommended(shop, "similar", "cy@x.io")[0][0] == "hat"  # cy's latest: scarf ~ hat
    make(shop, "paired", "frequently-paired-items")
    assert [i for i, _ in recommended(shop, "paired", "ana@x.io")] == ["hat", "socks"]
    make(shop, "rank", "personalized-ranking")
    ranked = recommended(shop, "rank", "ana@x.io", CandidateIds=["scarf", "socks", "sneakers"])
    assert next(i for i, _ in ranked) == "socks" and len(ranked) == 3
    assert (
        error_code(
            shop.get_profile_recommendations,
            DomainName="d",
            ProfileId=profile(shop, "ana@x.io"),
            RecommenderName="rank",
        )[0]
        == "BadRequestException"
    )


@NEWER_RECOMMENDERS
def test_filters_promotions_and_search(shop: Any, instant: None) -> None:
    make(shop, "pop", "popular-items")
    shop.create_recommender_filter(
        DomainName="d",
        RecommenderFilterName="no-category",
        RecommenderFilterExpression="EXCLUDE ItemID WHERE Items.CATEGORY IN ($category)",
        Description="exclude a category",
    )
    shop.create_recommender_filter(
        DomainName="d",
        RecommenderFilterName="cheap",
        RecommenderFilterExpression="INCLUDE ItemID WHERE Items.PRICE < 50",
    )
    shop.create_recommender_filter(
        DomainName="d",
        RecommenderFilterName="unseen",
        RecommenderFilterExpression=(
            'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("view", "purchase")'
        ),
    )
    filtered = recommended(
        shop,
        "pop",
        "ana@x.io",
        RecommenderFilters=[{"Name": "no-category", "Values": {"category": '"accessories"'}}],
    )
    assert [i for i, _ in filtered] == ["boots", "socks"]
    cheap = recommended(shop, "pop", "ana@x.io", RecommenderFilters=[{"Name": "cheap"}])
    assert sorted(i for i, _ in cheap) == ["hat", "scarf", "socks"]
    unseen = recommended(shop, "pop", "ana@x.io", RecommenderFilters=[{"Name": "unseen"}])
    assert "boots" not in [i for i, _ in unseen]
    promoted = recommended(
        shop,
        "pop",
        "ana@x.io",
        MaxResults=2,
        RecommenderPromotionalFilters=[
            {"Name": "cheap", "PromotionName": "p", "PercentPromotedItems": 50}
        ],
    )
    assert [i for i, _ in promoted] == ["hat", "boots"]
    code, _, message = error_code(
        shop.get_profile_recommendations,
        DomainName="d",
        ProfileId=profile(shop, "ana@x.io"),
        RecommenderName="pop",
        RecommenderFilters=[{"Name": "no-category"}],
    )
    assert code == "BadRequestException" and "$category" in message
    found = shop.search_recommendations(
        DomainName="d", KeyName="_email", KeyValues=["ana@x.io"], Recommender={"Name": "pop"}
    )
    assert found["ProfileId"] == profile(shop, "ana@x.io")
    assert len(found["Recommendations"]) == 4  # every item someone interacted with
    short = shop.search_recommendations(
        DomainName="d",
        KeyName="_email",
        KeyValues=["ana@x.io"],
        Recommender={"Name": "pop"},
        MaxRecommendations=2,
    )
    assert len(short["Recommendations"]) == 2
    assert (
        error_code(
            shop.search_recommendations,
            DomainName="d",
            KeyName="_email",
            KeyValues=["nobody@x.io"],
            Recommender={"Name": "pop"},
        )[0]
        == "ResourceNotFoundException"
    )
    code, _, message = error_code(
        shop.search_recommendations,
        DomainName="d",
        KeyName="_email",
        KeyValues=["ana@x.io", "bo@x.io"],
        Recommender={"Name": "pop"},
    )
    assert code == "BadRequestException" and "2 profiles" in message


@pytest.mark.parametrize(
    "expression",
    [
        "DROP TABLE items",
        "EXCLUDE ItemID WHERE Items.CATEGORY LIKE 'x'",
        "INCLUDE ItemID WHERE price < 5",
        "EXCLUDE ItemID",
    ],
)
def test_unparseable_filters_are_rejected(shop: Any, expression: str) -> None:
    code, _, _ = error_code(
        shop.create_recommender_filter,
        DomainName="d",
        RecommenderFilterName="f",
        RecommenderFilterExpression=expression,
    )
    assert code == "BadRequestException"
    assert shop.list_recommender_filters(DomainName="d")["RecommenderFilters"] == []


def test_filter_and_schema_crud(shop: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        schema = shop.create_recommender_schema(
            DomainName="d",
            RecommenderSchemaName="s",
            Fields={
                "_catalogItem": [{"TargetFieldName": "Category", "FeatureType": "CATEGORICAL"}]
            },
            Tags={"k": "v"},
        )
        assert (
            schema["Status"] == "ACTIVE"
            and schema["Fields"]["_catalogItem"][0]["ContentType"] == "STRING"
        )
        listed = shop.list_recommender_schemas(DomainName="d")["RecommenderSchemas"]
        assert [(x["RecommenderSchemaName"], x["Status"]) for x in listed] == [("s", "ACTIVE")]
        assert (
            shop.get_recommender_schema(DomainName="d", RecommenderSchemaName="s")[
                "RecommenderSchemaName"
            ]
            == "s"
        )
        shop.create_recommender_filter(
            DomainName="d",
            RecommenderFilterName="f",
            RecommenderFilterExpression="INCLUDE ItemID WHERE Items.PRICE < 50",
            RecommenderSchemaName="s",
        )
        assert (
            shop.get_recommender_filter(DomainName="d", RecommenderFilterName="f")["Status"]
            == "PENDING"
        )
        clock.tick(timedelta(seconds=2))
        got = shop.get_recommender_filter(DomainName="d", RecommenderFilterName="f")
        assert (got["Status"], got["Tags"], got["RecommenderSchemaName"]) == ("ACTIVE", {}, "s")
        assert [
            f["RecommenderFilterName"]
            for f in shop.list_recommender_filters(DomainName="d")["RecommenderFilters"]
        ] == ["f"]
        code, _, message = error_code(
            shop.delete_recommender_schema, DomainName="d", RecommenderSchemaName="s"
        )
        assert code == "BadRequestException" and "f" in message
        assert (
            "deleted"
            in shop.delete_recommender_filter(DomainName="d", RecommenderFilterName="f")["Message"]
        )
        shop.delete_recommender_schema(DomainName="d", RecommenderSchemaName="s")
        assert shop.list_recommender_schemas(DomainName="d")["RecommenderSchemas"] == []
        assert (
            error_code(
                shop.create_recommender_schema,
                DomainName="d",
                RecommenderSchemaName="x",
                Fields={"_orders": [{"TargetFieldName": "x"}]},
            )[0]
            == "BadRequestException"
        )
        arn = "arn:aws:profile:us-east-1:123456789012:domains/d/recommender-filters/gone"
        assert (
            error_code(shop.list_tags_for_resource, resourceArn=arn)[0]
            == "ResourceNotFoundException"
        )


# -- issue 14 items 20-22 ---------------------------------------------------------------
def test_filter_placeholders_take_several_values(shop: Any, instant: None) -> None:
    make(shop, "pop", "popular-items")
    shop.create_recommender_filter(
        DomainName="d",
        RecommenderFilterName="no-category",
        RecommenderFilterExpression="EXCLUDE ItemID WHERE Items.CATEGORY IN ($category)",
    )
    both = recommended(
        shop,
        "pop",
        "ana@x.io",
        RecommenderFilters=[
            {"Name": "no-category", "Values": {"category": '"accessories","basics"'}}
        ],
    )
    assert [i for i, _ in both] == ["boots"]


def test_a_name_is_free_once_its_deletion_has_finished(shop: Any) -> None:
    with freeze_time("2026-01-01") as clock:
        make(shop, "r", "popular-items")
        shop.delete_recommender(DomainName="d", RecommenderName="r")
        assert error_code(
            shop.create_recommender,
            DomainName="d",
            RecommenderName="r",
            RecommenderRecipeName="popular-items",
        )[0] == ("BadRequestException")  # still DELETING
        clock.tick(timedelta(hours=2))
        assert (
            error_code(shop.get_recommender, DomainName="d", RecommenderName="r")[0]
            == "ResourceNotFoundException"
        )
        make(shop, "r", "similar-items")  # Get and Create agree: the name is free
        got = shop.get_recommender(DomainName="d", RecommenderName="r")
        assert got["RecommenderRecipeName"] == "similar-items"


@NEWER_RECOMMENDERS
def test_column_rules_of_the_recommender_config(shop: Any) -> None:
    shop.create_recommender_schema(
        DomainName="d",
        RecommenderSchemaName="s",
        Fields={
            "_catalogItem": [{"TargetFieldName": "Category"}, {"TargetFieldName": "Price"}],
            "_webAnalytics": [{"TargetFieldName": "Device"}],
        },
    )

    def refused(config: dict[str, Any]) -> str:
        code, _, message = error_code(
            shop.create_recommender,
            DomainName="d",
            RecommenderName="r",
            RecommenderRecipeName="popular-items",
            RecommenderSchemaName="s",
            RecommenderConfig=config,
        )
        assert code == "BadRequestException"
        return message

    assert "mandatory" in refused({"ExcludedColumns": {"_catalogItem": ["Id"]}})
    assert "mandatory" in refused({"ExcludedColumns": {"_webAnalytics": ["EventType"]}})
    assert "not columns" in refused({"IncludedColumns": {"_catalogItem": ["Colour"]}})
    assert "not columns" in refused({"ExcludedColumns": {"_catalogItem": ["Colour"]}})
    assert shop.list_recommenders(DomainName="d")["Recommenders"] == []
    make(
        shop,
        "r",
        "popular-items",
        RecommenderSchemaName="s",
        RecommenderConfig={"IncludedColumns": {"_catalogItem": ["Id", "Price"]}},
    )

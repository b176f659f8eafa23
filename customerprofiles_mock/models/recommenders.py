"""Recommenders, their filters and schemas (reference §8.8, seed 2025-12-01).

A recommender moves PENDING -> IN_PROGRESS -> ACTIVE on the mock's clock (stop:
STOPPING -> INACTIVE, start: STARTING -> ACTIVE, delete: DELETING then gone); every
update trains a new version, which becomes active when its training ends (or when
RecommenderVersionName pins an earlier one). Only an ACTIVE recommender answers; its
answers are computed by ``recommend_engine`` from the domain's own interactions and
catalog items, after RecommenderFilters and promotions are applied.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import timing
from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from .base import CoreBackend
from .calc_engine import parse_timestamp
from .domain_object_types import KIND as DOMAIN_OBJECT_TYPES
from .domain_object_types import records
from .domains import Domain
from .pagination import paginate
from .recommend_engine import (
    RECIPES,
    Filter,
    event_weight,
    keeps,
    parse_filter,
    recommend,
)
from .recommend_inputs import inputs

RECOMMENDERS, FILTERS, SCHEMAS = "recommenders", "recommender-filters", "recommender-schemas"
DATASETS = ("_webAnalytics", "_catalogItem")
#: Always trained on, never excluded (RecommenderConfig's column documentation).
MANDATORY_COLUMNS = {
    "_webAnalytics": frozenset({"Item.Id", "EventTimestamp", "EventType"}),
    "_catalogItem": frozenset({"Id"}),
}
CATALOG_FIELDS = (
    "Id",
    "Name",
    "Code",
    "Type",
    "Category",
    "Description",
    "AdditionalInformation",
    "ImageLink",
    "Link",
    "Price",
)


@dataclass
class Version:
    name: str
    config: dict[str, Any] | None
    started: datetime

    def trained(self) -> bool:
        status, _ = timing.RECOMMENDER_UPDATE.status(self.started)
        return status == "ACTIVE"


@dataclass
class Recommender:
    name: str
    arn: str
    recipe: str
    config: dict[str, Any] | None
    description: str | None
    schema: str | None
    created_at: datetime
    last_updated_at: datetime
    phase: str = "create"  # create, stop, start, delete: the last lifecycle action
    phase_started: datetime = field(default_factory=now)
    versions: list[Version] = field(default_factory=list)
    pinned: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def status(self) -> str:
        schedule = {
            "create": timing.RECOMMENDER_CREATE,
            "stop": timing.RECOMMENDER_STOP,
            "start": timing.RECOMMENDER_START,
            "delete": timing.RECOMMENDER_DELETE,
        }[self.phase]
        return schedule.status(self.phase_started)[0]

    def active_version(self) -> Version:
        if self.pinned is not None:
            return next(v for v in self.versions if v.name == self.pinned)
        done = [v for v in self.versions if v.trained()] or self.versions[:1]
        return done[-1]


def version_name(name: str, at: datetime) -> str:
    return f"{name}/{at.strftime('%Y-%m-%dT%H-%M-%SZ')}"


# -- what recommendations are made of (kept by recommend_inputs) -----------------------
def catalog(domain: Domain) -> dict[str, dict[str, Any]]:
    """Catalog items by Id: records of domain object types and profile objects that
    target ``_catalogItem.*`` (the later object wins an Id both have)."""
    items: dict[str, dict[str, Any]] = {}
    for type_name, object_type in domain.collections[DOMAIN_OBJECT_TYPES].items():
        if any(s["Target"].startswith("_catalogItem.") for s in object_type.fields.values()):
            for record in records(domain, type_name).values():
                if record.get("Id"):
                    items[str(record["Id"])] = record
    for item_id, record in inputs(domain).catalog_objects.values():
        items[item_id] = record
    return items


def catalog_item(item_id: str, record: dict[str, Any] | None) -> dict[str, Any]:
    """A record in the model's CatalogItem shape (strings, timestamps, attribute map)."""
    record = record or {}
    shaped: dict[str, Any] = {"Id": item_id}
    for name in CATALOG_FIELDS[1:]:
        value = record.get(name)
        if value is not None and not isinstance(value, dict):
            shaped[name] = str(value)[
                : 1000 if name in ("AdditionalInformation", "ImageLink", "Link") else 255
            ]
    for name in ("CreatedAt", "UpdatedAt"):
        stamp = parse_timestamp(record.get(name), None)
        if stamp is not None:
            shaped[name] = stamp
    attributes = record.get("Attributes")
    if isinstance(attributes, dict) and attributes:
        shaped["Attributes"] = {str(k)[:255]: str(v)[:255] for k, v in attributes.items() if v}
    return shaped


class RecommendersMixin(CoreBackend):
    def _recommender(self, domain: Domain, name: str) -> Recommender:
        found: Recommender | None = domain.collections[RECOMMENDERS].get(name)
        if found is not None and found.status() == "DELETED":
            del domain.collections[RECOMMENDERS][name]
            found = None
        if found is None:
            raise ResourceNotFoundException(
                f"Recommender {name} does not exist in domain {domain.name}."
            )
        return found

    @staticmethod
    def _check_config(config: dict[str, Any] | None, schema: RecommenderSchema | None) -> None:
        """RecommenderConfig's column rules, as its documentation states them."""
        included = (config or {}).get("IncludedColumns") or {}
        excluded = (config or {}).get("ExcludedColumns") or {}
        if included and excluded:
            raise BadRequestException("Give IncludedColumns or ExcludedColumns, not both")
        for columns in (included, excluded):
            unknown = sorted(set(columns) - set(DATASETS))
            if unknown:
                raise BadRequestException(
                    f"Column datasets must be {' or '.join(DATASETS)}, not {', '.join(unknown)}"
                )
        for dataset, names in excluded.items():
            kept = sorted(set(names) & MANDATORY_COLUMNS[dataset])
            if kept:
                raise BadRequestException(
                    f"Columns {', '.join(kept)} of {dataset} are mandatory and cannot be excluded"
                )
        if schema is None:
            return  # the columns are those of the data itself: nothing to check them against
        for member, columns in (("IncludedColumns", included), ("ExcludedColumns", excluded)):
            for dataset, names in columns.items():
                known = {c["TargetFieldName"] for c in schema.fields.get(dataset, [])}
                unknown = sorted(set(names) - known - MANDATORY_COLUMNS[dataset])
                if unknown:
                    raise BadRequestException(
                        f"{member} {', '.join(unknown)} of {dataset} are not columns of "
                        f"recommender schema {schema.name}"
                    )

    def _describe(self, recommender: Recommender, metrics: int | None = None) -> dict[str, Any]:
        latest = recommender.versions[-1]
        status = recommender.status()
        update = None
        if len(recommender.versions) > 1:
            update = {
                "RecommenderConfig": latest.config,
                "Status": "ACTIVE" if latest.trained() else "IN_PROGRESS",
                "CreatedAt": latest.started,
                "LastUpdatedAt": latest.started,
                "RecommenderVersionName": latest.name,
            }
        found: dict[str, Any] = {
            "RecommenderName": recommender.name,
            "RecommenderRecipeName": recommender.recipe,
            "RecipeName": recommender.recipe,
            "RecommenderSchemaName": recommender.schema,
            "RecommenderConfig": recommender.config,
            "Description": recommender.description,
            "Status": status,
            "CreatedAt": recommender.created_at,
            "LastUpdatedAt": recommender.last_updated_at,
            "LatestRecommenderUpdate": update,
            "Tags": recommender.tags,
        }
        if status == "ACTIVE":
            found["ActiveRecommenderVersionName"] = recommender.active_version().name
        if metrics:
            found["TrainingMetrics"] = [
                {"Time": v.started, "RecommenderVersionName": v.name, "Metrics": self._metrics(v)}
                for v in reversed(recommender.versions)
                if v.trained()
            ][:metrics]
        return found

    @staticmethod
    def _metrics(version: Version) -> dict[str, float]:
        """Fixed figures per version: the mock trains nothing, but reports a shape [inference]."""
        seed = sum(ord(c) for c in version.name) % 100 / 1000
        return {
            "coverage": round(0.5 + seed, 4),
            "freshness": round(0.6 + seed, 4),
            "popularity": round(0.4 + seed, 4),
            "similarity": round(0.3 + seed, 4),
        }

    def create_recommender(
        self,
        domain_name: str,
        recommender_name: str,
        recommender_recipe_name: str,
        recommender_config: dict[str, Any] | None = None,
        description: str | None = None,
        recommender_schema_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        # A name is free again once its deletion has finished, as GetRecommender then says.
        with contextlib.suppress(ResourceNotFoundException):
            self._recommender(domain, recommender_name)
            raise BadRequestException(f"Recommender {recommender_name} already exists")
        if recommender_schema_name and recommender_schema_name not in domain.collections[SCHEMAS]:
            raise BadRequestException(
                f"Recommender schema {recommender_schema_name} does not exist"
            )
        self._check_config(
            recommender_config,
            domain.collections[SCHEMAS].get(recommender_schema_name or ""),
        )
        stamp = now()
        recommender = Recommender(
            name=recommender_name,
            arn=self.arn(f"domains/{domain_name}/{RECOMMENDERS}/{recommender_name}"),
            recipe=recommender_recipe_name,
            config=copy.deepcopy(recommender_config),
            description=description,
            schema=recommender_schema_name,
            created_at=stamp,
            last_updated_at=stamp,
            phase_started=stamp,
            versions=[
                Version(
                    version_name(recommender_name, stamp), copy.deepcopy(recommender_config), stamp
                )
            ],
            tags=dict(tags or {}),
        )
        domain.collections[RECOMMENDERS][recommender_name] = recommender
        return {"RecommenderArn": recommender.arn, "Tags": recommender.tags}

    def get_recommender(
        self, domain_name: str, recommender_name: str, training_metrics_count: int | None = None
    ) -> dict[str, Any]:
        recommender = self._recommender(self.domain(domain_name), recommender_name)
        found = self._describe(recommender, training_metrics_count)
        found.pop("RecipeName")
        return found

    def update_recommender(
        self,
        domain_name: str,
        recommender_name: str,
        description: str | None = None,
        recommender_config: dict[str, Any] | None = None,
        recommender_version_name: str | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        recommender = self._recommender(domain, recommender_name)
        if recommender.status() not in ("ACTIVE", "INACTIVE"):
            raise BadRequestException(
                f"Recommender {recommender_name} is {recommender.status()}; update it when "
                "ACTIVE or INACTIVE"
            )
        self._check_config(
            recommender_config, domain.collections[SCHEMAS].get(recommender.schema or "")
        )
        if recommender_version_name is not None and recommender_version_name not in {
            v.name for v in recommender.versions
        }:
            raise BadRequestException(
                f"Recommender version {recommender_version_name} does not exist"
            )
        stamp = now()
        if description is not None:
            recommender.description = description
        if recommender_config is not None:
            recommender.config = copy.deepcopy(recommender_config)
            name = version_name(recommender_name, stamp)
            if name == recommender.versions[-1].name:  # two updates in one second
                name = version_name(recommender_name, stamp + timedelta(seconds=1))
            recommender.versions.append(Version(name, copy.deepcopy(recommender_config), stamp))
            recommender.pinned = None
        if recommender_version_name is not None:
            recommender.pinned = recommender_version_name
        recommender.last_updated_at = stamp
        return {"RecommenderName": recommender_name}

    def delete_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        recommender = self._recommender(domain, recommender_name)
        if recommender.phase != "delete":  # deleting again while DELETING changes nothing
            recommender.phase, recommender.phase_started = "delete", now()
        return {}

    def _move(self, domain_name: str, name: str, phase: str, needs: str) -> dict[str, Any]:
        recommender = self._recommender(self.domain(domain_name), name)
        if recommender.status() != needs:
            raise BadRequestException(
                f"Recommender {name} is {recommender.status()}; it must be {needs} to {phase}"
            )
        recommender.phase, recommender.phase_started = phase, now()
        recommender.last_updated_at = recommender.phase_started
        return {}

    def stop_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        return self._move(domain_name, recommender_name, "stop", "ACTIVE")

    def start_recommender(self, domain_name: str, recommender_name: str) -> dict[str, Any]:
        return self._move(domain_name, recommender_name, "start", "INACTIVE")

    def list_recommenders(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        live = []
        for name in list(domain.collections[RECOMMENDERS]):
            try:
                live.append(self._recommender(domain, name))
            except ResourceNotFoundException:
                continue  # its deletion finished
        page, token = paginate(live, lambda r: r.name, next_token, max_results)
        items = []
        for recommender in page:
            found = self._describe(recommender)
            found.pop("RecommenderRecipeName")
            found.pop("ActiveRecommenderVersionName", None)
            items.append(found)
        return {"Recommenders": items, "NextToken": token}

    def list_recommender_recipes(
        self, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        page, token = paginate(list(RECIPES.items()), lambda r: r[0], next_token, max_results)
        return {
            "RecommenderRecipes": [{"name": n, "description": d} for n, d in page],
            "NextToken": token,
        }

    # -- answers ------------------------------------------------------------------------
    def _filter(
        self, domain: Domain, spec: dict[str, Any]
    ) -> tuple[Filter, dict[str, tuple[str, ...]]]:
        stored = domain.collections[FILTERS].get(str(spec.get("Name")))
        if stored is None:
            raise BadRequestException(f"Recommender filter {spec.get('Name')} does not exist")
        # A placeholder takes one value or several, comma-separated, each optionally quoted
        # ('"shoes","boots"'), as Personalize filter values are written.
        values = {
            k.lstrip("$"): tuple(next(csv.reader([v], skipinitialspace=True), []))
            for k, v in (spec.get("Values") or {}).items()
        }
        missing = sorted(stored.parsed.placeholders - set(values))
        if missing:
            raise BadRequestException(
                f"Filter {stored.name} needs values for ${', $'.join(missing)}"
            )
        return stored.parsed, values

    def _recommendations(
        self,
        domain: Domain,
        profile_id: str,
        recommender_name: str,
        limit: int,
        filters: list[dict[str, Any]] | None,
        promotions: list[dict[str, Any]] | None,
        candidates: list[str] | None,
    ) -> list[dict[str, Any]]:
        recommender = self._recommender(domain, recommender_name)
        if recommender.status() != "ACTIVE":
            raise BadRequestException(
                f"Recommender {recommender_name} is {recommender.status()}, not ACTIVE"
            )
        config = recommender.active_version().config
        kept = inputs(domain)
        items = catalog(domain)
        weights = json.dumps(((config or {}).get("EventsConfig") or {}), sort_keys=True)
        ranked = recommend(
            recommender.recipe,
            profile_id,
            kept.under(weights, event_weight(config)),
            now().timestamp(),
            10_000,
            candidates,
        )
        interacted = {
            item: set(kinds) for item, kinds in kept.event_types.get(profile_id, {}).items()
        }
        for spec in filters or []:
            parsed, values = self._filter(domain, spec)
            ranked = [
                r for r in ranked if keeps(parsed, values, r[0], items.get(r[0], {}), interacted)
            ]
        chosen = ranked[:limit]
        for spec in promotions or []:
            parsed, values = self._filter(domain, spec)
            slots = math.ceil(limit * spec.get("PercentPromotedItems", 10) / 100)
            promoted = [
                r for r in ranked if keeps(parsed, values, r[0], items.get(r[0], {}), interacted)
            ][:slots]
            chosen = (promoted + [r for r in chosen if r not in promoted])[:limit]
        return [{"CatalogItem": catalog_item(i, items.get(i)), "Score": s} for i, s in chosen]

    def get_profile_recommendations(
        self,
        domain_name: str,
        profile_id: str,
        recommender_name: str,
        context: dict[str, str] | None = None,
        recommender_filters: list[dict[str, Any]] | None = None,
        recommender_promotional_filters: list[dict[str, Any]] | None = None,
        candidate_ids: list[str] | None = None,
        max_results: int | None = None,
        metadata_config: dict[str, Any] | None = None,
        diversity_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self.profile(domain, profile_id)
        found = self._recommendations(
            domain,
            profile_id,
            recommender_name,
            max_results or 10,
            recommender_filters,
            recommender_promotional_filters,
            candidate_ids,
        )
        return {"Recommendations": found}

    def search_recommendations(
        self,
        domain_name: str,
        key_name: str,
        key_values: list[str],
        recommender: dict[str, Any],
        candidate_ids: list[str] | None = None,
        context: dict[str, str] | None = None,
        diversity: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        max_recommendations: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        ids = set().union(*(domain.store.find(key_name, v) for v in key_values))
        if not ids:
            raise ResourceNotFoundException(f"No profile has {key_name} {', '.join(key_values)}.")
        if len(ids) > 1:
            raise BadRequestException(
                f"{key_name} {', '.join(key_values)} finds {len(ids)} profiles; it must find one"
            )
        profile_id = next(iter(ids))
        found = self._recommendations(
            domain,
            profile_id,
            recommender["Name"],
            max_recommendations or 5,
            recommender.get("Filters"),
            recommender.get("PromotionalFilters"),
            candidate_ids,
        )
        return {"ProfileId": profile_id, "Recommendations": found}


@dataclass
class RecommenderFilter:
    name: str
    arn: str
    expression: str
    parsed: Filter
    schema: str | None
    description: str | None
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "RecommenderFilterName": self.name,
            "RecommenderFilterExpression": self.expression,
            "RecommenderSchemaName": self.schema,
            "CreatedAt": self.created_at,
            "Status": timing.RECOMMENDER_FILTER.status(self.created_at)[0],
            "Description": self.description,
            "Tags": self.tags,
        }


@dataclass
class RecommenderSchema:
    name: str
    arn: str
    fields: dict[str, list[dict[str, Any]]]
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "RecommenderSchemaName": self.name,
            "RecommenderSchemaArn": self.arn,
            "Fields": self.fields,
            "CreatedAt": self.created_at,
            "Status": "ACTIVE",
            "Tags": self.tags,
        }


class RecommenderFiltersAndSchemasMixin(CoreBackend):
    def create_recommender_filter(
        self,
        domain_name: str,
        recommender_filter_name: str,
        recommender_filter_expression: str,
        recommender_schema_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if recommender_filter_name in domain.collections[FILTERS]:
            raise BadRequestException(
                f"Recommender filter {recommender_filter_name} already exists"
            )
        if recommender_schema_name and recommender_schema_name not in domain.collections[SCHEMAS]:
            raise BadRequestException(
                f"Recommender schema {recommender_schema_name} does not exist"
            )
        made = RecommenderFilter(
            name=recommender_filter_name,
            arn=self.arn(f"domains/{domain_name}/{FILTERS}/{recommender_filter_name}"),
            expression=recommender_filter_expression,
            parsed=parse_filter(recommender_filter_expression),
            schema=recommender_schema_name,
            description=description,
            created_at=now(),
            tags=dict(tags or {}),
        )
        domain.collections[FILTERS][recommender_filter_name] = made
        return {"RecommenderFilterArn": made.arn, "Tags": made.tags}

    def _recommender_filter(self, domain: Domain, name: str) -> RecommenderFilter:
        found: RecommenderFilter = domain.named(FILTERS, name, "Recommender filter")
        return found

    def get_recommender_filter(
        self, domain_name: str, recommender_filter_name: str
    ) -> dict[str, Any]:
        return self._recommender_filter(
            self.domain(domain_name), recommender_filter_name
        ).describe()

    def delete_recommender_filter(
        self, domain_name: str, recommender_filter_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._recommender_filter(domain, recommender_filter_name)
        del domain.collections[FILTERS][recommender_filter_name]
        return {"Message": f"Recommender filter {recommender_filter_name} was deleted."}

    def list_recommender_filters(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[FILTERS].values()), lambda f: f.name, next_token, max_results
        )
        return {"RecommenderFilters": [f.describe() for f in page], "NextToken": token}

    def create_recommender_schema(
        self,
        domain_name: str,
        recommender_schema_name: str,
        fields: dict[str, list[dict[str, Any]]],
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if recommender_schema_name in domain.collections[SCHEMAS]:
            raise BadRequestException(
                f"Recommender schema {recommender_schema_name} already exists"
            )
        unknown = sorted(set(fields) - set(DATASETS))
        if unknown or not fields:
            raise BadRequestException(
                f"Schema fields are keyed by dataset ({' and '.join(DATASETS)}), not "
                f"{', '.join(unknown) or 'nothing'}"
            )
        for dataset, columns in fields.items():
            if not 1 <= len(columns) <= 9:
                raise BadRequestException(f"Dataset {dataset} takes 1 to 9 fields")
        made = RecommenderSchema(
            name=recommender_schema_name,
            arn=self.arn(f"domains/{domain_name}/{SCHEMAS}/{recommender_schema_name}"),
            fields={k: [{"ContentType": "STRING", **c} for c in v] for k, v in fields.items()},
            created_at=now(),
            tags=dict(tags or {}),
        )
        domain.collections[SCHEMAS][recommender_schema_name] = made
        return made.describe()

    def _recommender_schema(self, domain: Domain, name: str) -> RecommenderSchema:
        found: RecommenderSchema = domain.named(SCHEMAS, name, "Recommender schema")
        return found

    def get_recommender_schema(
        self, domain_name: str, recommender_schema_name: str
    ) -> dict[str, Any]:
        return self._recommender_schema(
            self.domain(domain_name), recommender_schema_name
        ).describe()

    def delete_recommender_schema(
        self, domain_name: str, recommender_schema_name: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._recommender_schema(domain, recommender_schema_name)
        users = sorted(
            r.name
            for r in domain.collections[RECOMMENDERS].values()
            if r.schema == recommender_schema_name
        ) + sorted(
            f.name
            for f in domain.collections[FILTERS].values()
            if f.schema == recommender_schema_name
        )
        if users:
            raise BadRequestException(
                f"Recommender schema {recommender_schema_name} is used by {', '.join(users)}"
            )
        del domain.collections[SCHEMAS][recommender_schema_name]
        return {}

    def list_recommender_schemas(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        page, token = paginate(
            list(domain.collections[SCHEMAS].values()), lambda s: s.name, next_token, max_results
        )
        return {"RecommenderSchemas": [s.describe() for s in page], "NextToken": token}

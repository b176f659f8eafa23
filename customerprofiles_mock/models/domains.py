"""Domains: the container every other resource lives in (reference §2)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import timing
from ..clock import now
from ..effects import Outbox
from ..exceptions import BadRequestException, ResourceNotFoundException
from . import events
from .base import CoreBackend
from .pagination import paginate
from .store import Profile, ProfileStore

#: How long background preparation takes in the mock; freezegun can move past it.
RULE_BASED_MATCHING_PENDING = timedelta(hours=1)
RULE_BASED_MATCHING_IN_PROGRESS = timedelta(minutes=10)
DATA_STORE_PREPARATION = timedelta(minutes=10)
MAX_DOMAINS_PER_REGION = 100

#: Attributes a rule-based matching rule may name; ``Attributes.*`` is also allowed.
RULE_ATTRIBUTES = frozenset(
    {
        "AccountNumber",
        "Address.Address",
        "Address.City",
        "Address.Country",
        "Address.County",
        "Address.PostalCode",
        "Address.State",
        "Address.Province",
        "BirthDate",
        "BusinessName",
        "EmailAddress",
        "FirstName",
        "Gender",
        "LastName",
        "MiddleName",
        "PhoneNumber",
    }
)

#: ARN resource segments of the resources a domain can hold (reference §1.1).
CHILD_KINDS = (
    "object-types",
    "integrations",
    "event-streams",
    "event-triggers",
    "calculated-attributes",
    "segment-definitions",
    "layouts",
    "domain-object-types",
    "recommenders",
    "recommender-filters",
    "recommender-schemas",
)


@dataclass
class Domain:
    name: str
    arn: str
    default_expiration_days: int
    default_encryption_key: str | None = None
    dead_letter_queue_url: str | None = None
    matching: dict[str, Any] | None = None
    rule_based_matching: dict[str, Any] | None = None
    rule_based_matching_since: datetime | None = None
    rule_based_matching_was_existing: bool = False
    data_store_enabled: bool | None = None
    data_store_since: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)
    last_updated_at: datetime = field(default_factory=now)
    #: Named child resources by ARN segment, so tagging finds any of them one way.
    collections: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {kind: {} for kind in CHILD_KINDS}
    )
    #: Profiles by id; the store keeps their keys, objects and history.
    profiles: dict[str, Profile] = field(default_factory=dict)
    store: ProfileStore = field(init=False)

    #: Derived state families keep per domain (aggregates, memberships, ...), by family.
    state: dict[str, Any] = field(default_factory=dict)
    #: Where effects on other services go: (outbox, account id, region) of the backend.
    sink: tuple[Outbox, str, str] | None = None

    #: Counts changes to profiles and objects, for caches of whole-domain results.
    version: int = 0

    def __post_init__(self) -> None:
        self.store = ProfileStore(self.profiles)
        self.store.on_change = self._changed

    def _changed(self, change: events.Change) -> None:
        self.version += 1
        events.publish(self, change)

    def named(self, kind: str, name: str, label: str) -> Any:
        """A named child resource, or the ResourceNotFoundException AWS sends for it."""
        found = self.collections[kind].get(name)
        if found is None:
            raise ResourceNotFoundException(f"{label} {name} does not exist in domain {self.name}.")
        return found

    def sweep(self) -> None:
        """Apply expiry on the mock's clock before anything reads the domain."""
        self.store.expire(
            lambda p: self.store.record(p.profile_id, "EXPIRED", p.to_dict(), "customer-profiles")
        )
        events.tick(self)

    def stats(self) -> dict[str, int]:
        """From the store's running totals: the same cost at any domain size."""
        totals = self.store.totals
        return {
            "ProfileCount": len(self.profiles),
            "MeteringProfileCount": totals["metering"],
            "ObjectCount": len(self.store.objects_by_key),
            "TotalSize": totals["fields"] + totals["bodies"],
        }

    def rule_based_matching_active_at(self) -> datetime:
        """When the current rule-based matching configuration is (or was) ACTIVE."""
        since = self.rule_based_matching_since or self.created_at
        if self.rule_based_matching_was_existing:
            since += RULE_BASED_MATCHING_PENDING
        return since + RULE_BASED_MATCHING_IN_PROGRESS

    def rule_based_matching_status(self) -> str:
        """PENDING (existing domains only), IN_PROGRESS, then ACTIVE, on the mock's clock."""
        since = self.rule_based_matching_since or self.created_at
        forced = timing.RULE_BASED_MATCHING.forced(since)
        if forced is not None:  # moto's state manager (a new domain skips PENDING)
            pending = forced[0] == "PENDING" and not self.rule_based_matching_was_existing
            return "IN_PROGRESS" if pending else forced[0]
        elapsed = now() - since
        if self.rule_based_matching_was_existing:
            if elapsed < RULE_BASED_MATCHING_PENDING:
                return "PENDING"
            elapsed -= RULE_BASED_MATCHING_PENDING
        return "IN_PROGRESS" if elapsed < RULE_BASED_MATCHING_IN_PROGRESS else "ACTIVE"

    def data_store(self) -> dict[str, Any] | None:
        if self.data_store_enabled is None:
            return None
        if not self.data_store_enabled:
            return {"Enabled": False}
        since = self.data_store_since or self.created_at
        forced = timing.DATA_STORE.forced(since)  # moto's state manager, when set
        elapsed = now() - since
        percent = min(100, int(100 * elapsed / DATA_STORE_PREPARATION))
        if forced is not None:
            percent = forced[1]
        message = "Data store is ready." if percent == 100 else "Data store is being prepared."
        return {
            "Enabled": True,
            "Readiness": {"ProgressPercentage": percent, "Message": message},
        }

    def to_dict(self, with_stats: bool = False) -> dict[str, Any]:
        rule_based = None
        if self.rule_based_matching is not None:
            rule_based = dict(self.rule_based_matching)
            if rule_based.get("Enabled"):
                rule_based["Status"] = self.rule_based_matching_status()
        return {
            "DomainName": self.name,
            "DefaultExpirationDays": self.default_expiration_days,
            "DefaultEncryptionKey": self.default_encryption_key,
            "DeadLetterQueueUrl": self.dead_letter_queue_url,
            "Stats": self.stats() if with_stats else None,
            "Matching": self.matching,
            "RuleBasedMatching": rule_based,
            "DataStore": self.data_store(),
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "DomainName": self.name,
            "CreatedAt": self.created_at,
            "LastUpdatedAt": self.last_updated_at,
            "Tags": self.tags,
        }


#: "You can change the rule a day after the status is in ACTIVE" (RuleBasedMatching.Status).
RULE_BASED_MATCHING_CHANGE_AFTER = timedelta(days=1)


def _check_rule_change(domain: Domain, requested: dict[str, Any] | None) -> None:
    """The model's Status documentation: no change while IN_PROGRESS, and an ACTIVE
    configuration only a day after it became ACTIVE. Sending the same one again is no
    change."""
    current = domain.rule_based_matching
    if requested is None or not current or not current.get("Enabled") or requested == current:
        return
    status = domain.rule_based_matching_status()
    if status == "IN_PROGRESS":
        raise BadRequestException(
            "The rule-based matching configuration cannot be changed while its status is "
            "IN_PROGRESS"
        )
    allowed = domain.rule_based_matching_active_at() + RULE_BASED_MATCHING_CHANGE_AFTER
    if status == "ACTIVE" and now() < allowed:
        raise BadRequestException(
            "The rule-based matching configuration can be changed a day after it became "
            f"ACTIVE: not before {allowed.isoformat()}"
        )


def _check_rules(rule_based_matching: dict[str, Any] | None) -> None:
    rules = (rule_based_matching or {}).get("MatchingRules") or []
    for level, rule in enumerate(rules, 1):
        for attribute in rule.get("Rule", []):
            if attribute not in RULE_ATTRIBUTES and not attribute.startswith("Attributes."):
                raise BadRequestException(
                    f"Matching rule {level} names an unsupported attribute: {attribute}"
                )
    config = rule_based_matching or {}
    matching = config.get("MaxAllowedRuleLevelForMatching")
    merging = config.get("MaxAllowedRuleLevelForMerging")
    # A level above the number of rules is allowed (the model only bounds it 1-15): it
    # simply reaches every rule there is.
    if matching is not None and merging is not None and merging > matching:
        raise BadRequestException(
            "MaxAllowedRuleLevelForMerging cannot exceed MaxAllowedRuleLevelForMatching"
        )


class DomainsMixin(CoreBackend):
    """CreateDomain, GetDomain, UpdateDomain, DeleteDomain, ListDomains."""

    def create_domain(
        self,
        domain_name: str,
        default_expiration_days: int,
        default_encryption_key: str | None = None,
        dead_letter_queue_url: str | None = None,
        matching: dict[str, Any] | None = None,
        rule_based_matching: dict[str, Any] | None = None,
        data_store: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        if domain_name in self.domains:
            raise BadRequestException(f"Domain {domain_name} already exists")
        if len(self.domains) >= MAX_DOMAINS_PER_REGION:
            raise BadRequestException(
                f"Cannot create more than {MAX_DOMAINS_PER_REGION} domains in this region"
            )
        _check_rules(rule_based_matching)
        stamp = now()
        domain = Domain(
            name=domain_name,
            arn=self.arn(f"domains/{domain_name}"),
            default_expiration_days=default_expiration_days,
            default_encryption_key=default_encryption_key or None,
            dead_letter_queue_url=dead_letter_queue_url or None,
            matching=copy.deepcopy(matching),
            rule_based_matching=copy.deepcopy(rule_based_matching),
            data_store_enabled=None if data_store is None else bool(data_store.get("Enabled")),
            tags=dict(tags or {}),
            created_at=stamp,
            last_updated_at=stamp,
            sink=(self.outbox, self.account_id, self.region_name),
        )
        self.domains[domain_name] = domain
        return domain.to_dict()

    def get_domain(self, domain_name: str) -> dict[str, Any]:
        return self.domain(domain_name).to_dict(with_stats=True)

    def update_domain(
        self,
        domain_name: str,
        default_expiration_days: int | None = None,
        default_encryption_key: str | None = None,
        dead_letter_queue_url: str | None = None,
        matching: dict[str, Any] | None = None,
        rule_based_matching: dict[str, Any] | None = None,
        data_store: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        _check_rules(rule_based_matching)
        _check_rule_change(domain, rule_based_matching)
        if data_store is not None and domain.data_store_enabled and not data_store.get("Enabled"):
            raise BadRequestException(
                f"The data store of domain {domain_name} cannot be disabled once enabled"
            )
        if tags and len(set(domain.tags) | set(tags)) > 50:
            raise BadRequestException("A resource can have at most 50 tags")
        stamp = now()
        if default_expiration_days is not None:
            domain.default_expiration_days = default_expiration_days
        # An empty string clears these two; omitting them keeps the stored value.
        if default_encryption_key is not None:
            domain.default_encryption_key = default_encryption_key or None
        if dead_letter_queue_url is not None:
            domain.dead_letter_queue_url = dead_letter_queue_url or None
        if matching is not None:
            domain.matching = copy.deepcopy(matching)
        if rule_based_matching is not None and rule_based_matching != domain.rule_based_matching:
            domain.rule_based_matching = copy.deepcopy(rule_based_matching)
            domain.rule_based_matching_since = stamp
            domain.rule_based_matching_was_existing = True
        if data_store is not None:
            enabled = bool(data_store.get("Enabled"))
            if enabled and not domain.data_store_enabled:
                domain.data_store_since = stamp
            domain.data_store_enabled = enabled
        if tags:
            domain.tags.update(tags)
        domain.last_updated_at = stamp
        return domain.to_dict()

    def delete_domain(self, domain_name: str) -> dict[str, Any]:
        self.domain(domain_name)
        del self.domains[domain_name]
        return {"Message": f"Domain {domain_name} was deleted with all its data."}

    def list_domains(
        self, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        page, token = paginate(
            list(self.domains.values()), lambda d: d.name, next_token, max_results
        )
        return {"Items": [d.summary() for d in page], "NextToken": token}

"""SearchProfiles and profile keys (reference §3.3, §3.4).

Every search goes through the domain's key index, so its cost follows the number of
matches, not the number of profiles.
"""

from __future__ import annotations

from typing import Any

from .base import CoreBackend
from .pagination import paginate_smallest
from .store import API_SOURCE

DEFAULT_SEARCH_PAGE = 20


class SearchMixin(CoreBackend):
    def search_profiles(
        self,
        domain_name: str,
        key_name: str,
        values: list[str],
        additional_search_keys: list[dict[str, Any]] | None = None,
        logical_operator: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        store = domain.store
        pairs = [(key_name, values)] + [
            (k["KeyName"], k["Values"]) for k in additional_search_keys or []
        ]
        names = list(dict.fromkeys(name for name, _ in pairs))  # a key named twice: one item
        # profile id -> key name -> values of that key that found it
        found_by: dict[str, dict[str, list[str]]] = {}
        matched_per_key: list[set[str]] = []
        for name, wanted in pairs:
            matched: set[str] = set()
            for value in dict.fromkeys(wanted):
                for profile_id in store.find(name, value):
                    matched.add(profile_id)
                    hits = found_by.setdefault(profile_id, {}).setdefault(name, [])
                    if value not in hits:
                        hits.append(value)
            matched_per_key.append(matched)
        if (logical_operator or "OR") == "AND":
            ids = set.intersection(*matched_per_key)
        else:
            ids = set.union(*matched_per_key)
        # One page of the matches in creation order, without sorting them all.
        page, token = paginate_smallest(
            [store.profiles[i] for i in ids if i in store.profiles],
            lambda p: p.seq,
            next_token,
            max_results,
            DEFAULT_SEARCH_PAGE,
        )
        items = []
        for profile in page:
            found_for = found_by[profile.profile_id]
            found = [{"KeyName": n, "Values": found_for[n]} for n in names if n in found_for]
            items.append({**profile.to_dict(), "FoundByItems": found})
        return {"Items": items, "NextToken": token}

    def add_profile_key(
        self, domain_name: str, profile_id: str, key_name: str, values: list[str]
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        for value in values:
            domain.store.add_key(profile, key_name, value, API_SOURCE)
        domain.store.record(
            profile_id,
            "ADDED_PROFILE_KEY",
            {"KeyName": key_name, "Values": values},
            self.caller_arn,
        )
        return {"KeyName": key_name, "Values": values}

    def delete_profile_key(
        self, domain_name: str, profile_id: str, key_name: str, values: list[str]
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self.profile(domain, profile_id)
        removed = [v for v in values if domain.store.remove_key(profile, key_name, v)]
        domain.store.record(
            profile_id,
            "DELETED_PROFILE_KEY",
            {"KeyName": key_name, "Values": removed},
            self.caller_arn,
        )
        return {"Message": f"Removed {len(removed)} value(s) of key {key_name}."}

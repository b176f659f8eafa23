"""SearchProfiles and profile keys (reference §3.3, §3.4).

Every search goes through the domain's key index, and a page is read from the holders
of the searched values in creation order (``holders.first_matches``): its cost follows
the page size, not the number of profiles or of matches.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import BadRequestException
from .base import CoreBackend
from .holders import first_matches, held_by
from .pagination import decode_token, encode_token
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
        pairs = [(key_name, list(dict.fromkeys(values)))] + [
            (k["KeyName"], list(dict.fromkeys(k["Values"]))) for k in additional_search_keys or []
        ]
        after = -1
        if next_token:
            after = decode_token(next_token)
            if not isinstance(after, int) or isinstance(after, bool):
                raise BadRequestException("The NextToken is invalid or has expired.")
        size = max_results or DEFAULT_SEARCH_PAGE
        held = [[store.held(name, value) for value in wanted] for name, wanted in pairs]
        # One page (and one more, to know whether another follows) in creation order,
        # read from the holders kept in that order: the page costs its own size.
        chosen = first_matches(
            held, store.seq_of, after, size + 1, (logical_operator or "OR") == "AND"
        )
        page = chosen[:size]
        token = encode_token(page[-1][0]) if len(chosen) > size else None
        names = list(dict.fromkeys(name for name, _ in pairs))  # a key named twice: one item
        items = []
        for _, profile_id in page:
            found_for: dict[str, list[str]] = {}
            for (name, wanted), holders in zip(pairs, held, strict=True):
                for value, holder in zip(wanted, holders, strict=True):
                    hits = found_for.setdefault(name, [])
                    if held_by(holder, profile_id) and value not in hits:
                        hits.append(value)
            found = [{"KeyName": n, "Values": found_for[n]} for n in names if found_for.get(n)]
            items.append({**store.profiles[profile_id].to_dict(), "FoundByItems": found})
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

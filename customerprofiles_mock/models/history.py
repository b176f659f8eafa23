"""Profile history records (reference §3.2): newest first, kept after a profile is gone."""

from __future__ import annotations

from typing import Any

from ..exceptions import ResourceNotFoundException
from .base import CoreBackend
from .domains import Domain
from .pagination import paginate
from .store import HistoryRecord


class HistoryMixin(CoreBackend):
    def _history(self, domain: Domain, profile_id: str) -> list[HistoryRecord]:
        records = domain.store.history.get(profile_id)
        if not records:
            raise ResourceNotFoundException(
                f"Profile {profile_id} does not exist in domain {domain.name}."
            )
        return records

    def list_profile_history_records(
        self,
        domain_name: str,
        profile_id: str,
        object_type_name: str | None = None,
        action_type: str | None = None,
        performed_by: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        numbered = list(enumerate(self._history(domain, profile_id)))
        wanted = [
            (n, r)
            for n, r in numbered
            if (object_type_name is None or r.object_type_name == object_type_name)
            and (action_type is None or r.action_type == action_type)
            and (performed_by is None or r.performed_by == performed_by)
        ]
        page, token = paginate(wanted, lambda item: -item[0], next_token, max_results)
        return {"ProfileHistoryRecords": [r.summary() for _, r in page], "NextToken": token}

    def get_profile_history_record(
        self, domain_name: str, profile_id: str, id: str
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        for record in self._history(domain, profile_id):
            if record.id == id:
                return {**record.summary(), "Content": record.content}
        raise ResourceNotFoundException(f"History record {id} does not exist.")

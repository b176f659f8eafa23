"""Upload jobs (reference §8.5): profiles imported from a CSV file.

The five steps, as a user's code takes them: CreateUploadJob (Fields map CSV columns,
through ``_source.<column>`` Sources, to profile Targets; UniqueKey names the field that
identifies a customer), GetUploadJobPath (an https URL and a ClientToken), an HTTP PUT of
the CSV to that URL (served in-process for ``requests``, and by the local endpoint),
StartUploadJob, then GetUploadJob until it leaves IN_PROGRESS. Each row creates or
updates the profile its UniqueKey value finds: by a profile key named after the UniqueKey
field (kept on every uploaded profile), else, when that field targets an email, phone or
account number, by the matching predefined key (``_email``, ``_phone``, ``_account``).
Uploaded profiles expire after DataExpiry days.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote

from .. import timing
from ..clock import now
from ..exceptions import AccessDeniedException, BadRequestException, ResourceNotFoundException
from . import events
from .base import CoreBackend, request_base
from .domains import Domain
from .mapping import check_source, check_target, evaluate, fit, profile_path, write_path
from .pagination import paginate
from .store import API_SOURCE, EMAIL_FIELDS, PHONE_FIELDS, new_id

#: Profile field a UniqueKey field targets -> the predefined key that finds such profiles.
PREDEFINED_KEYS = {
    **dict.fromkeys(EMAIL_FIELDS, "_email"),
    **dict.fromkeys(PHONE_FIELDS, "_phone"),
    "AccountNumber": "_account",
}

STATE = "upload-jobs"
#: GetUploadJobPath's URLs: ``<host that answered>/profile_<region>/uploads/<account>/
#: <domain>/<job>?token=...&expires=...``. moto's server routes a ``/<service>_<region>/``
#: path to that service even unsigned, so moto serves the URL as the plugin does.
UPLOAD_PREFIX = "/profile_"
_UPLOAD_PATH = re.compile(r"^/profile_([^/]+)/uploads/([^/]+)/([^/]+)/([^/]+)$")
DEFAULT_DATA_EXPIRY = 14
URL_VALIDITY = timedelta(hours=1)


@dataclass
class UploadJob:
    id: str
    display_name: str
    fields: dict[str, dict[str, Any]]
    unique_key: str
    data_expiry: int
    created_at: datetime
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    file: bytes | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    outcome: str | None = None  # SUCCEEDED, PARTIALLY_SUCCEEDED or FAILED once ingested
    reason: str | None = None
    results: dict[str, int] | None = None

    def status(self) -> tuple[str, datetime | None]:
        """The status now and, once finished, when it finished."""
        if self.stopped_at is not None:
            return "STOPPED", self.stopped_at
        if self.started_at is None:
            return "CREATED", None
        running, _ = timing.UPLOAD_JOB.status(self.started_at)
        if running == "IN_PROGRESS":
            return "IN_PROGRESS", None
        done = self.started_at + timedelta(seconds=timing.UPLOAD_JOB.total)
        return self.outcome or "FAILED", done

    def describe(self, full: bool = True) -> dict[str, Any]:
        status, completed = self.status()
        found: dict[str, Any] = {
            "JobId": self.id,
            "DisplayName": self.display_name,
            "Status": status,
            "StatusReason": self.reason if status == "FAILED" else None,
            "CreatedAt": self.created_at,
            "CompletedAt": completed,
            "DataExpiry": self.data_expiry,
        }
        if full:
            found.update(
                {
                    "Fields": self.fields,
                    "UniqueKey": self.unique_key,
                    "ResultsSummary": (
                        {
                            "CreatedRecords": self.results["created"],
                            "UpdatedRecords": self.results["updated"],
                            "FailedRecords": self.results["failed"],
                        }
                        if self.results is not None and status != "IN_PROGRESS"
                        else None
                    ),
                }
            )
        return found


def _jobs(domain: Domain) -> dict[str, UploadJob]:
    found: dict[str, UploadJob] = domain.state.setdefault(STATE, {})
    return found


def _ingest(domain: Domain, job: UploadJob) -> dict[str, int]:
    """Rows to profiles; counts of created, updated and failed rows."""
    store = domain.store
    counts = {"created": 0, "updated": 0, "failed": 0}
    try:
        rows = list(csv.DictReader(io.StringIO((job.file or b"").decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        counts["failed"] = 1
        return counts
    expires = now() + timedelta(days=job.data_expiry)
    unique_spec = job.fields[job.unique_key]
    target = (profile_path(unique_spec.get("Target") or "") or "").split(".")[0]
    predefined = PREDEFINED_KEYS.get(target)
    key_type = unique_spec.get("ContentType")
    if (
        key_type in ("PHONE_NUMBER", "EMAIL_ADDRESS", "NAME")
        and job.unique_key not in store.key_types
    ):
        store.set_key_type(job.unique_key, key_type)
    for row in rows:
        unique_value = evaluate(unique_spec.get("Source", ""), row)
        if not unique_value:
            counts["failed"] += 1
            continue
        holders = store.find(job.unique_key, unique_value)
        if not holders and predefined is not None:  # a profile made another way
            holders = store.find(predefined, unique_value)
        profile = domain.profiles.get(next(iter(holders))) if len(holders) == 1 else None
        if len(holders) > 1:
            counts["failed"] += 1
            continue
        created = profile is None
        if profile is None:
            profile = store.create_profile({}, expires, announce=False)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        store.touch(profile)
        fields = copy.deepcopy(profile.fields)
        for spec in job.fields.values():
            value = evaluate(spec.get("Source", ""), row)
            path = profile_path(spec.get("Target") or "")
            fitted = fit(path, value) if path and value else None
            if fitted is not None:
                write_path(fields, *fitted)
                profile.field_sources[fitted[0]] = API_SOURCE
        store.set_fields(profile, fields, announce=not created)
        store.add_key(profile, job.unique_key, unique_value, API_SOURCE)
        store.set_expiry(profile, expires)
        if created:
            store.announce(events.PROFILE_CREATED, profile)
            store.record(profile.profile_id, "CREATED", profile.to_dict(), "customer-profiles")
    return counts


class UploadJobsMixin(CoreBackend):
    def _job(self, domain: Domain, job_id: str) -> UploadJob:
        found = domain.state.get(STATE, {}).get(job_id)
        if found is None:
            raise ResourceNotFoundException(
                f"Upload job {job_id} does not exist in domain {domain.name}."
            )
        return found  # type: ignore[no-any-return]

    def create_upload_job(
        self,
        domain_name: str,
        display_name: str,
        fields: dict[str, dict[str, Any]],
        unique_key: str,
        data_expiry: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        for name, spec in fields.items():
            check_source(name, spec.get("Source", ""))
            if spec.get("Target"):
                check_target(name, spec["Target"])
        if unique_key not in fields:
            named = ", ".join(sorted(fields))
            raise BadRequestException(
                f"UniqueKey {unique_key!r} must name one of the Fields ({named})"
            )
        job = UploadJob(
            id=new_id(),
            display_name=display_name,
            fields=copy.deepcopy(fields),
            unique_key=unique_key,
            data_expiry=data_expiry or DEFAULT_DATA_EXPIRY,
            created_at=now(),
        )
        _jobs(domain)[job.id] = job
        return {"JobId": job.id}

    def get_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        return self._job(self.domain(domain_name), job_id).describe()

    def get_upload_job_path(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        job = self._job(domain, job_id)
        base = request_base.get()
        path = f"{UPLOAD_PREFIX}{self.region_name}/uploads/{self.account_id}/{domain_name}/{job.id}"
        valid_until = now() + URL_VALIDITY
        return {
            "Url": f"{base}{path}?token={job.token}&expires={int(valid_until.timestamp())}",
            "ClientToken": job.token,
            "ValidUntil": valid_until,
        }

    def receive_upload(
        self, domain_name: str, job_id: str, token: str, body: bytes, expires: float | None = None
    ) -> str:
        """Keep a file PUT to the upload URL; returns its ETag."""
        domain = self.domain(domain_name)
        job = self._job(domain, job_id)
        if token != job.token:
            raise BadRequestException("The upload token does not match this upload job")
        if expires is not None and now().timestamp() > expires:
            # As a presigned URL past its expiry: refused, nothing stored.
            raise AccessDeniedException("Request has expired: the upload URL is past ValidUntil")
        if job.started_at is not None:
            raise BadRequestException(f"Upload job {job_id} has already started")
        job.file = body
        return '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'

    def start_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        job = self._job(domain, job_id)
        if job.started_at is not None or job.stopped_at is not None:
            raise BadRequestException(f"Upload job {job_id} has already been started or stopped")
        job.started_at = now()
        if not job.file:
            job.outcome, job.reason = "FAILED", "VALIDATION_FAILURE"
            job.results = {"created": 0, "updated": 0, "failed": 0}
            return {}
        job.results = _ingest(domain, job)
        good = job.results["created"] + job.results["updated"]
        if job.results["failed"] == 0 and good:
            job.outcome = "SUCCEEDED"
        elif good:
            job.outcome = "PARTIALLY_SUCCEEDED"
        else:
            job.outcome, job.reason = "FAILED", "VALIDATION_FAILURE"
        return {}

    def stop_upload_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        job = self._job(domain, job_id)
        status, _ = job.status()
        if status not in ("CREATED", "IN_PROGRESS"):
            raise BadRequestException(f"Upload job {job_id} has already finished ({status})")
        job.stopped_at = now()
        return {}

    def list_upload_jobs(
        self, domain_name: str, max_results: int | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        jobs = list(domain.state.get(STATE, {}).values())
        page, token = paginate(
            jobs, lambda j: (j.created_at.timestamp(), j.id), next_token, max_results
        )
        return {"Items": [j.describe(full=False) for j in page], "NextToken": token}


def upload_target(path: str, query: str) -> tuple[str, str, str, str, str, float | None] | None:
    """(account, region, domain, job, token, expires) of an upload URL, None if not one."""
    found = _UPLOAD_PATH.match(path)
    if found is None:
        return None
    region, account_id, domain_name, job_id = found.groups()
    values = parse_qs(query)
    try:
        expires: float | None = float((values.get("expires") or [""])[0])
    except ValueError:
        expires = None
    token = (values.get("token") or [""])[0]
    return account_id, region, unquote(domain_name), job_id, token, expires

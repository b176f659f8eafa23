"""Identity resolution (reference §7): rule-based matches, scheduled matching jobs,
automatic merges and the auto-merging preview.

Rule-based matches are computed from the profiles as they are (cached until the domain
changes) once RuleBasedMatching is ACTIVE on the mock's clock; matches at or below
MaxAllowedRuleLevelForMerging are merged whenever the domain is next accessed. With
Matching enabled, a job is PENDING until its JobSchedule time (default Saturday 00:00
UTC), then runs PREPROCESSING, FIND_MATCHING and MERGING on the clock; it scores pairs
with ``match_engine.similarity``, merges what AutoMerging allows, and exports its
matches to S3 when ExportingConfig asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import effects, timing
from ..clock import now
from ..exceptions import BadRequestException, ResourceNotFoundException
from . import events
from .base import CoreBackend
from .domains import Domain
from .match_engine import (
    RuleMatch,
    ScoredMatch,
    consolidates,
    similar_profiles,
)
from .merge import merge_into, merged_fields
from .pagination import paginate, paginate_sorted
from .rule_index import RuleIndex
from .store import Profile, new_id

STATE = "identity"
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
WEEK = timedelta(days=7)
JOB_LIFETIME = timedelta(days=30)  # when a job's results expire [inference]
PERFORMED_BY = "customer-profiles"


@dataclass
class Job:
    id: str
    start: datetime
    auto_merging: dict[str, Any] | None
    #: when the job was scheduled: a PENDING job's LastUpdatedAt
    created: datetime | None = None
    stats: dict[str, int] | None = None
    exporting: dict[str, Any] | None = None
    message: str | None = None
    partial: bool = False
    #: when a job moto's state manager finished early actually ended, and the start it
    #: had been scheduled for
    ended: datetime | None = None
    scheduled: datetime | None = None

    def status(self) -> str:
        stamp = now()
        schedule = timing.IDENTITY_RESOLUTION_JOB
        # moto's state manager may run the next job now (one week's job at a time).
        forced = schedule.forced(self.start) if self.start - stamp <= WEEK else None
        if forced is not None:
            status = forced[0]
        elif stamp < self.start:
            return "PENDING"
        else:
            status, _ = schedule.status(self.start, stamp)
        if status == "COMPLETED" and self.partial:
            return "PARTIAL_SUCCESS"
        return status

    @property
    def end(self) -> datetime:
        if self.ended is not None:
            return self.ended
        return self.start + timedelta(seconds=timing.IDENTITY_RESOLUTION_JOB.total)

    def describe(self, domain_name: str) -> dict[str, Any]:
        status = self.status()
        done = status in ("COMPLETED", "PARTIAL_SUCCESS")
        return {
            "DomainName": domain_name,
            "JobId": self.id,
            "Status": status,
            # "The timestamp of when the job was started or will be started."
            "JobStartTime": self.start,
            "JobEndTime": self.end if done else None,
            "LastUpdatedAt": (
                min(now(), self.end) if status != "PENDING" else (self.created or now())
            ),
            "JobExpirationTime": self.end + JOB_LIFETIME if done else None,
            "AutoMerging": self.auto_merging,
            "ExportingLocation": self.exporting if done else None,
            "JobStats": self.stats if done else None,
            "Message": self.message,
        }


@dataclass
class IdentityState:
    #: (configuration, its matches kept current by the change stream)
    rules: tuple[str, RuleIndex] | None = None
    jobs: dict[str, Job] = field(default_factory=dict)
    matches: list[ScoredMatch] = field(default_factory=list)
    #: profile id -> its match in ``matches``, so GetSimilarProfiles stays flat
    match_of: dict[str, ScoredMatch] = field(default_factory=dict)
    #: ``matches`` sorted by id, and the ids: GetMatches pages without sorting
    by_match_id: list[ScoredMatch] = field(default_factory=list)
    match_ids: list[str] = field(default_factory=list)
    generated_at: datetime | None = None


def _state(domain: Domain) -> IdentityState:
    found: IdentityState | None = domain.state.get(STATE)
    if found is None:
        found = domain.state[STATE] = IdentityState()
    return found


def _rule_config(domain: Domain) -> dict[str, Any] | None:
    config = domain.rule_based_matching
    if not config or not config.get("Enabled"):
        return None
    return config


def rule_matches(domain: Domain) -> list[RuleMatch]:
    """Current rule-based matches ([] until the configuration is ACTIVE)."""
    config = _rule_config(domain)
    if config is None or domain.rule_based_matching_status() != "ACTIVE":
        return []
    return _rule_index(domain, config).ordered()


def rule_match_of(domain: Domain, profile_id: str) -> RuleMatch | None:
    """The rule-based match a profile is in, found without scanning every match."""
    config = _rule_config(domain)
    if config is None or domain.rule_based_matching_status() != "ACTIVE":
        return None
    return _rule_index(domain, config).match_of(profile_id)


def _rule_index(domain: Domain, config: dict[str, Any]) -> RuleIndex:
    """The configuration's matches, caught up with the writes since the last read."""
    state = _state(domain)
    key = json.dumps(config, sort_keys=True)
    if state.rules is None or state.rules[0] != key:
        state.rules = (key, RuleIndex(config, domain.profiles.values()))
    index = state.rules[1]
    index.catch_up(domain.profiles)
    return index


_PROFILE_WRITES = (events.PROFILE_CREATED, events.PROFILE_UPDATED, events.PROFILE_REMOVED)


@events.subscribe
def _note_rule_writes(domain: Domain, change: events.Change) -> None:
    """A profile written (or its write taken back) is re-grouped at the next read."""
    state: IdentityState | None = domain.state.get(STATE)
    if (
        state is not None
        and state.rules is not None
        and change.profile_id
        and change.kind in _PROFILE_WRITES
    ):
        state.rules[1].touch(change.profile_id)


def _main_for(profiles: list[Profile], resolution: dict[str, Any] | None) -> Profile:
    """RECENCY: the most recently updated; SOURCE: the one its source object type fed
    most, falling back to recency."""
    by_recency = sorted(profiles, key=lambda p: (p.last_updated_at, p.seq), reverse=True)
    if (resolution or {}).get("ConflictResolvingModel") == "SOURCE":
        source = str((resolution or {}).get("SourceName"))
        fed = [p for p in by_recency if source in p.field_sources.values()]
        # "If two duplicate profiles are from the same source, then RECENCY is used
        # again": the most recently updated of those the source fed.
        if fed:
            return fed[0]
    return by_recency[0]


def merge_group(domain: Domain, ids: tuple[str, ...], resolution: dict[str, Any] | None) -> int:
    """Merge one match's profiles into one; returns how many were merged away."""
    profiles = [domain.profiles[i] for i in ids if i in domain.profiles]
    if len(profiles) < 2:
        return 0
    main = _main_for(profiles, resolution)
    others = [p for p in profiles if p is not main]
    merge_into(domain, main, others, merged_fields(main, others, {}, {}), PERFORMED_BY)
    return len(others)


def _auto_merge_rules(domain: Domain) -> None:
    """Merge the matches made since the last call (a merge's own writes may make more)."""
    config = _rule_config(domain)
    level = (config or {}).get("MaxAllowedRuleLevelForMerging")
    if not level or config is None or domain.rule_based_matching_status() != "ACTIVE":
        return
    index = _rule_index(domain, config)
    while index.changed:
        for match in index.take_changed():
            current = index.match_of(match.profile_ids[0])
            if match.level <= level and current == match:
                merge_group(domain, match.profile_ids, config.get("ConflictResolution"))
        index.catch_up(domain.profiles)


def next_run(schedule: dict[str, Any] | None, after: datetime) -> datetime:
    """The first JobSchedule time strictly after ``after`` (default Saturday 00:00 UTC)."""
    day = DAYS.index((schedule or {}).get("DayOfTheWeek", "SATURDAY"))
    hour, minute = (int(p) for p in (schedule or {}).get("Time", "00:00").split(":"))
    base = after.astimezone(timezone.utc)
    candidate = base.replace(hour=hour, minute=minute, second=0, microsecond=0)
    candidate += timedelta(days=(day - candidate.weekday()) % 7)
    while candidate <= base:
        candidate += timedelta(days=7)
    return candidate


def _finish(domain: Domain, job: Job, matching: dict[str, Any]) -> None:
    """Score the domain, merge what AutoMerging allows, export: a job's work."""
    state = _state(domain)
    reviewed = len(domain.profiles)
    matches = similar_profiles(domain.store.ordered_profiles(domain.profiles))
    merged = 0
    auto = matching.get("AutoMerging") or {}
    if auto.get("Enabled"):
        minimum = auto.get("MinAllowedConfidenceScoreForMerging", 0.0)
        criteria = (auto.get("Consolidation") or {}).get("MatchingAttributesList") or []
        for match in matches:
            group = [domain.profiles[i] for i in match.profile_ids if i in domain.profiles]
            if match.confidence >= minimum and consolidates(group, criteria):
                merged += merge_group(domain, match.profile_ids, auto.get("ConflictResolution"))
    state.matches, state.generated_at = matches, job.end
    state.match_of = {pid: m for m in matches for pid in m.profile_ids}
    state.by_match_id = sorted(matches, key=lambda m: m.match_id)
    state.match_ids = [m.match_id for m in state.by_match_id]
    job.stats = {
        "NumberOfProfilesReviewed": reviewed,
        "NumberOfMatchesFound": len(matches),
        "NumberOfMergesDone": merged,
    }
    export = (matching.get("ExportingConfig") or {}).get("S3Exporting")
    if export and domain.sink is not None:
        key = f"{export.get('S3KeyName', 'identity-resolution').rstrip('/')}/{job.id}.jsonl"
        body = "".join(
            json.dumps(
                {
                    "MatchId": m.match_id,
                    "ProfileIds": list(m.profile_ids),
                    "ConfidenceScore": m.confidence,
                }
            )
            + "\n"
            for m in matches
        ).encode()
        try:
            effects.put_s3_object(
                domain.sink[0], domain.sink[1], f"s3://{export['S3BucketName']}/{key}", body
            )
        except effects.DeliveryError as error:
            job.partial, job.message = True, str(error)
        else:
            job.exporting = {
                "S3Exporting": {"S3BucketName": export["S3BucketName"], "S3KeyName": key}
            }


def _run_jobs(domain: Domain) -> None:
    matching = domain.matching
    state = domain.state.get(STATE)
    if not matching or not matching.get("Enabled"):
        if state is not None:  # disabling matching drops the jobs that have not started
            for job_id in [j for j, job in state.jobs.items() if job.status() == "PENDING"]:
                del state.jobs[job_id]
        return
    state = _state(domain)
    stamp = now()
    for _ in range(52):  # at most a year of missed weekly runs per access
        pending = [j for j in state.jobs.values() if j.stats is None]
        if pending:
            job = pending[0]
            if stamp < job.end:
                if job.status() != "COMPLETED":
                    return
                # started and finished now, through moto's state manager; the next
                # job keeps the weekly schedule
                job.scheduled, job.start, job.ended = job.start, min(job.start, stamp), stamp
            _finish(domain, job, matching)
            continue
        last = max(
            (j.scheduled or j.start for j in state.jobs.values()), default=domain.last_updated_at
        )
        job_id = new_id()
        state.jobs[job_id] = Job(
            id=job_id,
            start=next_run(matching.get("JobSchedule"), last),
            auto_merging=matching.get("AutoMerging"),
            # scheduled when the previous job ended, or when matching was configured
            created=min(
                stamp,
                max((j.end for j in state.jobs.values()), default=domain.last_updated_at),
            ),
        )


@events.on_tick
def _identity_tick(domain: Domain) -> None:
    if domain.matching or domain.rule_based_matching:
        _auto_merge_rules(domain)
        _run_jobs(domain)


class IdentityResolutionMixin(CoreBackend):
    def _profile_by_key(self, domain: Domain, key: str, value: str) -> Profile:
        ids = domain.store.find(key, value)
        if not ids:
            raise ResourceNotFoundException(f"No profile has {key} {value}.")
        return domain.store.ordered_profiles(ids)[0]

    def get_similar_profiles(
        self,
        domain_name: str,
        match_type: str,
        search_key: str,
        search_value: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        profile = self._profile_by_key(domain, search_key, search_value)
        found: dict[str, Any] = {"MatchType": match_type, "ProfileIds": []}
        if match_type == "RULE_BASED_MATCHING":
            if _rule_config(domain) is None:
                raise BadRequestException(
                    f"Rule-based matching is not enabled on domain {domain_name}"
                )
            match = rule_match_of(domain, profile.profile_id)
            if match is not None:
                found.update(
                    MatchId=match.match_id,
                    RuleLevel=match.level,
                    ProfileIds=list(match.profile_ids),
                )
        else:
            self._require_matching(domain)
            scored = _state(domain).match_of.get(profile.profile_id)
            if scored is not None:
                found.update(
                    MatchId=scored.match_id,
                    ConfidenceScore=scored.confidence,
                    ProfileIds=list(scored.profile_ids),
                )
        page, token = paginate(found["ProfileIds"], str, next_token, max_results)
        return {**found, "ProfileIds": page, "NextToken": token}

    def list_rule_based_matches(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if _rule_config(domain) is None:
            raise BadRequestException(f"Rule-based matching is not enabled on domain {domain_name}")
        config = _rule_config(domain)
        ids: list[str] = []
        if config is not None and domain.rule_based_matching_status() == "ACTIVE":
            ids = _rule_index(domain, config).ids
        page, token = paginate_sorted(ids, ids, next_token, max_results)
        return {"MatchIds": page, "NextToken": token}

    @staticmethod
    def _require_matching(domain: Domain) -> None:
        if not (domain.matching or {}).get("Enabled"):
            raise BadRequestException(
                f"Identity resolution (Matching) is not enabled on domain {domain.name}"
            )

    def get_matches(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        self._require_matching(domain)
        state = _state(domain)
        page, token = paginate_sorted(state.by_match_id, state.match_ids, next_token, max_results)
        return {
            "MatchGenerationDate": state.generated_at,
            "PotentialMatches": len(state.matches),
            "Matches": [
                {
                    "MatchId": m.match_id,
                    "ProfileIds": list(m.profile_ids),
                    "ConfidenceScore": m.confidence,
                }
                for m in page
            ],
            "NextToken": token,
        }

    def get_auto_merging_preview(
        self,
        domain_name: str,
        consolidation: dict[str, Any],
        conflict_resolution: dict[str, Any],
        min_allowed_confidence_score_for_merging: float | None = None,
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        if conflict_resolution[
            "ConflictResolvingModel"
        ] == "SOURCE" and not conflict_resolution.get("SourceName"):
            raise BadRequestException("ConflictResolution SOURCE needs a SourceName")
        # A dry run over the existing matching results (the last job's), not a new scoring.
        matches = [
            m for m in _state(domain).matches if all(i in domain.profiles for i in m.profile_ids)
        ]
        minimum = min_allowed_confidence_score_for_merging or 0.0
        criteria = consolidation["MatchingAttributesList"]
        merging = [
            m
            for m in matches
            if m.confidence >= minimum
            and consolidates([domain.profiles[i] for i in m.profile_ids], criteria)
        ]
        return {
            "DomainName": domain_name,
            "NumberOfMatchesInSample": len(matches),
            "NumberOfProfilesInSample": sum(len(m.profile_ids) for m in matches),
            "NumberOfProfilesWillBeMerged": sum(len(m.profile_ids) - 1 for m in merging),
        }

    def list_identity_resolution_jobs(
        self, domain_name: str, next_token: str | None = None, max_results: int | None = None
    ) -> dict[str, Any]:
        domain = self.domain(domain_name)
        jobs = list(domain.state.get(STATE, IdentityState()).jobs.values())
        page, token = paginate(
            jobs, lambda j: (-j.start.timestamp(), j.id), next_token, max_results
        )
        keep = (
            "DomainName",
            "JobId",
            "Status",
            "JobStartTime",
            "JobEndTime",
            "JobStats",
            "ExportingLocation",
            "Message",
        )
        return {
            "IdentityResolutionJobsList": [
                {k: v for k, v in j.describe(domain_name).items() if k in keep} for j in page
            ],
            "NextToken": token,
        }

    def get_identity_resolution_job(self, domain_name: str, job_id: str) -> dict[str, Any]:
        domain = self.domain(domain_name)
        job = domain.state.get(STATE, IdentityState()).jobs.get(job_id)
        if job is None:
            raise ResourceNotFoundException(
                f"Identity resolution job {job_id} does not exist in domain {domain_name}."
            )
        return job.describe(domain_name)  # type: ignore[no-any-return]

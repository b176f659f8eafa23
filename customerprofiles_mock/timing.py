"""How long the mock's background work takes, on the mock's clock (freezegun moves it).

Every job-like resource (calculated-attribute back-fills, segment estimates and
snapshots, subscriptions, and the families that follow) reads its status from one of
these schedules, so all durations live here. ``SPEED`` scales them all: tests that poll
in real time can set ``customerprofiles_mock.timing.SPEED = 0`` to finish every job at
once, and tests under ``freeze_time`` move the clock past the durations below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .clock import now

#: Multiplies every duration below (0 makes every job finish as soon as it starts).
SPEED = 1.0

#: moto's state manager, as ``model name -> transition`` (set by moto_bridge): a model
#: whose transition a user set (``/moto-api/state-manager/set-transition``) follows it;
#: otherwise ``None`` comes back and the schedule runs on the mock's clock.
transition_of: Callable[[str], dict[str, Any] | None] | None = None
#: Calls answered so far (the dispatcher counts them): under a "manual" transition a
#: job's status moves on calls that read it, however often one call reads it.
calls = 0
#: (model, started) -> (calls that read the status, the last call that did)
_reads: dict[tuple[str, datetime], tuple[int, int]] = {}


@dataclass(frozen=True)
class Schedule:
    """Statuses that last the given seconds each, then a final one.

    ``model`` is the name moto's state manager knows the schedule by
    (``customerprofiles::<model>``): "immediate" answers the final status at once,
    "manual" moves one status on every ``times`` reads, "time" lasts ``seconds`` per
    status instead of the durations below.
    """

    steps: tuple[tuple[str, float], ...]
    final: str
    model: str = ""

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.steps) * SPEED

    def forced(self, started: datetime) -> tuple[str, int] | None:
        """The status moto's state manager gives a job started at ``started``, if any."""
        if transition_of is None or not self.model:
            return None
        transition = transition_of(f"customerprofiles::{self.model}")
        if not transition:
            return None
        statuses = [name for name, _ in self.steps] + [self.final]
        progression = transition.get("progression")
        if progression == "immediate":
            return self.final, 100
        if progression == "manual":
            key = (self.model, started)
            reads, last = _reads.get(key, (0, -1))
            if last != calls:
                reads += 1
                _reads[key] = (reads, calls)
            reads -= 1
            step = min(reads // max(int(transition.get("times", 1)), 1), len(statuses) - 1)
        elif progression == "time":
            seconds = float(transition.get("seconds", 1)) or 1.0
            elapsed = (now() - started).total_seconds()
            step = min(int(max(elapsed, 0) // seconds), len(statuses) - 1)
        else:
            return None
        return statuses[step], 100 if step == len(statuses) - 1 else 100 * step // len(statuses)

    def status(self, started: datetime, at: datetime | None = None) -> tuple[str, int]:
        """The status at ``at`` (default: now) and the whole job's progress in percent."""
        if at is None and (found := self.forced(started)) is not None:
            return found
        elapsed = ((at or now()) - started).total_seconds()
        total = self.total
        passed = 0.0
        for name, seconds in self.steps:
            passed += seconds * SPEED
            if elapsed < passed:
                return name, min(99, int(100 * max(elapsed, 0) / total)) if total else 0
        return self.final, 100


CALCULATED_ATTRIBUTE_BACKFILL = Schedule(
    (("PREPARING", 5), ("IN_PROGRESS", 55)), "COMPLETED", "calculated-attribute"
)
SEGMENT_ESTIMATE = Schedule((("RUNNING", 2),), "SUCCEEDED", "segment-estimate")
SEGMENT_SNAPSHOT = Schedule((("IN_PROGRESS", 2),), "COMPLETED", "segment-snapshot")
SEGMENT_SUBSCRIPTION = Schedule((("STARTING", 2),), "RUNNING", "segment-subscription")
#: An integration workflow waits, then runs one step per batch.
WORKFLOW_START = Schedule((("NOT_STARTED", 2),), "IN_PROGRESS")
WORKFLOW_STEP = Schedule((("IN_PROGRESS", 2),), "COMPLETE")
#: A started upload job ingests its file, then reports its result.
UPLOAD_JOB = Schedule((("IN_PROGRESS", 2),), "DONE", "upload-job")
#: A weekly identity resolution job, from its scheduled start.
IDENTITY_RESOLUTION_JOB = Schedule(
    (("PREPROCESSING", 60), ("FIND_MATCHING", 60), ("MERGING", 60)),
    "COMPLETED",
    "identity-resolution-job",
)
#: Recommenders: training after creation, stopping, starting, deleting, retraining.
RECOMMENDER_CREATE = Schedule((("PENDING", 2), ("IN_PROGRESS", 4)), "ACTIVE", "recommender")
RECOMMENDER_STOP = Schedule((("STOPPING", 2),), "INACTIVE", "recommender")
RECOMMENDER_START = Schedule((("STARTING", 2),), "ACTIVE", "recommender")
RECOMMENDER_DELETE = Schedule((("DELETING", 2),), "DELETED", "recommender")
RECOMMENDER_UPDATE = Schedule((("IN_PROGRESS", 3),), "ACTIVE", "recommender")
#: Domain statuses. The clock durations live in models/domains.py (they do not scale
#: with SPEED); these name the statuses for moto's state manager.
RULE_BASED_MATCHING = Schedule(
    (("PENDING", 3600), ("IN_PROGRESS", 600)), "ACTIVE", "rule-based-matching"
)
DATA_STORE = Schedule((("PREPARING", 600),), "READY", "data-store")
RECOMMENDER_FILTER = Schedule((("PENDING", 1),), "ACTIVE", "recommender-filter")


#: Every model name the schedules use, for moto's state manager.
MODELS = sorted(
    {
        schedule.model
        for schedule in globals().values()
        if isinstance(schedule, Schedule) and schedule.model
    }
)


def follow_state_manager(manager: Any) -> None:
    """Register every schedule with moto's state manager and follow what users set there.

    Each model gets a default transition of its own; while that default is in force
    the schedule runs on the mock's clock, and a transition set through
    ``state_manager.set_transition`` or ``/moto-api/state-manager/set-transition``
    takes over.
    """
    global transition_of
    defaults: dict[str, dict[str, Any]] = {}
    for model in MODELS:
        name = f"customerprofiles::{model}"
        defaults[name] = {"progression": "time", "seconds": 1, "customerprofiles": "clock"}
        manager.register_default_transition(name, defaults[name])

    def follow(name: str) -> dict[str, Any] | None:
        found: dict[str, Any] = manager.get_transition(name)
        return None if found is defaults.get(name) else found

    transition_of = follow

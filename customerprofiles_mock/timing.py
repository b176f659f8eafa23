"""How long the mock's background work takes, on the mock's clock (freezegun moves it).

Every job-like resource (calculated-attribute back-fills, segment estimates and
snapshots, subscriptions, and the families that follow) reads its status from one of
these schedules, so all durations live here. ``SPEED`` scales them all: tests that poll
in real time can set ``customerprofiles_mock.timing.SPEED = 0`` to finish every job at
once, and tests under ``freeze_time`` move the clock past the durations below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .clock import now

#: Multiplies every duration below (0 makes every job finish as soon as it starts).
SPEED = 1.0


@dataclass(frozen=True)
class Schedule:
    """Statuses that last the given seconds each, then a final one."""

    steps: tuple[tuple[str, float], ...]
    final: str

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.steps) * SPEED

    def status(self, started: datetime, at: datetime | None = None) -> tuple[str, int]:
        """The status at ``at`` (default: now) and the whole job's progress in percent."""
        elapsed = ((at or now()) - started).total_seconds()
        total = self.total
        passed = 0.0
        for name, seconds in self.steps:
            passed += seconds * SPEED
            if elapsed < passed:
                return name, min(99, int(100 * max(elapsed, 0) / total)) if total else 0
        return self.final, 100


CALCULATED_ATTRIBUTE_BACKFILL = Schedule((("PREPARING", 5), ("IN_PROGRESS", 55)), "COMPLETED")
SEGMENT_ESTIMATE = Schedule((("RUNNING", 2),), "SUCCEEDED")
SEGMENT_SNAPSHOT = Schedule((("IN_PROGRESS", 2),), "COMPLETED")
SEGMENT_SUBSCRIPTION = Schedule((("STARTING", 2),), "RUNNING")
#: An integration workflow waits, then runs one step per batch.
WORKFLOW_START = Schedule((("NOT_STARTED", 2),), "IN_PROGRESS")
WORKFLOW_STEP = Schedule((("IN_PROGRESS", 2),), "COMPLETE")
#: A started upload job ingests its file, then reports its result.
UPLOAD_JOB = Schedule((("IN_PROGRESS", 2),), "DONE")
#: A weekly identity resolution job, from its scheduled start.
IDENTITY_RESOLUTION_JOB = Schedule(
    (("PREPROCESSING", 60), ("FIND_MATCHING", 60), ("MERGING", 60)), "COMPLETED"
)
#: Recommenders: training after creation, stopping, starting, deleting, retraining.
RECOMMENDER_CREATE = Schedule((("PENDING", 2), ("IN_PROGRESS", 4)), "ACTIVE")
RECOMMENDER_STOP = Schedule((("STOPPING", 2),), "INACTIVE")
RECOMMENDER_START = Schedule((("STARTING", 2),), "ACTIVE")
RECOMMENDER_DELETE = Schedule((("DELETING", 2),), "DELETED")
RECOMMENDER_UPDATE = Schedule((("IN_PROGRESS", 3),), "ACTIVE")
RECOMMENDER_FILTER = Schedule((("PENDING", 1),), "ACTIVE")

"""The expiry schedule (``models/expiry.py``) against a plain model: after any sequence
of expiry writes, removals and clock moves, what comes due is exactly the records whose
expiry has passed, each once; a rolled-back call leaves the schedule as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customerprofiles_mock.models import journal
from customerprofiles_mock.models.expiry import Bucket, Schedule

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


@dataclass(eq=False)
class Record:
    name: str
    expires_at: datetime | None = None
    scheduled: Bucket | None = field(default=None, repr=False)


step = st.one_of(
    # (record, expiry in ms from now or None): a write setting the record's expiry
    st.tuples(st.just("write"), st.integers(0, 5), st.none() | st.integers(1, 4000)),
    st.tuples(st.just("remove"), st.integers(0, 5), st.none()),
    # the clock moves by some ms (backwards too: freezegun can)
    st.tuples(st.just("tick"), st.integers(-500, 3000), st.none()),
    # a call that writes, expires, then fails
    st.tuples(st.just("rollback"), st.integers(0, 5), st.integers(1, 4000)),
)


class World:
    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.schedule = Schedule(self.records.get)
        self.now = START

    def write(self, name: str, delay: int | None) -> None:
        record = self.records.setdefault(name, Record(name))
        record.expires_at = None if delay is None else self.now + timedelta(milliseconds=delay)
        if record.expires_at is not None and self.schedule.sooner(record, record.expires_at):
            self.schedule.put(record, name, record.expires_at, len(self.records))

    def expire(self) -> list[str]:
        gone = self.schedule.due(self.now)
        for record in gone:
            del self.records[record.name]
        return sorted(r.name for r in gone)

    def snapshot(self) -> Any:
        buckets = {k: list(v) for k, v in self.schedule.buckets.items()}
        owners = {n: (r.expires_at, id(r.scheduled)) for n, r in self.records.items()}
        return buckets, sorted(set(self.schedule._due)), len(self.schedule), owners


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=60))
def test_due_records_are_exactly_the_expired_ones(steps: list[Any]) -> None:
    world = World()
    for kind, number, value in steps:
        name = f"r{number}"
        if kind == "write":
            world.write(name, value)
        elif kind == "remove":
            world.records.pop(name, None)
        elif kind == "tick":
            world.now += timedelta(milliseconds=number)
        else:
            before = world.snapshot()
            kept = {n: (r, r.expires_at) for n, r in world.records.items()}
            with pytest.raises(RuntimeError), journal.transaction():
                world.write(name, value)
                world.now += timedelta(milliseconds=value)
                world.schedule.due(world.now)
                raise RuntimeError("the call fails")
            world.now -= timedelta(milliseconds=value)
            world.records.clear()  # what the store's own journal puts back
            for n, (record, expires_at) in kept.items():
                record.expires_at = expires_at
                world.records[n] = record
            assert world.snapshot() == before
            continue
        expected = sorted(
            n for n, r in world.records.items() if r.expires_at and r.expires_at <= world.now
        )
        assert world.expire() == expected
    # whatever is left expires once its time comes, and the schedule empties
    world.now += timedelta(days=1)
    left = sorted(n for n, r in world.records.items() if r.expires_at is not None)
    assert world.expire() == left
    assert world.schedule.due(world.now) == []
    assert not world.schedule.buckets


def test_compaction_keeps_the_schedule_as_large_as_what_is_live() -> None:
    world = World()
    for n in range(5000):  # each record written once, then removed: all entries stale
        world.write(f"r{n}", 60_000 + n)
        world.records.pop(f"r{n}")
    world.write("kept", 1000)
    assert len(world.schedule) <= 1024 + 2
    world.now += timedelta(days=1)
    assert world.expire() == ["kept"]

"""When profiles and objects expire: a schedule of one-second buckets.

Every profile and object has an expiry, so the schedule holds about as many entries as
the domain holds records. A heap of ``(when, tiebreak, kind, id)`` tuples cost ~110
bytes an entry (issue 15); here an entry is the record's id in its second's bucket (8
bytes), and the record points at its bucket (``scheduled``), which both says which of
its entries is live and when that entry falls due. Whole buckets come due together,
and each record in one is checked against its exact ``expires_at``.

An entry serves until it falls due: a write that pushes the expiry later moves nothing
(the entry re-schedules the record when it comes up), so replacing writes add nothing.
Entries of removed records stay until their bucket comes up or the schedule compacts.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from . import journal


class Scheduled(Protocol):
    """A profile or an object: what the schedule needs of a record."""

    scheduled: Bucket | None

    @property
    def expires_at(self) -> datetime | None: ...


class Bucket(list[str]):
    """The ids of the records falling due within one second."""

    __slots__ = ("second",)

    def __init__(self, second: int) -> None:
        super().__init__()
        self.second = second


def second_of(when: datetime) -> int:
    return math.floor(when.timestamp())


@dataclass
class Schedule:
    """One kind of record (profiles, or objects) by the second their expiry falls in."""

    #: looks a record up by id: None once it is gone
    lookup: Callable[[str], Any] = field(repr=False, compare=False)
    #: second -> its bucket
    buckets: dict[int, Bucket] = field(default_factory=dict)
    #: seconds that have a bucket, a heap (a second may repeat: its bucket then is gone)
    _due: list[int] = field(default_factory=list)
    #: entries held, live or not (compaction keeps it near the live ones)
    _size: int = 0
    #: the partly due first bucket and the time it was checked at, so that a frozen
    #: clock does not re-read it on every call
    _checked: tuple[Bucket, datetime] | None = None

    def __len__(self) -> int:
        return self._size

    def pending(self) -> bool:
        """Whether any second still has a bucket to look at."""
        return bool(self._due)

    def put(self, record: Scheduled, ident: str, when: datetime, live: int) -> None:
        """Schedule ``record`` (id ``ident``) to be looked at when ``when`` comes."""
        if self._size > 1024 + 2 * live:
            self._compact()
        second = second_of(when)
        bucket = self.buckets.get(second)
        created = bucket is None
        if bucket is None:
            bucket = self.buckets[second] = Bucket(second)
            heapq.heappush(self._due, second)
        bucket.append(ident)
        self._size += 1
        if self._checked is not None and self._checked[0] is bucket:
            self._checked = None
        previous = record.scheduled
        record.scheduled = bucket
        journal.record(functools.partial(self._unput, record, previous, bucket, created))

    def _unput(
        self, record: Scheduled, previous: Bucket | None, bucket: Bucket, created: bool
    ) -> None:
        bucket.pop()  # undone in reverse order: the entry is the bucket's last
        self._size -= 1
        record.scheduled = previous
        if created and not bucket and self.buckets.get(bucket.second) is bucket:
            del self.buckets[bucket.second]
            self._due.remove(bucket.second)
            heapq.heapify(self._due)

    def sooner(self, record: Scheduled, when: datetime) -> bool:
        """Whether an expiry at ``when`` needs an entry before the record's current one."""
        bucket = record.scheduled
        return bucket is None or second_of(when) < bucket.second

    def unset(self, record: Scheduled) -> None:
        previous = record.scheduled
        record.scheduled = None
        journal.record(functools.partial(setattr, record, "scheduled", previous))

    def due(self, stamp: datetime) -> list[Any]:
        """Take out every record whose expiry has come by ``stamp``; a record whose expiry
        moved later is scheduled again instead. The caller removes what it gets."""
        expired: list[Any] = []
        if not self._due:
            return expired
        now_second = second_of(stamp)
        while self._due and self._due[0] <= now_second:
            second = self._due[0]
            bucket = self.buckets.get(second)
            if bucket is None:  # a second whose bucket was emptied and dropped
                heapq.heappop(self._due)
                journal.record(functools.partial(heapq.heappush, self._due, second))
                continue
            checked = self._checked
            if checked is not None and checked[0] is bucket and checked[1] == stamp:
                break
            waiting = self._take(bucket, stamp, expired)
            if waiting:
                self._checked = (bucket, stamp)
                break  # the rest of this second is still ahead
            heapq.heappop(self._due)
            del self.buckets[second]
            journal.record(functools.partial(self._restore, bucket))
        return expired

    def _take(self, bucket: Bucket, stamp: datetime, expired: list[Any]) -> list[str]:
        """Sort one due bucket's entries: expired records out, later ones re-scheduled;
        returns the ids due later in this same second (they stay)."""
        entries = list(bucket)
        waiting: list[str] = []
        seen: set[str] = set()
        for ident in entries:
            record = self.lookup(ident)
            if record is None or record.scheduled is not bucket or ident in seen:
                continue  # removed, scheduled elsewhere since, or a removed one's twin
            seen.add(ident)
            expires_at = record.expires_at
            if expires_at is None:
                self.unset(record)
            elif expires_at <= stamp:
                expired.append(record)
            elif second_of(expires_at) == bucket.second:
                waiting.append(ident)
            else:
                # written since: due later (a ``live`` that never compacts mid-bucket)
                self.put(record, ident, expires_at, self._size)
        self._size -= len(entries) - len(waiting)
        bucket[:] = waiting
        journal.record(functools.partial(self._refill, bucket, entries, len(waiting)))
        return waiting

    def _refill(self, bucket: Bucket, entries: list[str], kept: int) -> None:
        bucket[:] = entries
        self._size += len(entries) - kept
        self._checked = None

    def _restore(self, bucket: Bucket) -> None:
        self.buckets[bucket.second] = bucket
        heapq.heappush(self._due, bucket.second)
        self._checked = None

    def _compact(self) -> None:
        """Drop the entries of removed records and of records scheduled elsewhere, so the
        schedule stays as large as what can still expire."""
        before = {second: list(bucket) for second, bucket in self.buckets.items()}
        size = self._size
        kept = 0
        for bucket in self.buckets.values():
            live = [i for i in bucket if getattr(self.lookup(i), "scheduled", None) is bucket]
            bucket[:] = live
            kept += len(live)
        self._size = kept
        journal.record(functools.partial(self._uncompact, before, size))

    def _uncompact(self, before: dict[int, list[str]], size: int) -> None:
        for second, entries in before.items():
            self.buckets[second][:] = entries
        self._size = size

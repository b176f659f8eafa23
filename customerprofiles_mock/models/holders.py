"""The profiles holding one key value, and a search page read from them in creation order.

Most key values have one holder, kept as the bare profile id. A value several profiles
share is a :class:`Crowd`: a set, plus the holders in creation order once a search has
asked for it, kept in step with every later change. A page then starts by bisection after
the token's creation order and reads no further than its own size, however many profiles
share the value (issue 15: a page costs the same at 100,000 profiles as at 100).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator

#: A holder in creation order: (Profile.seq, profile id).
Entry = tuple[int, str]


class Crowd(set[str]):
    """The ids of the profiles holding one key value, when there are several."""

    __slots__ = ("order",)

    def __init__(self, ids: Iterable[str]) -> None:
        super().__init__(ids)
        #: (seq, id) of every holder, sorted; None until a search asks for it
        self.order: list[Entry] | None = None

    def join(self, profile_id: str, seq: int | None) -> None:
        if profile_id in self:
            return
        self.add(profile_id)
        if self.order is not None:
            if seq is None:
                self.order = None  # rebuilt by the next search that asks
            else:
                bisect.insort(self.order, (seq, profile_id))

    def leave(self, profile_id: str, seq: int | None) -> None:
        if profile_id not in self:
            return
        self.discard(profile_id)
        if self.order is None:
            return
        if seq is not None:
            at = bisect.bisect_left(self.order, (seq, profile_id))
            if at < len(self.order) and self.order[at] == (seq, profile_id):
                del self.order[at]
                return
        self.order = None

    def ordered(self, seq_of: Callable[[str], int]) -> list[Entry]:
        if self.order is None:
            self.order = sorted((seq_of(pid), pid) for pid in self)
        return self.order


Held = str | Crowd


def held_by(held: Held | None, profile_id: str) -> bool:
    if held is None:
        return False
    return held == profile_id if isinstance(held, str) else profile_id in held


def ordered(held: Held | None, seq_of: Callable[[str], int | None], after: int) -> Iterator[Entry]:
    """The holders created after ``after`` (a creation order), in creation order, read
    lazily from the bisection point (a slice would copy the rest of the crowd)."""
    if held is None:
        return iter(())
    if isinstance(held, str):
        seq = seq_of(held)
        return iter([(seq, held)] if seq is not None and seq > after else [])
    order = held.ordered(lambda pid: seq_of(pid) or 0)
    return (order[i] for i in range(bisect.bisect_left(order, (after + 1,)), len(order)))


def _distinct(entries: Iterable[Entry]) -> Iterator[Entry]:
    last: Entry | None = None
    for entry in entries:
        if entry != last:
            yield entry
            last = entry


def first_matches(
    keys: list[list[Held | None]],
    seq_of: Callable[[str], int | None],
    after: int,
    wanted: int,
    every_key: bool,
) -> list[Entry]:
    """The first ``wanted`` profiles, in creation order after ``after``, that hold a value
    of any key (``every_key`` False) or of every key (True).

    ``keys`` lists, per searched key, what its searched values hold. An OR search merges
    the ordered holders lazily; an AND search walks the key with the fewest holders and
    keeps those that every other key holds too.
    """

    def stream(values: list[Held | None]) -> Iterator[Entry]:
        return _distinct(heapq.merge(*(ordered(held, seq_of, after) for held in values)))

    if not every_key:
        merged = _distinct(heapq.merge(*(stream(values) for values in keys)))
        return list(itertools.islice(merged, wanted))

    def size(values: list[Held | None]) -> int:
        return sum(1 if isinstance(h, str) else len(h) for h in values if h is not None)

    walk = min(range(len(keys)), key=lambda k: size(keys[k]))
    others = [values for k, values in enumerate(keys) if k != walk]
    found: list[Entry] = []
    for entry in stream(keys[walk]):
        if all(any(held_by(h, entry[1]) for h in values) for values in others):
            found.append(entry)
            if len(found) == wanted:
                break
    return found

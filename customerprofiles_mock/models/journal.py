"""One call's undo log: a call that fails, wherever it fails, changes nothing.

The dispatcher runs every operation inside :func:`transaction`. While one is open, the
profile store records how to undo each raw change it makes (a profile's fields, keys and
objects as they were the first time the call touched it; entries of the store's maps),
and every change it publishes. When the call raises, the raw state is restored first,
then the inverse of each published change goes, newest first and with reason
``ROLLBACK``, to each family that had taken the change: the families' derived state
(calculated attributes, insights, segment membership, matching caches) follows its own
subscription back to where it was, and families that write to other services send
nothing for it. Effects already kept in the outbox are taken back too; what a failed
call had already written to moto's services stays there (see docs/behaviour.md).

The cost is paid by writes only: a read touches nothing and records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: ``Change.reason`` of the inverse changes a rollback publishes.
ROLLBACK = "ROLLBACK"

log = logging.getLogger(__name__)


class Journal:
    def __init__(self) -> None:
        self.undo: list[Callable[[], object]] = []
        #: (domain, change, the subscribers that took it) in publication order
        self.changes: list[tuple[Any, Any, list[Any]]] = []
        self.touched: set[int] = set()

    def first_touch(self, thing: object) -> bool:
        """True the first time ``thing`` is touched in this call."""
        if id(thing) in self.touched:
            return False
        self.touched.add(id(thing))
        return True


_active: ContextVar[Journal | None] = ContextVar("customerprofiles_journal", default=None)


def current() -> Journal | None:
    return _active.get()


def record(undo: Callable[[], object]) -> None:
    """Remember how to take back one raw change (nothing when no call is open)."""
    found = _active.get()
    if found is not None:
        found.undo.append(undo)


def published(domain: Any, change: Any) -> list[Any] | None:
    """Log a change being published; the caller adds each subscriber that took it."""
    found = _active.get()
    if found is None:
        return None
    done: list[Any] = []
    found.changes.append((domain, change, done))
    return done


@contextmanager
def transaction() -> Iterator[None]:
    """Open a call's journal; on an exception, take everything back and re-raise."""
    if _active.get() is not None:  # nested: the outer call owns the journal
        yield
        return
    journal = Journal()
    token = _active.set(journal)
    try:
        yield
    except BaseException:
        _active.set(None)  # what the rollback does is not journaled itself
        _rollback(journal)
        raise
    finally:
        _active.reset(token)


def _rollback(journal: Journal) -> None:
    from . import events

    for undo in reversed(journal.undo):
        try:
            undo()
        except Exception:  # keep going: every other piece still goes back
            log.exception("customerprofiles_mock: an undo step failed")
    for domain, change, done in reversed(journal.changes):
        domain.version += 1  # caches keyed on it must not take the old state for new
        back = events.inverse(change)
        for subscriber in reversed(done):  # only the families that took the change
            try:
                subscriber(domain, back)
            except Exception:
                log.exception("customerprofiles_mock: a family could not take back a change")

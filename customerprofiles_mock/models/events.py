"""One stream of domain changes, published by the profile store.

The store publishes what happened (a profile created, updated or removed; an object
added or removed) and never imports the families that react to it. Each family that
keeps derived state (calculated attributes, segment subscriptions, event streams,
triggers, matching, statistics) subscribes in its own module with :func:`subscribe`.
Subscribers run inside the call that made the change, under the backend's lock, after
the call validated everything: a failed call publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .domains import Domain
    from .store import ProfileObject

PROFILE_CREATED = "profile.created"
PROFILE_UPDATED = "profile.updated"
PROFILE_REMOVED = "profile.removed"
OBJECT_ADDED = "object.added"
OBJECT_REMOVED = "object.removed"


@dataclass(frozen=True)
class Change:
    kind: str
    profile_id: str | None
    obj: ProfileObject | None = None
    #: why a profile or object went: DELETED, MERGED, EXPIRED, REPLACED, TRIMMED
    reason: str | None = None
    #: the state of the profile before the change, for removals ({} when unknown)
    before: dict[str, Any] | None = None
    #: on a ROLLBACK change, the reason of the change it takes back (a family that
    #: ignored a MERGED move ignores its inverse too)
    undone: str | None = None


def inverse(change: Change) -> Change:
    """The change that takes ``change`` back, published when a failed call rolls back."""
    kind = {
        PROFILE_CREATED: PROFILE_REMOVED,
        PROFILE_REMOVED: PROFILE_CREATED,
        PROFILE_UPDATED: PROFILE_UPDATED,
        OBJECT_ADDED: OBJECT_REMOVED,
        OBJECT_REMOVED: OBJECT_ADDED,
    }[change.kind]
    return Change(
        kind, change.profile_id, change.obj, reason="ROLLBACK", before={}, undone=change.reason
    )


Subscriber = Callable[["Domain", Change], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    """Register a family's reaction to changes (usable as a decorator)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def publish(domain: Domain, change: Change) -> None:
    from . import journal

    done = journal.published(domain, change)
    for subscriber in _subscribers:
        subscriber(domain, change)
        if done is not None:  # a failed call gives it back to exactly these
            done.append(subscriber)


Ticker = Callable[["Domain"], None]
_tickers: list[Ticker] = []


def on_tick(ticker: Ticker) -> Ticker:
    """Register work that falls due on the mock's clock (schedules), checked on each access."""
    if ticker not in _tickers:
        _tickers.append(ticker)
    return ticker


def tick(domain: Domain) -> None:
    for ticker in _tickers:
        ticker(domain)

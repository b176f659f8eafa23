"""Rule-based matches kept current profile by profile (issue 15).

:func:`match_engine.rule_based_matches` groups the whole domain. This index gives the
same answer but, after a write, re-examines only the groups the written profiles were
or are in: a profile's key at each level is kept, so its old and new groups are known.

Why the greedy grouping can be kept this way: with ONE_TO_ONE attribute matching a
profile has at most one key per level, so the groups of one level are disjoint and a
group's match depends only on which of its members were claimed at lower levels. A
change is therefore replayed level by level: re-evaluate the touched groups of level 1;
every profile whose claim changed there touches its groups of the levels above; and so
on. MANY_TO_MANY gives a profile several keys per level, and then the order in which
groups claim members matters; such a configuration is regrouped whole on change.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from . import match_engine
from .match_engine import RuleMatch, _keys, rule_based_matches
from .store import Profile

Key = tuple[str, ...]


def _match_id(level: int, key: Key) -> str:
    return hashlib.sha256(repr((level, key)).encode()).hexdigest()[:32]


class RuleIndex:
    """The matches of one configuration over one domain's profiles."""

    def __init__(self, config: dict[str, Any], profiles: Iterable[Profile]) -> None:
        rules = [r["Rule"] for r in config.get("MatchingRules") or []]
        limit = config.get("MaxAllowedRuleLevelForMatching") or len(rules)
        self.rules: list[list[str]] = rules[:limit]
        self.selector: dict[str, Any] = config.get("AttributeTypesSelector") or {}
        self.exact = self.selector.get("AttributeMatchingModel") != "MANY_TO_MANY"
        self.config = config
        #: profile id -> its key at each level (None where it has none)
        self.keys: dict[str, list[Key | None]] = {}
        #: per level: key -> every profile with that key, claimed or not
        self.groups: list[dict[Key, set[str]]] = [defaultdict(set) for _ in self.rules]
        #: profile id -> (level, key) of the match that claimed it
        self.claims: dict[str, tuple[int, Key]] = {}
        #: per level: key -> how many of the group's profiles a lower level claimed, so
        #: a group too large to be a match is known without reading its members
        self.lower: list[dict[Key, int]] = [defaultdict(int) for _ in self.rules]
        self.matches: dict[tuple[int, Key], RuleMatch] = {}
        #: profiles written since the index last caught up
        self.dirty: set[str] = set()
        #: matches made or changed since :meth:`take_changed` was last called
        self.changed: set[tuple[int, Key]] = set()
        self._sorted: list[RuleMatch] | None = None
        #: every match id, sorted: ListRuleBasedMatches pages without sorting
        self.ids: list[str] = []
        self.dirty = {p.profile_id for p in profiles}

    def touch(self, profile_id: str) -> None:
        self.dirty.add(profile_id)

    # -- reading --------------------------------------------------------------------------

    def catch_up(self, profiles: dict[str, Profile]) -> None:
        """Apply the writes made since the last read."""
        if not self.dirty:
            return
        if not self.exact:
            self._regroup(profiles)
            return
        dirty, self.dirty = self.dirty, set()
        touched: list[set[Key]] = [set() for _ in self.rules]
        for profile_id in dirty:
            old = self.keys.pop(profile_id, None) or [None] * len(self.rules)
            profile = profiles.get(profile_id)
            new: list[Key | None] = [None] * len(self.rules)
            if profile is not None:
                for level, rule in enumerate(self.rules):
                    found = _keys(profile, rule, self.selector)
                    new[level] = found[0] if found else None
                self.keys[profile_id] = new
            for level in range(len(self.rules)):
                was, now = old[level], new[level]
                if was != now:
                    below = self._claimed_below(profile_id, level)
                    if was is not None:
                        group = self.groups[level][was]
                        group.discard(profile_id)
                        if not group:
                            del self.groups[level][was]
                        if below:
                            self._count_lower(level, was, -1)
                    if now is not None:
                        self.groups[level][now].add(profile_id)
                        if below:
                            self._count_lower(level, now, +1)
                for key in (old[level], new[level]):
                    if key is not None:
                        touched[level].add(key)
        for level in range(len(self.rules)):
            for key in touched[level]:
                for moved in self._evaluate(level, key):
                    self._touch_above(moved, level, touched)

    def _touch_above(self, profile_id: str, level: int, touched: list[set[Key]]) -> None:
        keys = self.keys.get(profile_id)
        if keys is None:
            return
        for higher in range(level + 1, len(self.rules)):
            if keys[higher] is not None:
                touched[higher].add(keys[higher])  # type: ignore[arg-type]

    def _claimed_below(self, profile_id: str, level: int) -> bool:
        claim = self.claims.get(profile_id)
        return claim is not None and claim[0] < level

    def _count_lower(self, level: int, key: Key, by: int) -> None:
        counts = self.lower[level]
        counts[key] += by
        if not counts[key]:
            del counts[key]

    def _claim(self, profile_id: str, where: tuple[int, Key] | None) -> None:
        """Set or clear a profile's claim, keeping the groups' lower-claim counts."""
        old = self.claims.pop(profile_id, None)
        if where is not None:
            self.claims[profile_id] = where
        keys = self.keys.get(profile_id)
        if keys is None:
            return
        for level in range(len(self.rules)):
            was = old is not None and old[0] < level
            now = where is not None and where[0] < level
            if was != now and keys[level] is not None:
                self._count_lower(level, keys[level], +1 if now else -1)  # type: ignore[arg-type]

    def _evaluate(self, level: int, key: Key) -> set[str]:
        """Re-decide one group; returns the profiles whose claim changed."""
        where = (level, key)
        group = self.groups[level].get(key, ())
        eligible = len(group) - self.lower[level].get(key, 0)
        members: set[str] = set()
        if 2 <= eligible <= match_engine.LOW_CARDINALITY:  # else no match: members unread
            members = {
                pid for pid in group if pid not in self.claims or self.claims[pid][0] >= level
            }
        had = self.matches.get(where)
        before = set(had.profile_ids) if had else set()
        after = members
        if before == after:
            return set()
        for pid in before - after:
            if self.claims.get(pid) == where:
                self._claim(pid, None)
        for pid in after:
            self._claim(pid, where)
        if after:
            match_id = _match_id(level + 1, key)
            if had is None:
                bisect.insort(self.ids, match_id)
            self.matches[where] = RuleMatch(match_id, level + 1, tuple(sorted(after)))
            self.changed.add(where)
        elif had is not None:
            del self.matches[where]
            del self.ids[bisect.bisect_left(self.ids, had.match_id)]
        self._sorted = None
        return before ^ after

    def _regroup(self, profiles: dict[str, Profile]) -> None:
        self.dirty = set()
        found = rule_based_matches(profiles.values(), self.config)
        old = self.matches
        # keyed so that sorting keeps the whole-domain order
        self.matches = {(m.level - 1, (f"{n:09d}",)): m for n, m in enumerate(found)}
        self.claims = {pid: where for where, m in self.matches.items() for pid in m.profile_ids}
        self.ids = sorted(m.match_id for m in found)
        known = set(old.values())
        self.changed |= {w for w, m in self.matches.items() if m not in known}
        self._sorted = None

    def ordered(self) -> list[RuleMatch]:
        """Matches lowest level first, then by group key: the whole-domain order."""
        if self._sorted is None:
            self._sorted = [self.matches[w] for w in sorted(self.matches)]
        return self._sorted

    def match_of(self, profile_id: str) -> RuleMatch | None:
        where = self.claims.get(profile_id)
        return self.matches.get(where) if where is not None else None

    def take_changed(self) -> list[RuleMatch]:
        """Matches made or changed since the last call, in order (for auto-merge)."""
        found = [self.matches[w] for w in sorted(self.changed) if w in self.matches]
        self.changed = set()
        return found

"""Identity resolution, deterministic: plain functions over profiles' fields.

Rule-based matching groups profiles level by level: at level *n* (the n-th MatchingRule)
two profiles match when every attribute of the rule is present and equal after
normalisation. A profile belongs to the match of the lowest level it shares with
another profile; a group shared by more than ``LOW_CARDINALITY`` profiles is skipped.

"ML" matching scores pairs instead: each pair found through a blocking key (same email,
same phone, same last name with the same first initial, same last name and postal
code) gets ``similarity`` in [0, 1], the weighted share of compared attributes that are
equal; pairs at or above ``MATCH_THRESHOLD`` are joined into matches. Nothing compares
every pair, so a job over many profiles stays fast.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .store import ADDRESS_FIELDS, EMAIL_FIELDS, PHONE_FIELDS, Profile

LOW_CARDINALITY = 500
MATCH_THRESHOLD = 0.5
#: Attribute weights of the similarity score.
WEIGHTS = {"name": 0.2, "email": 0.3, "phone": 0.3, "address": 0.1, "birth": 0.1}
#: AttributeTypesSelector defaults: the generic field of each kind.
DEFAULT_TYPES = {
    "PhoneNumber": ["PhoneNumber"],
    "EmailAddress": ["EmailAddress"],
    "Address": ["Address"],
}


def norm_text(value: str) -> str:
    return " ".join(value.split()).lower()


def norm_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _values(profile: Profile, attribute: str, selector: dict[str, Any]) -> list[str]:
    """A rule attribute's normalised values for one profile (several for MANY_TO_MANY)."""
    fields = profile.fields
    many = selector.get("AttributeMatchingModel") == "MANY_TO_MANY"
    head, _, rest = attribute.partition(".")
    if head == "Attributes":
        value = (fields.get("Attributes") or {}).get(rest)
        return [norm_text(value)] if value else []
    if head in ("PhoneNumber", "EmailAddress") or (head == "Address" and rest):
        kind = "Address" if head == "Address" else head
        types = selector.get(kind) or DEFAULT_TYPES[kind]
        found = []
        for name in types:
            value = fields.get(name)
            if kind == "Address":
                value = (value or {}).get("Address1" if rest == "Address" else rest)
            if value:
                found.append(norm_phone(value) if kind == "PhoneNumber" else norm_text(value))
                if not many:
                    break  # ONE_TO_ONE: the first type the profile has, in the listed order
        return found
    value = fields.get(head)
    return [norm_text(value)] if isinstance(value, str) and value else []


def _keys(profile: Profile, rule: list[str], selector: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every combination of the rule's attribute values this profile can match on."""
    combos: list[tuple[str, ...]] = [()]
    for attribute in rule:
        values = _values(profile, attribute, selector)
        if not values:
            return []
        combos = [(*c, v) for c in combos for v in values]
    return combos


@dataclass(frozen=True)
class RuleMatch:
    match_id: str
    level: int
    profile_ids: tuple[str, ...]


def rule_based_matches(profiles: Iterable[Profile], config: dict[str, Any]) -> list[RuleMatch]:
    """Matches by MatchingRules, lowest level first; each profile in at most one."""
    rules = [r["Rule"] for r in config.get("MatchingRules") or []]
    limit = config.get("MaxAllowedRuleLevelForMatching") or len(rules)
    selector = config.get("AttributeTypesSelector") or {}
    remaining = {p.profile_id: p for p in profiles}
    found: list[RuleMatch] = []
    for level, rule in enumerate(rules[:limit], 1):
        groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for profile_id, profile in remaining.items():
            for key in _keys(profile, rule, selector):
                groups[key].add(profile_id)
        claimed: set[str] = set()
        for key in sorted(groups):
            members = groups[key] - claimed
            if 2 <= len(members) <= LOW_CARDINALITY:
                digest = hashlib.sha256(repr((level, key)).encode()).hexdigest()[:32]
                found.append(RuleMatch(digest, level, tuple(sorted(members))))
                claimed |= members
        for profile_id in claimed:
            del remaining[profile_id]
    return found


# -- similarity ("ML") matching -----------------------------------------------------------
def _features(profile: Profile) -> dict[str, set[str]]:
    fields = profile.fields
    name = " ".join(
        norm_text(fields[n]) for n in ("FirstName", "LastName") if isinstance(fields.get(n), str)
    )
    addresses = {
        norm_text(f"{a.get('Address1', '')} {a.get('PostalCode', '')}")
        for n in ADDRESS_FIELDS
        if (a := fields.get(n)) and (a.get("Address1") or a.get("PostalCode"))
    }
    return {
        "name": {name} if name else set(),
        "email": {norm_text(fields[n]) for n in EMAIL_FIELDS if fields.get(n)},
        "phone": {norm_phone(fields[n]) for n in PHONE_FIELDS if fields.get(n)},
        "address": addresses,
        "birth": {norm_text(fields["BirthDate"])} if fields.get("BirthDate") else set(),
    }


def similarity(a: Profile, b: Profile) -> float:
    """Weighted share of the attributes both profiles have that are equal, in [0, 1]."""
    fa, fb = _features(a), _features(b)
    compared = equal = 0.0
    for attribute, weight in WEIGHTS.items():
        if fa[attribute] and fb[attribute]:
            compared += weight
            if fa[attribute] & fb[attribute]:
                equal += weight
    return round(equal / compared, 4) if compared else 0.0


def _blocks(profile: Profile) -> set[str]:
    fields = profile.fields
    found = {f"e:{e}" for e in _features(profile)["email"]}
    found |= {f"p:{p}" for p in _features(profile)["phone"] if len(p) >= 7}
    last = fields.get("LastName")
    if isinstance(last, str) and last:
        first = fields.get("FirstName")
        if isinstance(first, str) and first:
            found.add(f"n:{norm_text(last)}:{norm_text(first)[0]}")
        postal = (fields.get("Address") or {}).get("PostalCode")
        if postal:
            found.add(f"a:{norm_text(last)}:{norm_text(postal)}")
    return found


@dataclass(frozen=True)
class ScoredMatch:
    match_id: str
    profile_ids: tuple[str, ...]
    confidence: float


def similar_profiles(profiles: Iterable[Profile]) -> list[ScoredMatch]:
    """Matches of profiles whose pairwise similarity reaches MATCH_THRESHOLD."""
    by_id = {p.profile_id: p for p in profiles}
    blocks: dict[str, list[str]] = defaultdict(list)
    for profile_id, profile in by_id.items():
        for block in _blocks(profile):
            blocks[block].append(profile_id)
    parent = {profile_id: profile_id for profile_id in by_id}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    scores: dict[tuple[str, str], float] = {}
    for members in blocks.values():
        if not 2 <= len(members) <= LOW_CARDINALITY:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in scores:
                    continue
                scores[pair] = score = similarity(by_id[a], by_id[b])
                if score >= MATCH_THRESHOLD:
                    parent[root(a)] = root(b)
    clusters: dict[str, list[str]] = defaultdict(list)
    for profile_id in by_id:
        clusters[root(profile_id)].append(profile_id)
    weakest: dict[str, float] = {}  # a match's confidence: its weakest matching pair
    for (a, _), score in scores.items():
        if score >= MATCH_THRESHOLD:
            top = root(a)
            weakest[top] = min(weakest.get(top, 1.0), score)
    found = []
    for top, members in clusters.items():
        if len(members) < 2:
            continue
        ids = tuple(sorted(members))
        digest = hashlib.sha256(repr(ids).encode()).hexdigest()[:32]
        found.append(ScoredMatch(digest, ids, weakest.get(top, MATCH_THRESHOLD)))
    return sorted(found, key=lambda m: m.profile_ids)


def consolidates(profiles: list[Profile], criteria: list[list[str]]) -> bool:
    """Whether one Consolidation criterion holds: all its attributes equal across them."""
    for criterion in criteria:
        values = [tuple(next(iter(_values(p, a, {})), None) for a in criterion) for p in profiles]
        if all(None not in v for v in values) and len(set(values)) == 1:
            return True
    return False

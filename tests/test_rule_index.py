"""The incremental rule-based index answers exactly what whole-domain grouping answers,
after any sequence of writes (issue 15: a write re-matches only what it touches)."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from customerprofiles_mock.models import match_engine
from customerprofiles_mock.models.match_engine import LOW_CARDINALITY, rule_based_matches
from customerprofiles_mock.models.rule_index import RuleIndex
from customerprofiles_mock.models.store import Profile

RULES = [["EmailAddress"], ["LastName", "PhoneNumber"], ["LastName"]]

# Few distinct values, so groups form, dissolve and claim across levels.
values = st.sampled_from(["", "a", "b", "c"])
write = st.tuples(
    st.integers(min_value=0, max_value=11),  # which profile
    st.booleans(),  # False: delete it
    values,
    values,
    values,
)


def _profile(n: int, email: str, last: str, phone: str) -> Profile:
    fields: dict[str, Any] = {}
    if email:
        fields["EmailAddress"] = f"{email}@example.com"
    if last:
        fields["LastName"] = last.upper()
    if phone:
        fields["PhoneNumber"] = f"+1 555 000 {ord(phone)}"
    return Profile(profile_id=f"p{n:02d}", seq=n, fields=fields)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(write, min_size=1, max_size=40),
    st.sampled_from([None, "ONE_TO_ONE", "MANY_TO_MANY"]),
    st.sampled_from([LOW_CARDINALITY, 2, 3]),
)
def test_index_equals_whole_domain_grouping(writes: list[Any], model: str | None, low: int) -> None:
    """With a small low-cardinality threshold, groups too large to match form and shrink
    back among a dozen profiles: the index decides them from its lower-claim counts
    without reading their members, and must still agree with whole-domain grouping."""
    with mock.patch.object(match_engine, "LOW_CARDINALITY", low):
        _replay(writes, model)


def _replay(writes: list[Any], model: str | None) -> None:
    config: dict[str, Any] = {
        "Enabled": True,
        "MatchingRules": [{"Rule": r} for r in RULES],
    }
    if model:
        config["AttributeTypesSelector"] = {"AttributeMatchingModel": model}
    profiles: dict[str, Profile] = {}
    index = RuleIndex(config, profiles.values())
    for step, (n, keep, email, last, phone) in enumerate(writes):
        pid = f"p{n:02d}"
        if keep:
            profiles[pid] = _profile(n, email, last, phone)
        else:
            profiles.pop(pid, None)
        index.touch(pid)
        if step % 3 == 0 or step == len(writes) - 1:  # reads between some writes only
            index.catch_up(profiles)
            expected = rule_based_matches(sorted(profiles.values(), key=lambda p: p.seq), config)
            assert index.ordered() == expected
            for match in expected:
                for member in match.profile_ids:
                    assert index.match_of(member) == match
            matched = {m for match in expected for m in match.profile_ids}
            assert all(index.match_of(p) is None for p in profiles if p not in matched)
            for level, counts in enumerate(index.lower):  # the counts the shortcut trusts
                exact = {
                    key: below
                    for key, group in index.groups[level].items()
                    if (below := sum(1 for p in group if index.claims.get(p, (level,))[0] < level))
                }
                assert dict(counts) == exact


def test_large_groups_are_not_matches_and_shrinking_one_makes_it_one() -> None:
    config = {"Enabled": True, "MatchingRules": [{"Rule": ["LastName"]}]}
    profiles = {
        f"p{n}": Profile(profile_id=f"p{n}", seq=n, fields={"LastName": "Lee"})
        for n in range(LOW_CARDINALITY + 1)
    }
    index = RuleIndex(config, profiles.values())
    index.catch_up(profiles)
    assert index.ordered() == []
    del profiles["p0"]
    index.touch("p0")
    index.catch_up(profiles)
    [match] = index.ordered()
    assert len(match.profile_ids) == LOW_CARDINALITY
    assert index.take_changed() == [match]
    assert index.take_changed() == []


def test_match_ids_stay_sorted_for_paging() -> None:
    config = {"Enabled": True, "MatchingRules": [{"Rule": ["LastName"]}]}
    profiles = {
        f"p{n}": Profile(profile_id=f"p{n}", seq=n, fields={"LastName": f"L{n // 2}"})
        for n in range(40)
    }
    index = RuleIndex(config, profiles.values())
    index.catch_up(profiles)
    assert index.ids == sorted(m.match_id for m in index.ordered()) and len(index.ids) == 20
    for n in range(0, 40, 4):  # break every other pair
        del profiles[f"p{n}"]
        index.touch(f"p{n}")
    index.catch_up(profiles)
    assert index.ids == sorted(m.match_id for m in index.ordered()) and len(index.ids) == 10

"""Compiled segment groups (whole-domain passes) decide exactly as the interpreted ones."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from customerprofiles_mock.models.segment_engine import Context, compile_segment, segment_matches

WORDS = ["Ana", "Bo", "Lisbon", "Porto", "10", "250", ""]
OPERATORS = ["INCLUSIVE", "EXCLUSIVE", "CONTAINS", "BEGINS_WITH", "GREATER_THAN", "LESS_THAN"]
KINDS = ["ALL", "ANY", "NONE"]

rules = st.fixed_dictionaries(
    {
        "DimensionType": st.sampled_from(OPERATORS),
        "Values": st.lists(st.sampled_from([w for w in WORDS if w]), min_size=1, max_size=2),
    }
)
dimension = st.fixed_dictionaries(
    {
        "ProfileAttributes": st.dictionaries(
            st.sampled_from(["FirstName", "Address", "Attributes", "GenderString"]),
            rules,
            max_size=2,
        ).map(
            lambda spec: {
                name: ({"City": rule} if name == "Address" else {"spend": rule})
                if name in ("Address", "Attributes")
                else rule
                for name, rule in spec.items()
            }
        )
    }
)
groups = st.fixed_dictionaries(
    {
        "Include": st.sampled_from(KINDS),
        "Groups": st.lists(
            st.fixed_dictionaries(
                {
                    "Type": st.sampled_from(KINDS),
                    "Dimensions": st.lists(dimension, max_size=3),
                }
            ),
            max_size=3,
        ),
    }
)
profiles = st.fixed_dictionaries(
    {},
    optional={
        "FirstName": st.sampled_from(WORDS),
        "Gender": st.sampled_from(["MALE", "FEMALE"]),
        "Address": st.fixed_dictionaries({}, optional={"City": st.sampled_from(WORDS)}),
        "Attributes": st.fixed_dictionaries({}, optional={"spend": st.sampled_from(WORDS)}),
    },
)


def _context(fields: dict[str, Any]) -> Context:
    return Context(fields, lambda _n, _o: None, lambda _n: False)


@settings(max_examples=300, deadline=None)
@given(groups, st.lists(profiles, min_size=1, max_size=4))
def test_compiled_groups_decide_as_interpreted(spec: dict[str, Any], people: list[Any]) -> None:
    predicate = compile_segment(spec)
    for fields in people:
        assert predicate(_context(fields)) == segment_matches(spec, _context(fields))

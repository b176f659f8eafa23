"""The shared pagination mechanism: every item once, boundaries survive changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customerprofiles_mock.exceptions import BadRequestException
from customerprofiles_mock.models.pagination import paginate


def walk(items: list[str], size: int) -> list[str]:
    seen: list[str] = []
    token = None
    while True:
        page, token = paginate(items, lambda s: s, token, size)
        seen += page
        if token is None:
            return seen


def test_every_item_exactly_once() -> None:
    items = [f"i{n:03d}" for n in range(25)]
    assert walk(items, 4) == items
    assert walk(items, 100) == items


def test_boundary_survives_insertions_and_deletions() -> None:
    items = [f"i{n}" for n in range(10)]
    first, token = paginate(items, lambda s: s, None, 3)
    changed = [i for i in items if i not in ("i0", "i4")] + ["a-new-first"]
    second, _ = paginate(changed, lambda s: s, token, 3)
    assert first == ["i0", "i1", "i2"]
    assert second == ["i3", "i5", "i6"]


@pytest.mark.parametrize("token", ["garbage", "e30=", "!!!"])
def test_bad_token(token: str) -> None:
    with pytest.raises(BadRequestException):
        paginate(["a"], lambda s: s, token, 1)


@given(
    st.lists(st.integers(min_value=0, max_value=50), unique=True, max_size=40),
    st.integers(min_value=1, max_value=7),
)
def test_smallest_pages_equal_sorted_pages(items: list[int], size: int) -> None:
    """SearchProfiles' page selection answers what sorting every match answers."""
    from customerprofiles_mock.models.pagination import paginate_smallest

    token_a = token_b = None
    while True:
        page_a, token_a = paginate(items, lambda i: i, token_a, size)
        page_b, token_b = paginate_smallest(items, lambda i: i, token_b, size)
        assert (page_a, token_a) == (page_b, token_b)
        if token_a is None:
            break

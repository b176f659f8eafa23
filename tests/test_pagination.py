"""The shared pagination mechanism: every item once, boundaries survive changes."""

from __future__ import annotations

import pytest

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

"""Profile object type templates, kept as data files under ``data/templates``.

The field and key definitions follow the mapping pages of the Amazon Connect
Administrator Guide; where a page is silent the choice is noted in docs/behaviour.md.
"""

from __future__ import annotations

import functools
from typing import Any

from .base import load_data


@functools.lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:  # type: ignore[misc]  # moto: disallow_any_decorated
    return {data["TemplateId"]: data for data in load_data("templates").values()}


def template(template_id: str) -> dict[str, Any] | None:
    return _templates().get(template_id)


def all_templates() -> list[dict[str, Any]]:
    return [_templates()[key] for key in sorted(_templates())]

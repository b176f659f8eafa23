"""Profile object type templates, kept as data files under ``data/templates``.

The field and key definitions follow the mapping pages of the Amazon Connect
Administrator Guide; where a page is silent the choice is noted in docs/behaviour.md.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from .base import DATA_PACKAGE


@functools.lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:
    folder = resources.files(DATA_PACKAGE) / "data" / "templates"
    loaded = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text())
            loaded[data["TemplateId"]] = data
    return loaded


def template(template_id: str) -> dict[str, Any] | None:
    return _templates().get(template_id)


def all_templates() -> list[dict[str, Any]]:
    return [_templates()[key] for key in sorted(_templates())]

"""Fixtures and collection for the suite run inside moto (``CUSTOMERPROFILES_NATIVE=1``).

The same tests, served by moto's own core: ``mock_aws`` in decorator mode, or moto's
``moto_server`` with ``TEST_SERVER_MODE=true`` (moto's convention; its ``mock_aws`` then
points clients at the server and resets it). Plugin-only tests are left out and listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import native

#: reason -> test names left out of this run
left_out: dict[str, list[str]] = {}


@pytest.fixture
def customerprofiles_client() -> Iterator[Any]:
    """A boto3 client under moto's ``mock_aws`` (a moto_server in server mode)."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("customer-profiles", region_name="us-east-1")


def _names_in(path: Path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text())
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            names.append(node.name)
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name.startswith("test")
            ]
    return names


def pytest_ignore_collect(collection_path: Path, config: Any) -> bool | None:
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    reason, _defs, _tainted = native._module(collection_path)
    if reason is None:
        return None
    left_out.setdefault(reason, []).extend(
        f"{collection_path.name}::{name}" for name in _names_in(collection_path)
    )
    return True


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    kept, dropped = [], []
    for item in items:
        path = Path(str(item.fspath))
        marker = item.get_closest_marker("plugin_only")
        reason = native.plugin_only_reason(
            path, item.name, marker.args[0] if marker and marker.args else None
        )
        if reason is None and native.SERVER_MODE:
            reason = native.server_mode_reason(path, item.name)
        if reason is None:
            kept.append(item)
        else:
            dropped.append(item)
            left_out.setdefault(reason, []).append(f"{path.name}::{item.name}")
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def native_summary(terminalreporter: Any) -> None:
    mode = "moto_server" if native.SERVER_MODE else "decorator (mock_aws)"
    total = sum(len(names) for names in left_out.values())
    terminalreporter.write_line(f"native run inside moto, {mode}: {total} tests left out")
    for reason, names in sorted(left_out.items()):
        terminalreporter.write_line(f"  {len(names):4d}  {reason}")
    for reason, names in sorted(left_out.items()):  # by name, so the list is in every log
        for name in names:
            terminalreporter.write_line(f"    left out: {name} ({reason})")

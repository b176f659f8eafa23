"""The coverage page lists every model operation once and is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from customerprofiles_mock.protocol.model import operations

ROOT = Path(__file__).resolve().parent.parent


def test_page_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_coverage.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode == 2:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr


def test_every_operation_listed_exactly_once() -> None:
    rows = [
        line.split("|")[1].strip()
        for line in (ROOT / "docs" / "coverage.md").read_text().splitlines()
        if line.startswith("| ") and not line.startswith("| Operation")
    ]
    assert len(rows) == len(set(rows)) == 115
    missing = sorted(set(rows) - set(operations()))
    if missing:
        pytest.skip(f"the installed botocore does not model {', '.join(missing)}")
    assert sorted(rows) == sorted(operations())

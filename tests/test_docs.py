"""Every python block of README.md and docs/*.md runs as copied.

Each block is written to an empty folder and run the way a user would run it there,
without this repository's pytest settings: a block that defines tests goes through
``python -m pytest``, any other block through ``python``. A fragment that leans on
imports, clients or settings from elsewhere fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for index, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.S)):
            found.append((f"{page.relative_to(ROOT)}#{index + 1}", block))
    return found


BLOCKS = _blocks()


def test_the_pages_have_python_blocks() -> None:
    assert len(BLOCKS) >= 9


@pytest.mark.parametrize(("where", "block"), BLOCKS, ids=[where for where, _ in BLOCKS])
def test_block_runs_as_copied(where: str, block: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "AWS_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if re.search(r"^(async )?def test_|^class Test", block, re.M):
        (tmp_path / "test_block.py").write_text(block)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    else:
        (tmp_path / "block.py").write_text(block)
        command = [sys.executable, "block.py"]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"

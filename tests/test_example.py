"""The documented ingestion pipeline example runs and does what it prints."""

from __future__ import annotations

import runpy
from pathlib import Path

from .conftest import requires_operations

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "ingestion_pipeline.py"


@requires_operations("BatchPutProfileObject")
def test_ingestion_pipeline_example() -> None:
    result = runpy.run_path(str(EXAMPLE))["run"]()
    assert result["profiles_before_merge"] == 2
    assert result["stats"]["ProfileCount"] == 1
    assert result["stats"]["ObjectCount"] == 3
    assert result["orders_on_main"] == 3
    assert result["merged_found_main"] is True
    assert result["failed_items"] == ["4"]

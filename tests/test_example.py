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


BIG_SPENDERS = EXAMPLE.parent / "big_spenders.py"


def test_big_spenders_example() -> None:
    result = runpy.run_path(str(BIG_SPENDERS))["run"]()
    assert result["spend"] == {"Ana": "550", "Bo": "80", "Cy": "600"}
    assert result["members"] == {"Ana", "Cy"}
    assert result["status"] == "COMPLETED"
    assert result["exported"] == ["Cy", "Ana"]  # SegmentSort: spend, highest first

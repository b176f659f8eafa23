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


def test_upload_and_export_example() -> None:
    result = runpy.run_path(str(EXAMPLE.parent / "upload_and_export.py"))["run"]()
    assert result["status"] == "SUCCEEDED"
    assert result["summary"] == {"CreatedRecords": 3, "UpdatedRecords": 0, "FailedRecords": 0}
    assert result["found"] == ["Bo"]
    assert result["exported"] == [("CREATED", "Ana"), ("CREATED", "Bo"), ("CREATED", "Cy")]


def test_match_and_recommend_example() -> None:
    result = runpy.run_path(str(EXAMPLE.parent / "match_and_recommend.py"))["run"]()
    assert (result["before"], result["after"]) == (3, 2)
    assert (result["merged_name"], result["merged_phone"]) == ("Ana", "+351910000000")
    assert result["status"] == "ACTIVE"
    assert result["picks"] == [("Hat", 1.0), ("Socks", 1.0)]  # what the other boot buyer liked

"""Run a benchmark the way people do (``python -m benchmarks.<name> --json``) and parse its output."""

from __future__ import annotations

import json
import math
from pathlib import Path
import subprocess
import sys
from typing import Any

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
import pytest

REPO = Path(__file__).resolve().parents[2]

# benchmarks/run measures on the floor Home Assistant (.venv). The ingest and ttlock_versus smoke
# tests run on both cores; the scale one only on the floor: a real hass process of the newest
# core started by it does not answer /api/ within the e2e harness's 120 s on this machine.
FLOOR_HA_ONLY = pytest.mark.skipif(
    (MAJOR_VERSION, MINOR_VERSION) > (2025, 4),
    reason="a real hass of the newest core does not start in time here (benchmarks/run uses .venv)",
)


def run_benchmark(name: str, *arguments: str) -> dict[str, Any]:
    """The JSON report of one run; the run must exit 0 and print nothing but the JSON document."""
    completed = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *arguments, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report: dict[str, Any] = json.loads(completed.stdout)
    assert_well_formed(report, name)
    return report


def assert_well_formed(report: dict[str, Any], name: str) -> None:
    """Every benchmark prints the same shape: what is measured, parameters, tables, figures."""
    assert report["benchmark"] == name
    assert len(report["measures"]) > 80  # a real sentence saying what is measured
    assert report["parameters"]
    assert report["machine"]["cpus"] >= 1
    assert report["tables"]
    for table in report["tables"]:
        assert table["title"]
        assert table["rows"], table["title"]
        for row in table["rows"]:
            assert len(row) == len(table["columns"]), (table["title"], row)
            for cell in row:
                assert cell is None or isinstance(cell, str | int | float)
                if isinstance(cell, float):
                    assert math.isfinite(cell)
    assert report["figures"]
    assert report["notes"]


def rows_by(table: dict[str, Any], *key_columns: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Rows of a table as dicts, keyed by the values of ``key_columns``."""
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    return {tuple(row[column] for column in key_columns): row for row in rows}


def table_titled(report: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The table whose title starts with ``prefix``."""
    matches = [table for table in report["tables"] if table["title"].startswith(prefix)]
    assert len(matches) == 1, [table["title"] for table in report["tables"]]
    return matches[0]

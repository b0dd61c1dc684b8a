"""benchmarks/run: one command, results.json and RESULTS.md; the Markdown helpers."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

from benchmarks.results_md import MAX_ROWS, markdown_table
from benchmarks.runner import TOKEN_TESTS

from .conftest import REPO


def test_runner_writes_results_and_reports_the_token_tests(tmp_path: Path) -> None:
    """The token part runs the single-flight tests (100 callers, one token) and reports them."""
    completed = subprocess.run(
        [
            sys.executable,
            *("-m", "benchmarks.runner", "--smoke", "--parts", "tokens"),
            *("--output", str(tmp_path)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    run = results["run"]
    assert run["smoke"] is True
    assert run["cpus"] >= 1
    assert run["home_assistant"]
    assert run["integration_version"]
    tokens = results["parts"]["tokens"]
    assert [test["test"] for test in tokens["tests"]] == [node for _, node in TOKEN_TESTS]
    assert tokens["all_passed"] is True, tokens["pytest_tail"]
    page = (tmp_path / "RESULTS.md").read_text()
    assert page.startswith("# Benchmark results (issue 16)")
    assert f"{len(TOKEN_TESTS)} of {len(TOKEN_TESTS)} tests passed" in page


def test_runner_refuses_unknown_parts() -> None:
    """A typo in --parts is an error, not an empty run."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.runner", "--parts", "ingest,nope"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "parts are" in completed.stderr


def test_markdown_table_aligns_numbers_escapes_pipes_and_points_long_tables_away() -> None:
    """Numbers right-aligned with separators, text left, '|' escaped; long tables elided."""
    table = {"title": "T", "columns": ["what", "n"], "rows": [["a|b", 1234], ["c", None]]}
    assert (
        markdown_table(table).splitlines()
        == [
            "**T**",
            "",
            "| what | n |",
            "|---|---:|",
            "| a\\|b | 1,234 |",
            "| c | - |",
            "",
        ][:-1]
    )
    long = {"title": "L", "columns": ["n"], "rows": [[index] for index in range(MAX_ROWS + 1)]}
    assert f"({MAX_ROWS + 1} rows: see `results.json`.)" in markdown_table(long)


def test_run_script_is_executable_and_uses_the_venv() -> None:
    """`benchmarks/run` is the one command."""
    script = REPO / "benchmarks" / "run"
    assert script.stat().st_mode & 0o111
    assert ".venv/bin/python" in script.read_text()

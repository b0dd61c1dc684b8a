"""The report helpers shared by the benchmarks (in-process, no Home Assistant)."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.report import Report, Table, int_list, percentile, render, render_table


def test_percentile_is_nearest_rank() -> None:
    """p50 / p95 / max of 1..100 and of a single value; no value is an error."""
    values = [float(value) for value in range(100, 0, -1)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([3.0], 0.95) == 3.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_table_aligns_numbers_right_and_text_left() -> None:
    """Columns line up; thousands separators; None prints as a dash; integral floats as ints."""
    text = render_table(
        Table("Calls", ["what", "count", "rate"], [["token", 1, 2.5], ["search", 12345, None]])
    )
    lines = text.splitlines()
    assert lines[0] == "Calls"
    assert lines[1].split() == ["what", "count", "rate"]
    assert lines[3] == "token        1  2.50"
    assert lines[4] == "search  12,345     -"
    assert render_table(Table("t", ["x"], [[48.0], [1234.6]])).splitlines()[3:] == [
        "   48",
        "1,235",
    ]


def test_render_says_what_is_measured() -> None:
    """The text report names the benchmark, what it measures, its parameters and notes."""
    report = Report(
        benchmark="demo",
        measures="calls counted by the simulator",
        parameters={"locks": [1, 5]},
        tables=[Table("T", ["a"], [[1]])],
        notes=["a note"],
        machine={"cpus": 2, "python": "3.13", "platform": "Linux"},
    )
    text = render(report)
    assert text.startswith("== demo ==\nMeasures: calls counted by the simulator")
    assert "Parameters: locks=[1, 5]" in text
    assert "Machine: 2 CPUs" in text
    assert text.endswith("Notes:\n- a note")


def test_int_list_argument() -> None:
    """`1,5,20` parses; junk and negatives are refused with an argparse error."""
    assert int_list("1,5,20") == [1, 5, 20]
    assert int_list("7") == [7]
    for bad in ("a,b", "", "-1"):
        with pytest.raises(argparse.ArgumentTypeError):
            int_list(bad)

"""Result of a benchmark: printed as aligned tables for people, or as JSON for machines."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
import json
import math
import os
import platform
from typing import Any

Cell = str | int | float | None


@dataclass
class Table:
    """One titled table; ``rows`` hold plain numbers and strings (JSON-friendly)."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Report:
    """Everything a benchmark prints.

    ``measures`` says in one paragraph what exactly is timed or counted (and what is not);
    ``figures`` holds the headline numbers under stable keys for scripts and smoke tests.
    """

    benchmark: str
    measures: str
    parameters: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty sequence."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def machine_info() -> dict[str, Any]:
    """Where the figures were taken: they mean little without it."""
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(terse=True),
    }


def _text(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float) and cell.is_integer():
        return f"{int(cell):,}"
    if isinstance(cell, float):
        return f"{cell:,.2f}" if abs(cell) < 100 else f"{cell:,.0f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def render_table(table: Table) -> str:
    """Aligned text: numbers right-aligned, text left-aligned."""
    cells = [[_text(cell) for cell in row] for row in table.rows]
    widths = [
        max([len(column), *(len(row[index]) for row in cells)])
        for index, column in enumerate(table.columns)
    ]
    numeric = [
        all(isinstance(row[index], int | float | None) for row in table.rows)
        for index in range(len(table.columns))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([table.title, line(table.columns), rule, *(line(row) for row in cells)])


def render(report: Report) -> str:
    """The whole report as text."""
    parts = [f"== {report.benchmark} ==", f"Measures: {report.measures}"]
    parts.append(
        "Parameters: " + ", ".join(f"{key}={value}" for key, value in report.parameters.items())
    )
    machine = report.machine
    parts.append(
        f"Machine: {machine.get('cpus')} CPUs, Python {machine.get('python')}, "
        f"{machine.get('platform')}"
    )
    parts.extend("\n" + render_table(table) for table in report.tables)
    if report.notes:
        parts.append("\nNotes:")
        parts.extend(f"- {note}" for note in report.notes)
    return "\n".join(parts)


def emit(report: Report, as_json: bool) -> None:
    """Print the report on stdout (JSON: one document, nothing else)."""
    report.machine = machine_info()
    if as_json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(render(report))


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json`` and ``--verbose`` on every benchmark."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--verbose", action="store_true", help="show Home Assistant's log on stderr"
    )


def int_list(text: str) -> list[int]:
    """argparse type of ``1,5,20``."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text}") from err
    if not values or any(value < 0 for value in values):
        raise argparse.ArgumentTypeError(f"expected non-negative integers: {text}")
    return values

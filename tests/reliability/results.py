"""Figures the reliability tests measure, gathered per test process for RELIABILITY.md.

Each test adds what it measured (cases fuzzed, deliveries refused, secrets found, leak checks).
At the end of the session the conftest prints them and, when `MINERVA_RELIABILITY_RESULTS` names
a directory, writes them there as `<worker>.json` (xdist runs one process per worker);
`scripts/reliability` merges those files into RELIABILITY.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import platform
from typing import Any

from homeassistant.const import __version__ as HA_VERSION

from .known_bugs import KNOWN_BUGS

RESULTS_DIR_ENV = "MINERVA_RELIABILITY_RESULTS"
MALFORMED_HTTP = "malformed HTTP (fuzzed), refused by aiohttp before HA"


@dataclass
class Rejections:
    """Attacks of one kind: how many were sent, refused (4xx), counted, and changed a state."""

    sent: int = 0
    refused: int = 0
    counted: int = 0
    state_changes: int = 0

    def as_dict(self) -> dict[str, int]:
        """JSON view."""
        return {
            "sent": self.sent,
            "refused": self.refused,
            "counted": self.counted,
            "state_changes": self.state_changes,
        }


@dataclass
class Results:
    """Everything one test process measured."""

    # property name -> cases tried
    fuzz_cases: Counter[str] = field(default_factory=Counter)
    # property name -> handler ("milesight" / "ttlock")
    fuzz_handler: dict[str, str] = field(default_factory=dict)
    # attack kind -> outcome
    rejections: dict[str, Rejections] = field(default_factory=dict)
    # what was scanned for secrets and what was found
    secrets: dict[str, Any] = field(default_factory=dict)
    # entry kind -> leak-check outcome
    leaks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # webhook id checks per flow
    webhook_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    # known bugs reproduced (id -> count), reported instead of failing the fuzz run
    known_bugs: Counter[str] = field(default_factory=Counter)
    # test node id -> outcome and duration of its call
    tests: dict[str, dict[str, Any]] = field(default_factory=dict)
    # test node id -> the fault it injects and the outcome it checks (its result is in `tests`)
    faults: dict[str, dict[str, str]] = field(default_factory=dict)
    # test node id -> the durability case it checks
    durability: dict[str, dict[str, str]] = field(default_factory=dict)
    # test node id -> the large push it sends and the outcome it checks
    large_pushes: dict[str, dict[str, str]] = field(default_factory=dict)

    def add_fuzz(self, name: str, handler: str, cases: int) -> None:
        """`cases` requests of property `name` went to `handler`."""
        self.fuzz_cases[name] += cases
        self.fuzz_handler[name] = handler

    def rejection(self, kind: str) -> Rejections:
        """The tally of one attack kind."""
        return self.rejections.setdefault(kind, Rejections())

    def tally(
        self, kind: str, *, sent: int, refused: int = 0, counted: int = 0, state_changes: int = 0
    ) -> None:
        """Add to the tally of one attack kind (nothing when nothing was sent)."""
        if not sent:
            return
        tally = self.rejection(kind)
        tally.sent += sent
        tally.refused += refused
        tally.counted += counted
        tally.state_changes += state_changes

    def fault(self, vendor: str, fault: str, phase: str, outcome: str) -> None:
        """The running test injects `fault` during `phase` and checks `outcome`.

        Called before the checks: the row's verdict is the test's own result (passed, strict
        xfail, failed), so a fault whose test fails is reported as failing, never as survived.
        """
        self.faults[_current_test()] = {
            "vendor": vendor,
            "fault": fault,
            "phase": phase,
            "outcome": outcome,
        }

    def durable(self, store: str, damage: str, outcome: str) -> None:
        """The running test damages `store` and checks `outcome` (verdict: the test's result)."""
        self.durability[_current_test()] = {"store": store, "damage": damage, "outcome": outcome}

    def large_push(self, vendor: str, push: str, outcome: str) -> None:
        """The running test sends a large `push` and checks `outcome` (verdict: its result)."""
        self.large_pushes[_current_test()] = {"vendor": vendor, "push": push, "outcome": outcome}

    def malformed_http(self, count: int) -> None:
        """Requests aiohttp's parser refused (400) before Home Assistant saw them."""
        self.tally(MALFORMED_HTTP, sent=count, refused=count)

    def as_dict(self) -> dict[str, Any]:
        """JSON view."""
        return {
            "fuzz": {
                name: {"handler": self.fuzz_handler[name], "cases": count}
                for name, count in sorted(self.fuzz_cases.items())
            },
            "rejections": {
                kind: tally.as_dict() for kind, tally in sorted(self.rejections.items())
            },
            "secrets": self.secrets,
            "leaks": self.leaks,
            "webhook_ids": self.webhook_ids,
            "known_bugs": {
                bug: {"cases": self.known_bugs.get(bug, 0), "summary": summary}
                for bug, (_vendor, _types, summary) in KNOWN_BUGS.items()
            },
            "tests": self.tests,
            "faults": self.faults,
            "durability": self.durability,
            "large_pushes": self.large_pushes,
            "environment": {
                "python": platform.python_version(),
                "home_assistant": HA_VERSION,
                "fuzz_examples": int(os.environ.get("MINERVA_FUZZ_EXAMPLES") or 200),
            },
        }

    def is_empty(self) -> bool:
        """No reliability test ran in this process."""
        return not self.tests

    def summary_lines(self) -> list[str]:
        """Short lines for the terminal summary."""
        lines = []
        for handler in sorted(set(self.fuzz_handler.values())):
            names = [name for name, owner in self.fuzz_handler.items() if owner == handler]
            total = sum(self.fuzz_cases[name] for name in names)
            detail = ", ".join(f"{name} {self.fuzz_cases[name]}" for name in sorted(names))
            lines.append(f"fuzzed {handler}: {total} cases ({detail})")
        if self.rejections:
            sent = sum(tally.sent for tally in self.rejections.values())
            refused = sum(tally.refused for tally in self.rejections.values())
            changes = sum(tally.state_changes for tally in self.rejections.values())
            lines.append(
                f"attacks: {sent} sent, {refused} refused, {changes} state changes "
                f"({len(self.rejections)} kinds)"
            )
        if self.secrets:
            lines.append(
                f"secrets: {self.secrets.get('hits', 0)} found in "
                f"{self.secrets.get('log_records', 0)} log records and "
                f"{self.secrets.get('diagnostics', 0)} diagnostics "
                f"({self.secrets.get('secrets', 0)} secrets looked for)"
            )
        for kind, leak in sorted(self.leaks.items()):
            lines.append(f"leak check {kind}: {leak['cycles']} cycles, {leak['verdict']}")
        if self.faults:
            lines.append(f"faults injected: {len(self.faults)} kinds")
        if self.durability:
            lines.append(f"damaged stores: {len(self.durability)} cases")
        if self.large_pushes:
            lines.append(f"large pushes: {len(self.large_pushes)} cases")
        for bug, count in sorted(self.known_bugs.items()):
            lines.append(f"known bug {bug}: reproduced by {count} fuzz cases")
        return lines

    def write(self, worker: str) -> Path | None:
        """Write `<worker>.json` into the results directory, if one is configured."""
        directory = os.environ.get(RESULTS_DIR_ENV)
        if not directory or self.is_empty():
            return None
        path = Path(directory) / f"{worker}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n")
        return path


def _current_test() -> str:
    """The node id of the running test (as pytest reports it)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.rsplit(" (", 1)[0]


RESULTS = Results()

"""Bugs the fuzzing found that are reported and not fixed yet.

Each one has a strict xfail test in test_known_bugs.py that reproduces it with one request. While
a bug is open the fuzz tests count the cases that hit it (RELIABILITY.md shows the counts) instead
of failing; every other problem still fails them. When a bug is fixed its xfail test passes, which
fails the run (strict): then remove the xfail marker and the bug's entry here.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging

from .harness import log_problems

# id -> (vendor, exception types logged with a traceback, what goes wrong)
KNOWN_BUGS: dict[str, tuple[str, frozenset[str], str]] = {}


def known_bug(records: Iterable[logging.LogRecord], vendor: str) -> str | None:
    """The known bug that explains every problem in `records`, or None."""
    problems = [record for record in records if log_problems([record])]
    found: set[str] = set()
    for record in problems:
        exc = record.exc_info[1] if record.exc_info else None
        name = type(exc).__name__ if exc is not None else ""
        bug = next(
            (
                bug
                for bug, (bug_vendor, types, _summary) in KNOWN_BUGS.items()
                if bug_vendor == vendor and name in types
            ),
            None,
        )
        if bug is None:
            return None
        found.add(bug)
    return found.pop() if len(found) == 1 else None

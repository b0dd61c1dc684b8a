"""Fail on the log lines that mean Home Assistant or the integration misbehaved."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Each of these means a bug: an unhandled exception, a failed setup, blocking I/O in the event
# loop, a misuse of a Home Assistant API, or a crash inside an HTTP handler (webhooks included).
FORBIDDEN = (
    "Traceback",
    "Error setting up entry",
    "Detected blocking call",
    "Detected that custom integration",
    "Error handling request",
    "Error processing webhook",
    "Unexpected exception",
)


def forbidden_lines(log_files: Iterable[Path]) -> list[str]:
    """Every forbidden line, prefixed with its file name."""
    found: list[str] = []
    for path in log_files:
        for line in path.read_text(errors="replace").splitlines():
            if any(marker in line for marker in FORBIDDEN):
                found.append(f"{path.name}: {line}")
    return found


def assert_clean_logs(log_files: Iterable[Path]) -> None:
    """Raise AssertionError listing the forbidden lines, if any."""
    files = list(log_files)
    assert files, "no Home Assistant log file was written"
    found = forbidden_lines(files)
    assert not found, "forbidden lines in the Home Assistant log:\n" + "\n".join(found[:40])

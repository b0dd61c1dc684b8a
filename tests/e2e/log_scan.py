"""Fail on the log records that mean Home Assistant or the integration misbehaved."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import ctypes.util
from pathlib import Path
import re

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

# Environment noise of Home Assistant itself, not of this integration: the camera helper that the
# frontend imports logs a traceback when libturbojpeg is missing. scripts/setup installs Debian's
# libturbojpeg0, so the traceback is tolerated only on a machine where that was impossible.
TOLERATED = (
    ()
    if ctypes.util.find_library("turbojpeg")
    else (
        re.compile(r"\[homeassistant\.components\.camera\.img_util\] Error loading libturbojpeg"),
    )
)

_RECORD_START = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ ")


def log_records(text: str) -> Iterator[str]:
    """Split a Home Assistant log into records (a record's traceback belongs to it)."""
    record: list[str] = []
    for line in text.splitlines():
        if _RECORD_START.match(line) and record:
            yield "\n".join(record)
            record = []
        record.append(line)
    if record:
        yield "\n".join(record)


def forbidden_records(log_files: Iterable[Path]) -> list[str]:
    """Every forbidden record, prefixed with its file name."""
    found: list[str] = []
    for path in log_files:
        for record in log_records(path.read_text(errors="replace")):
            if not any(marker in record for marker in FORBIDDEN):
                continue
            if any(pattern.search(record) for pattern in TOLERATED):
                continue
            found.append(f"{path.name}: {record}")
    return found


def assert_clean_logs(log_files: Iterable[Path]) -> None:
    """Raise AssertionError listing the forbidden records, if any."""
    files = list(log_files)
    assert files, "no Home Assistant log file was written"
    found = forbidden_records(files)
    assert not found, "forbidden records in the Home Assistant log:\n" + "\n\n".join(found[:20])

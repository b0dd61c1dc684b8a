"""How many requests this client sent in the last 24 hours (MDP quotas are per day).

Free plans allow about 1,000 API requests a day and it is unknown whether token requests count,
so every HTTP request is counted. Hourly buckets keep memory constant however busy the client is,
and can be persisted by the caller (`as_dict` / `restore`) so a restart does not reset the count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import time
from typing import Any

WINDOW_HOURS = 24
_HOUR_S = 3600


class ApiUsage:
    """Requests per hour over a rolling 24-hour window."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        """Count with ``clock`` (epoch seconds; injectable for tests)."""
        # Looked up at call time, not bound at import, so patched clocks (tests) apply.
        self._clock = clock or (lambda: time.time())
        self._buckets: dict[int, int] = {}

    def record(self) -> None:
        """Count one request now."""
        hour = int(self._clock() // _HOUR_S)
        self._buckets[hour] = self._buckets.get(hour, 0) + 1
        self._prune(hour)

    def last_24h(self) -> int:
        """Requests sent in the current hour and the 23 before it."""
        self._prune(int(self._clock() // _HOUR_S))
        return sum(self._buckets.values())

    def as_dict(self) -> dict[str, int]:
        """The hourly counts of the window, JSON-ready (hour since the epoch → requests)."""
        self._prune(int(self._clock() // _HOUR_S))
        return {str(hour): count for hour, count in self._buckets.items()}

    def restore(self, raw: Mapping[str, Any]) -> None:
        """Add the counts an earlier client saved with `as_dict` (malformed items are skipped)."""
        for hour, count in raw.items():
            try:
                hour_number, requests = int(hour), int(count)
            except (TypeError, ValueError):
                continue
            if requests > 0:
                self._buckets[hour_number] = self._buckets.get(hour_number, 0) + requests
        self._prune(int(self._clock() // _HOUR_S))

    def _prune(self, current_hour: int) -> None:
        for hour in [hour for hour in self._buckets if hour <= current_hour - WINDOW_HOURS]:
            del self._buckets[hour]

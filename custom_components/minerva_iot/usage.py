"""How many requests an entry sent to its cloud: the one API-call counter of both vendors.

Quotas differ: Milesight's plans count per rolling day (about 1,000 calls a day on the free
plan, *unconfirmed*: a third-party plan summary), TTLock's per calendar month (5,000 or 30,000
calls, hass-ttlock #104, PR #323). One counter keeps hourly buckets for 48 hours, so it answers
both "last 24 hours" and "today" (local calendar day) in constant memory. Its state is a plain
dict for the caller to persist: a restart or reload must not reset what the cloud counts. It
imports nothing from Home Assistant; the clients call `record` through their request hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
import time
from typing import Any

_HOUR_S = 3600
_KEPT_HOURS = 48


class ApiCallCounter:
    """Requests per hour over the last 48 hours."""

    def __init__(
        self, clock: Callable[[], float] | None = None, time_zone: tzinfo | None = None
    ) -> None:
        """Count with ``clock`` (epoch seconds); days are calendar days in ``time_zone``."""
        # Looked up at call time, not bound at import, so patched clocks (tests) apply.
        self._clock = clock or (lambda: time.time())
        self._time_zone = time_zone
        self._buckets: dict[int, int] = {}

    def record(self) -> None:
        """Count one request now."""
        hour = self._hour()
        self._buckets[hour] = self._buckets.get(hour, 0) + 1
        self._prune(hour)

    def last_24h(self) -> int:
        """Requests sent in the current hour and the 23 before it."""
        hour = self._hour()
        return sum(count for bucket, count in self._buckets.items() if bucket > hour - 24)

    def today(self) -> int:
        """Requests sent since the local midnight (hours are whole: a zone offset of 30 or 45
        minutes counts the first hour of the day fully)."""
        now = self._clock()
        midnight = (
            datetime.fromtimestamp(now, self._time_zone)
            .astimezone(self._time_zone)
            .replace(hour=0, minute=0, second=0, microsecond=0)
        )
        first_hour = int(midnight.timestamp() // _HOUR_S)
        return sum(count for bucket, count in self._buckets.items() if bucket >= first_hour)

    def as_dict(self) -> dict[str, int]:
        """The hourly counts, JSON-ready (hour since the epoch → requests)."""
        self._prune(self._hour())
        return {str(hour): count for hour, count in self._buckets.items()}

    def restore(self, raw: Mapping[str, Any]) -> None:
        """Add the counts saved with `as_dict` (malformed items are skipped)."""
        for hour, count in raw.items():
            try:
                hour_number, requests = int(hour), int(count)
            except (TypeError, ValueError):
                continue
            if requests > 0:
                self._buckets[hour_number] = self._buckets.get(hour_number, 0) + requests
        self._prune(self._hour())

    def _hour(self) -> int:
        return int(self._clock() // _HOUR_S)

    def _prune(self, current_hour: int) -> None:
        for hour in [hour for hour in self._buckets if hour <= current_hour - _KEPT_HOURS]:
            del self._buckets[hour]

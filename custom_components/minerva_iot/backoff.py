"""When a cloud may be called again after it answered "too many requests" / "quota exceeded".

Cloud quotas are daily or monthly; hammering a limited account only burns the next period's
budget, so a coordinator makes no API call at all until the deadline kept here. The cloud's
``Retry-After`` wins when it sends one; otherwise the pause starts at ``first_pause_s`` and
doubles with every consecutive limit, up to ``max_pause_s``. Both vendors use this one class.
"""

from __future__ import annotations

from collections.abc import Callable
import time

DEFAULT_PAUSE_S = 30 * 60
MAX_PAUSE_S = 24 * 3600


class RateLimitBackoff:
    """A deadline before which no API call is made."""

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        *,
        first_pause_s: float = DEFAULT_PAUSE_S,
        max_pause_s: float = MAX_PAUSE_S,
    ) -> None:
        """Measure time with ``clock`` (epoch seconds)."""
        # Looked up at call time, not bound at import, so patched clocks (tests) apply.
        self._clock = clock or (lambda: time.time())
        self._first_pause_s = first_pause_s
        self._max_pause_s = max_pause_s
        self._consecutive = 0
        self.paused_until: float | None = None

    @property
    def active(self) -> bool:
        """True while calls must wait."""
        return self.remaining() > 0

    def remaining(self) -> float:
        """Seconds left before the API may be called again (0 when it may)."""
        if self.paused_until is None:
            return 0.0
        return max(self.paused_until - self._clock(), 0.0)

    def pause(self, retry_after: float | None) -> float:
        """Start a pause after a rate-limit answer; return its length in seconds."""
        self._consecutive += 1
        if retry_after is not None:
            seconds = retry_after
        else:
            seconds = self._first_pause_s * 2 ** (self._consecutive - 1)
        seconds = min(max(seconds, 1.0), self._max_pause_s)
        self.paused_until = self._clock() + seconds
        return seconds

    def reset(self) -> None:
        """A call went through: the next limit starts from the shortest pause again."""
        self._consecutive = 0
        self.paused_until = None

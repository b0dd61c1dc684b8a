"""The API pause after rate-limit answers (pure logic of milesight/backoff.py)."""

from __future__ import annotations

from custom_components.minerva_iot.backoff import (
    DEFAULT_PAUSE_S,
    MAX_PAUSE_S,
    RateLimitBackoff,
)


def test_retry_after_wins_and_default_pause_doubles_up_to_a_day() -> None:
    """Retry-After is honoured; without it each consecutive limit doubles the pause."""
    now = [1_000.0]
    backoff = RateLimitBackoff(clock=lambda: now[0])
    assert backoff.remaining() == 0
    assert backoff.pause(120) == 120
    assert backoff.remaining() == 120
    now[0] += 200
    assert backoff.remaining() == 0
    backoff.reset()
    assert backoff.paused_until is None
    assert backoff.pause(None) == DEFAULT_PAUSE_S
    assert backoff.pause(None) == 2 * DEFAULT_PAUSE_S
    for _ in range(10):
        backoff.pause(None)
    assert backoff.pause(None) == MAX_PAUSE_S
    assert backoff.pause(0) == 1.0  # never a zero pause

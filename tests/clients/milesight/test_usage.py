"""The rolling 24-hour request counter."""

from __future__ import annotations

from custom_components.minerva_iot.clients.milesight import ApiUsage


def test_rolling_window_forgets_requests_older_than_a_day() -> None:
    """Requests leave the count 24 hours after the hour they were sent in."""
    now = [1_000_000.0]
    usage = ApiUsage(clock=lambda: now[0])
    usage.record()
    usage.record()
    now[0] += 3600 * 5
    usage.record()
    assert usage.last_24h() == 3
    now[0] += 3600 * 20  # the first hour is now 25 hours old
    assert usage.last_24h() == 1
    now[0] += 3600 * 24
    assert usage.last_24h() == 0

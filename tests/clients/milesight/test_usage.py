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


def test_counts_survive_a_new_client_through_as_dict() -> None:
    """Saved hourly counts are added back; expired and malformed ones are dropped."""
    now = [3600.0 * 1000]  # the start of hour 1000
    first = ApiUsage(clock=lambda: now[0])
    first.record()
    now[0] += 3600
    first.record()
    first.record()
    saved = first.as_dict()
    assert sorted(saved.values()) == [1, 2]
    second = ApiUsage(clock=lambda: now[0])
    second.record()
    second.restore({**saved, "not-an-hour": 5, "12": "x", "13": 0})
    assert second.last_24h() == 4
    now[0] += 3600 * 23.5  # hour 1024: hour 1000 (one request) left the window
    assert second.last_24h() == 3
    assert ApiUsage(clock=lambda: now[0]).as_dict() == {}

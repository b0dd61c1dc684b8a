"""The one API-call counter: rolling 24 hours and calendar-day views, persisted state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from custom_components.minerva_iot.usage import ApiCallCounter


class Clock:
    """A settable clock (epoch seconds)."""

    def __init__(self, when: datetime) -> None:
        """Start at ``when``."""
        self.now = when.timestamp()

    def __call__(self) -> float:
        """The current time."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move forward."""
        self.now += timedelta(**delta).total_seconds()


def test_rolling_day_and_calendar_day_views() -> None:
    """Calls of yesterday evening count in the last 24 h, not today; old ones drop out."""
    clock = Clock(datetime(2026, 12, 1, 22, 30, tzinfo=UTC))
    counter = ApiCallCounter(clock, UTC)
    for _ in range(3):
        counter.record()
    clock.advance(hours=2)  # 00:30 next day
    counter.record()
    assert counter.last_24h() == 4
    assert counter.today() == 1
    clock.advance(hours=23)  # 23:30: the 22:xx calls are now more than 24 h old
    assert counter.last_24h() == 1
    assert counter.today() == 1


def test_calendar_day_follows_the_time_zone() -> None:
    """A call at 23:30 UTC is "today" in a zone two hours ahead only until its midnight."""
    clock = Clock(datetime(2026, 12, 1, 21, 30, tzinfo=UTC))  # 23:30 at UTC+2
    counter = ApiCallCounter(clock, timezone(timedelta(hours=2)))
    counter.record()
    assert counter.today() == 1
    clock.advance(hours=1)  # 00:30 at UTC+2
    assert counter.today() == 0
    assert counter.last_24h() == 1


def test_state_survives_a_restart_and_skips_garbage() -> None:
    """`as_dict` / `restore` keep the counts; malformed items are ignored."""
    clock = Clock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    counter = ApiCallCounter(clock, UTC)
    counter.record()
    counter.record()
    saved = counter.as_dict()
    restored = ApiCallCounter(clock, UTC)
    restored.restore({**saved, "x": 1, "5": "y", "7": -2})
    assert restored.last_24h() == 2
    assert restored.today() == 2
    clock.advance(hours=49)
    assert restored.as_dict() == {}

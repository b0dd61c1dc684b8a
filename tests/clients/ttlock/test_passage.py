"""Passage-mode schedules: reading them, and what they mean at a moment (no Home Assistant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    ALL_DAY_EVERY_DAY,
    PassagePeriod,
    PassageState,
    TTLockClient,
    TTLockError,
    TTLockPassageConfig,
)
from simulators.ttlock import TTLockSimulator

from .conftest import RawServer

FRONT = 4711001
# The documented example window, Monday to Friday (lock/configurePassageMode.md: 480 / 1080).
OFFICE_HOURS = {"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [1, 2, 3, 4, 5]}
UTC_PLUS_1 = timedelta(hours=1)
# Monday 3 March 2025.
MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


def config(*periods: dict[str, Any], enabled: bool = True) -> TTLockPassageConfig:
    """A configuration as the cloud answers it."""
    return TTLockPassageConfig.from_api(
        {"passageMode": 1 if enabled else 2, "autoUnlock": 2, "cyclicConfig": list(periods)}
    )


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """UTC time on weekday `day` (1 = Monday) of the test week."""
    return MONDAY + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)


# ------------------------------------------------------------------------------ parsing


def test_documented_answer_is_read() -> None:
    """The example of getPassageModeConfiguration.md, field for field."""
    answer = {
        "passageMode": 1,
        "cyclicConfig": [{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [1, 2]}],
        "autoUnlock": 1,
    }
    parsed = TTLockPassageConfig.from_api(answer)
    assert parsed.enabled is True
    assert parsed.auto_unlock is True
    assert parsed.periods == (
        PassagePeriod(weekdays=(1, 2), all_day=False, start_minute=480, end_minute=1080),
    )
    assert [period.as_api() for period in parsed.periods] == answer["cyclicConfig"]


def test_tolerant_forms() -> None:
    """JSON strings for the arrays, numeric strings, null never-configured values (#29)."""
    parsed = TTLockPassageConfig.from_api(
        {
            "passageMode": "2",
            "autoUnlock": None,
            "cyclicConfig": json.dumps(
                [{"isAllDay": "1", "startTime": None, "endTime": None, "weekDays": "[7, 6]"}]
            ),
        }
    )
    assert parsed.enabled is False
    assert parsed.auto_unlock is None
    assert parsed.periods == (PassagePeriod(weekdays=(6, 7), all_day=True),)
    assert TTLockPassageConfig.from_api({"passageMode": 1, "cyclicConfig": None}).periods == ()


@pytest.mark.parametrize(
    ("cyclic_config", "error"),
    [
        ("not json", "cyclicConfig is not JSON"),
        ({"isAllDay": 2}, "cyclicConfig is not a list"),
        (["not an object"], "period is not an object"),
        ([{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": []}], "weekDays"),
        ([{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [0, 8]}], "weekDays"),
        ([{"isAllDay": 2, "startTime": 480, "endTime": 1500, "weekDays": [1]}], "endTime"),
        ([{"isAllDay": 2, "startTime": None, "endTime": 1080, "weekDays": [1]}], "startTime"),
    ],
)
def test_unreadable_schedule_is_refused(cyclic_config: Any, error: str) -> None:
    """A schedule read in part could show a lock held open as closed: all or nothing."""
    with pytest.raises(ValueError, match=error):
        TTLockPassageConfig.from_api({"passageMode": 1, "cyclicConfig": cyclic_config})


def test_all_day_every_day_is_the_documented_form() -> None:
    """What switching passage mode on sends when the lock has no schedule."""
    assert [period.as_api() for period in ALL_DAY_EVERY_DAY] == [
        {"isAllDay": 1, "startTime": 0, "endTime": 1439, "weekDays": [1, 2, 3, 4, 5, 6, 7]}
    ]


# ------------------------------------------------------------------ meaning at a moment


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # Monday 07:30 lock time (UTC+1): before the window; it opens at 08:00 lock time.
        (at(1, 6, 30), PassageState(False, at(1, 7))),
        # The first minute of the window: active until 18:00 lock time.
        (at(1, 7), PassageState(True, at(1, 17))),
        (at(1, 12, 34, 56), PassageState(True, at(1, 17))),
        # 18:00 is the window's end (start <= minute < end): next is Tuesday 08:00.
        (at(1, 17), PassageState(False, at(2, 7))),
        # Friday night: the next window is Monday's, after the weekend.
        (at(5, 20), PassageState(False, at(8, 7))),
        # Sunday 23:30 UTC is Monday 00:30 lock time: the lock's time zone decides the day.
        (at(7, 23, 30), PassageState(False, at(8, 7))),
    ],
)
def test_office_hours(when: datetime, expected: PassageState) -> None:
    """Weekdays 1-5, 08:00-18:00, judged in the lock's time zone."""
    assert config(OFFICE_HOURS).state_at(when, utc_offset=UTC_PLUS_1) == expected


def test_lock_clock_shifts_the_boundaries() -> None:
    """A lock clock 78 s ahead opens 78 s early (cloud time): ttlock_flutter #5."""
    ahead = timedelta(seconds=78)
    state = config(OFFICE_HOURS).state_at(at(1, 6), utc_offset=UTC_PLUS_1, clock_offset=ahead)
    assert state == PassageState(False, at(1, 7) - ahead)
    inside = config(OFFICE_HOURS).state_at(
        at(1, 7) - ahead, utc_offset=UTC_PLUS_1, clock_offset=ahead
    )
    assert inside == PassageState(True, at(1, 17) - ahead)


def test_touching_periods_merge() -> None:
    """All day Monday and Tuesday morning: one stretch, ending Tuesday 12:00."""
    schedule = config(
        {"isAllDay": 1, "startTime": 0, "endTime": 1439, "weekDays": [1]},
        {"isAllDay": 2, "startTime": 0, "endTime": 720, "weekDays": [2]},
    )
    assert schedule.state_at(at(1, 10), utc_offset=timedelta(0)) == PassageState(True, at(2, 12))


def test_stretch_across_the_end_of_the_week() -> None:
    """All day Sunday and Monday: active on Sunday until Tuesday 00:00."""
    schedule = config({"isAllDay": 1, "startTime": 0, "endTime": 1439, "weekDays": [7, 1]})
    assert schedule.state_at(at(7, 10), utc_offset=timedelta(0)) == PassageState(True, at(9, 0))
    assert schedule.state_at(at(1, 10), utc_offset=timedelta(0)) == PassageState(True, at(2, 0))


def test_overnight_window_runs_into_the_next_day() -> None:
    """*Unconfirmed* (field_facts.md §12.4): an end before the start is past midnight."""
    schedule = config({"isAllDay": 2, "startTime": 1320, "endTime": 360, "weekDays": [7]})
    utc = timedelta(0)
    assert schedule.state_at(at(7, 23), utc_offset=utc) == PassageState(True, at(8, 6))
    assert schedule.state_at(at(8, 3), utc_offset=utc) == PassageState(True, at(8, 6))
    assert schedule.state_at(at(8, 7), utc_offset=utc) == PassageState(False, at(14, 22))


def test_always_and_never() -> None:
    """No boundary to wait for: off, on without periods (*unconfirmed*: always), all week."""
    utc = timedelta(0)
    assert config(OFFICE_HOURS, enabled=False).state_at(at(1, 9), utc_offset=utc) == (
        PassageState(False, None)
    )
    assert config().state_at(at(1, 9), utc_offset=utc) == PassageState(True, None)
    every_day = config(*(period.as_api() for period in ALL_DAY_EVERY_DAY))
    assert every_day.state_at(at(3, 9), utc_offset=utc) == PassageState(True, None)
    # A window that ends where it starts is empty: never active.
    empty = config({"isAllDay": 2, "startTime": 600, "endTime": 600, "weekDays": [1]})
    assert empty.state_at(at(1, 10), utc_offset=utc) == PassageState(False, None)


# -------------------------------------------------------------------------- the client


async def test_client_reads_the_simulator_schedule(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """GET lock/getPassageModeConfiguration, sorted as the cloud sorts it."""
    front = sim.locks[FRONT]
    front.passage_mode = True
    front.passage_periods = [OFFICE_HOURS]
    parsed = await client.async_get_passage_mode_config(FRONT)
    assert parsed == config(OFFICE_HOURS)
    assert sim.calls["lock/getPassageModeConfiguration"] == 1


async def test_client_refuses_an_unreadable_schedule(
    raw_server: RawServer, raw_client: TTLockClient
) -> None:
    """A malformed answer is a client error, not a half-read schedule."""
    raw_server.answer(200, json.dumps({"passageMode": 1, "cyclicConfig": [{"weekDays": [9]}]}))
    with pytest.raises(TTLockError, match="unreadable passage schedule"):
        await raw_client.async_get_passage_mode_config(FRONT)

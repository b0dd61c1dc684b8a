"""The passcode calendar of a lock: timed codes as events, read from a cache (budget)."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.minerva_iot.clients.ttlock import TTLockPasscode
from custom_components.minerva_iot.ttlock.calendar import windows
from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import SimulatedPasscode

from .conftest import FRONT_DOOR

CALENDAR = "calendar.front_door_passcodes"
LIST = "lock/listKeyboardPwd"
NOW = "2025-03-03T12:00:00+00:00"  # a Monday
CODES = ("482913", "77001122", "556677", "1234", "990011")
# Both simulated locks have a keypad (feature bit 0): one list per lock per slow tier.
LOCKS_WITH_KEYPAD = 2


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
def passcodes(sim: TTLockSimulator, freezer: FrozenDateTimeFactory) -> None:
    """A guest's stay (now), a daily cleaner window, a plumber's one-time code, the owner's code."""
    freezer.move_to(NOW)
    now = dt_util.now()
    codes = sim.locks[FRONT_DOOR].passcodes
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    entries = (
        ("Guest Anna", 3, now - timedelta(hours=1), now + timedelta(days=2)),
        ("Cleaner", 6, nine - timedelta(days=7), nine - timedelta(days=7) + timedelta(hours=2)),
        ("Plumber", 1, now + timedelta(days=1), None),
        ("Owner", 2, None, None),
        ("", 3, now + timedelta(days=5), now + timedelta(days=6)),
    )
    for number, (name, kind, start, end) in enumerate(entries):
        codes[100 + number] = SimulatedPasscode(
            100 + number,
            CODES[number],
            name,
            kind,
            _ms(start) if start else 0,
            _ms(end) if end else 0,
            _ms(now),
        )


async def _events(hass: HomeAssistant, days: int) -> list[dict[str, Any]]:
    start = dt_util.now()
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": start,
            "end_date_time": start + timedelta(days=days),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[CALENDAR]["events"]  # type: ignore[index,assignment]
    assert not any(code in json.dumps(response) for code in CODES)
    return events


async def test_calendar_shows_who_can_enter_when(
    hass: HomeAssistant, passcodes: None, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """On during the guest's stay; events are named after the codes, which never show."""
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.state == "on"
    assert state.attributes["message"] == "Guest Anna"
    assert not any(code in json.dumps(dict(state.attributes), default=str) for code in CODES)

    events = await _events(hass, 3)
    summaries = [event["summary"] for event in events]
    # The daily cleaner window: today's is over; tomorrow's, the day after's and the next.
    assert summaries.count("Cleaner") == 3
    assert "Guest Anna" in summaries
    assert "Plumber" in summaries
    assert "Owner" not in summaries  # permanent: no event
    plumber = next(event for event in events if event["summary"] == "Plumber")
    assert dt_util.parse_datetime(plumber["end"]) - dt_util.parse_datetime(plumber["start"]) == (
        timedelta(hours=6)
    )
    cleaner = next(event for event in events if event["summary"] == "Cleaner")
    start = dt_util.parse_datetime(cleaner["start"])
    assert start is not None
    assert (start.hour, start.minute) == (9, 0)
    assert dt_util.parse_datetime(cleaner["end"]) - start == timedelta(hours=2)
    # A code without a name gets its id.
    later = [event["summary"] for event in await _events(hass, 7)]
    assert "Passcode 104" in later


async def test_frontend_queries_cost_no_api_call(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    passcodes: None,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """The list is read on the slow tier and after a passcode change, never per query."""
    assert sim.calls[LIST] == LOCKS_WITH_KEYPAD
    # calendar.get_events answers through the entity's async_get_events, as the frontend's
    # calendar view does.
    for _ in range(5):
        await _events(hass, 30)
    assert sim.calls[LIST] == LOCKS_WITH_KEYPAD

    # A passcode action tells the coordinator: one list of that lock.
    now = dt_util.now()
    sim.locks[FRONT_DOOR].passcodes[200] = SimulatedPasscode(
        200,
        "135790",
        "Late guest",
        3,
        _ms(now + timedelta(days=1)),
        _ms(now + timedelta(days=2)),
        0,
    )
    coordinator = loaded_entry.runtime_data.coordinator
    coordinator.async_passcodes_changed(FRONT_DOOR)
    coordinator.async_passcodes_changed(FRONT_DOOR)  # while one re-read runs: no second
    await hass.async_block_till_done()
    assert sim.calls[LIST] == LOCKS_WITH_KEYPAD + 1
    assert "Late guest" in [event["summary"] for event in await _events(hass, 3)]

    # Neither a poll nor the slow tier (6 h) reads passcodes (issue 16's call budget); the
    # daily tier reads every keypad lock's again.
    freezer.tick(timedelta(minutes=DEFAULT_POLL_MINUTES + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls[LIST] == LOCKS_WITH_KEYPAD + 1
    for _ in range(3):
        freezer.tick(timedelta(hours=6))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert sim.calls[LIST] == LOCKS_WITH_KEYPAD + 1
    freezer.tick(timedelta(hours=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls[LIST] == 2 * LOCKS_WITH_KEYPAD + 1


def _passcode(kind: Any, start: datetime | None, end: datetime | None) -> TTLockPasscode:
    return TTLockPasscode.from_api(
        {
            "keyboardPwdId": 1,
            "keyboardPwd": "123456",
            "keyboardPwdType": kind,
            "startDate": _ms(start) if start else 0,
            "endDate": _ms(end) if end else 0,
        }
    )


@pytest.mark.parametrize(
    ("kind", "start", "end", "expected"),
    [
        # The delete code and a period code without an end are no events.
        (4, (0, 9), (1, 9), []),
        (3, (0, 9), None, []),
        # A type that is no number is read as a period code.
        (True, (0, 9), (1, 9), [(0, 9, 1, 9)]),
        # Weekend code 22:00-06:00 (overnight), repeating without end: Sat and Sun nights.
        (5, (0, 22), (0, 6), [(5, 22, 6, 6), (6, 22, 7, 6), (12, 22, 13, 6), (13, 22, 14, 6)]),
        # Monday code 08:00-10:00 until the second Monday: two windows only.
        (8, (0, 8), (7, 10), [(0, 8, 0, 10), (7, 8, 7, 10)]),
    ],
)
def test_passcode_windows(
    kind: Any,
    start: tuple[int, int],
    end: tuple[int, int] | None,
    expected: list[tuple[int, int, int, int]],
) -> None:
    """Windows by passcode type, read on Home Assistant's clock (field_facts.md §9)."""
    monday = datetime(2025, 3, 3, tzinfo=dt_util.get_default_time_zone())

    def at(day: int, hour: int) -> datetime:
        return monday + timedelta(days=day, hours=hour)

    passcode = _passcode(kind, at(*start), at(*end) if end else None)
    found = list(windows(passcode, monday, monday + timedelta(days=14)))
    assert found == [(at(a, b), at(c, d)) for a, b, c, d in expected]

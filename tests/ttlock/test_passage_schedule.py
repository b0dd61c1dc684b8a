"""Passage mode as a weekly schedule, through Home Assistant, on a frozen clock.

The simulator's front door is in UTC+1 (timezoneRawOffset 3600000) and relocks 5 s after an
unlock; its office hours are Monday-Friday 08:00-18:00 lock time, 07:00-17:00 UTC.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulators.ttlock import SimulatedLock, TTLockSimulator
from simulators.ttlock.field import OFFICE_HOURS

from .conftest import FRONT_DOOR, WEBHOOK_ID

FRONT = "lock.front_door"
PASSAGE = "switch.front_door_passage_mode"
CARD_UNLOCK = 7
APP_LOCK = 11
# Monday 3 March 2025, 22:00 lock time.
MONDAY_NIGHT = "2025-03-03T21:00:00+00:00"
ALL_DAY_EVERY_DAY = [
    {"isAllDay": 1, "startTime": 0, "endTime": 1439, "weekDays": [1, 2, 3, 4, 5, 6, 7]}
]


def utc(text: str) -> datetime:
    """A UTC time of the test week."""
    parsed = dt_util.parse_datetime(f"2025-03-{text}+00:00")
    assert parsed is not None
    return parsed


@pytest.fixture(autouse=True)
def monday_night(freezer: FrozenDateTimeFactory) -> None:
    """The clock is set before the simulator issues the entry's token."""
    freezer.move_to(MONDAY_NIGHT)


type Push = Callable[[dict[str, str]], Awaitable[None]]


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry, hass_client_no_auth: Any) -> Push:
    """Set the entry up, then (the HTTP router is frozen by then) post pushes to its webhook."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    client = await hass_client_no_auth()

    async def push(fields: dict[str, str]) -> None:
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=fields)
        assert await response.text() == "success"
        await hass.async_block_till_done()

    return push


async def _go(hass: HomeAssistant, freezer: FrozenDateTimeFactory, to: str | float) -> None:
    """Move the clock to a time of the week ("04T07:00:00") or by seconds; timers run."""
    if isinstance(to, str):
        freezer.move_to(utc(to))
    else:
        freezer.tick(timedelta(seconds=to))
    async_fire_time_changed(hass)
    # Scheduled polls run as background tasks doing real I/O with the simulator.
    await hass.async_block_till_done(wait_background_tasks=True)


def _passage(hass: HomeAssistant) -> dict[str, Any]:
    state = hass.states.get(PASSAGE)
    assert state is not None
    return {"state": state.state, **state.attributes}


def _office_hours(sim: TTLockSimulator, *, enabled: bool = True) -> None:
    front = sim.locks[FRONT_DOOR]
    front.passage_mode = enabled
    front.passage_periods = [dict(period) for period in OFFICE_HOURS]


async def _turn(hass: HomeAssistant, service: str) -> None:
    await hass.services.async_call(SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: PASSAGE}, blocking=True)
    await hass.async_block_till_done()


def _sent_schedule(sim: TTLockSimulator) -> list[dict[str, Any]] | None:
    """The cyclicConfig of the last configurePassageMode request (None: sent without)."""
    for _method, endpoint, params in reversed(sim.requests):
        if endpoint == "lock/configurePassageMode":
            return json.loads(params["cyclicConfig"]) if "cyclicConfig" in params else None
    raise AssertionError("no configurePassageMode request")


async def test_office_hours_through_a_day(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """Night: the relock is inferred. Office hours: held open. The boundaries flip it."""
    _office_hours(sim)
    push = await _set_up(hass, entry, hass_client_no_auth)
    # Configured, not active: the switch is on, the window opens Tuesday 08:00 lock time.
    assert _passage(hass) == {
        "state": STATE_ON,
        "active": False,
        "active_until": None,
        "next_active_from": utc("04T07:00:00"),
        "friendly_name": "Front door Passage mode",
    }

    # Unlocked at night: relocked 5 s later, as without passage mode.
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await _go(hass, freezer, 6)
    assert hass.states.get(FRONT).state == LockState.LOCKED

    # Unlocked 2 s before the window opens: the relock due at 08:00:03 does not happen.
    await _go(hass, freezer, "04T06:59:58")
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, "04T07:00:00")
    await _go(hass, freezer, 4)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    passage = _passage(hass)
    assert passage["active"] is True
    assert passage["active_until"] == utc("04T17:00:00")
    assert passage["next_active_from"] is None
    # The state changed at the boundary, and not since (no write every minute).
    assert hass.states.get(PASSAGE).last_updated == utc("04T07:00:00")

    # Locked and unlocked again in office hours: held open.
    await _go(hass, freezer, "04T10:00:00")
    assert hass.states.get(PASSAGE).last_updated == utc("04T07:00:00")
    await push(sim.build_callback(FRONT_DOOR, APP_LOCK))
    assert hass.states.get(FRONT).state == LockState.LOCKED
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, 60)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED

    # 18:00 lock time: the window closes; the lock stays as it is ("until it is manually
    # locked"), and the next window is Wednesday's.
    await _go(hass, freezer, "04T17:00:00")
    assert _passage(hass) | {"friendly_name": None} == {
        "state": STATE_ON,
        "active": False,
        "active_until": None,
        "next_active_from": utc("05T07:00:00"),
        "friendly_name": None,
    }
    assert hass.states.get(FRONT).state == LockState.UNLOCKED

    # At night again the relock is inferred.
    await _go(hass, freezer, "04T20:00:00")
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, 6)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_switching_on_without_a_schedule_sends_all_day_every_day(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """Not a bare flag: the documented all-day form; the schedule is read back after it."""
    push = await _set_up(hass, entry, hass_client_no_auth)
    assert _passage(hass)["state"] == STATE_OFF
    reads = sim.calls["lock/getPassageModeConfiguration"]

    await _turn(hass, "turn_on")
    assert _sent_schedule(sim) == ALL_DAY_EVERY_DAY
    assert sim.locks[FRONT_DOOR].passage_periods == ALL_DAY_EVERY_DAY
    assert sim.calls["lock/getPassageModeConfiguration"] == reads + 1
    passage = _passage(hass)
    assert passage["state"] == STATE_ON
    assert passage["active"] is True
    assert passage["active_until"] is None
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, 60)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED

    await _turn(hass, "turn_off")
    assert sim.locks[FRONT_DOOR].passage_mode is False
    assert _sent_schedule(sim) is None
    passage = _passage(hass)
    assert (passage["state"], passage["active"], passage["next_active_from"]) == (
        STATE_OFF,
        False,
        None,
    )
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, 6)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_switching_on_keeps_the_lock_schedule(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry, hass_client_no_auth: Any
) -> None:
    """Passage mode off with office hours stored: on sends those hours back."""
    _office_hours(sim, enabled=False)
    await _set_up(hass, entry, hass_client_no_auth)
    assert _passage(hass)["active"] is False
    await _turn(hass, "turn_on")
    assert _sent_schedule(sim) == OFFICE_HOURS
    passage = _passage(hass)
    assert (passage["state"], passage["active"], passage["next_active_from"]) == (
        STATE_ON,
        False,
        utc("04T07:00:00"),
    )


async def test_unread_schedule(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """The schedule could not be read: passage mode on holds the lock open all the time (as
    before schedules were read), and switching on reads it first instead of overwriting it."""
    _office_hours(sim)
    sim.fail_next(2, "errcode:-3", "lock/getPassageModeConfiguration")
    push = await _set_up(hass, entry, hass_client_no_auth)
    passage = _passage(hass)
    assert (passage["state"], passage["active"], passage["active_until"]) == (
        STATE_ON,
        True,
        None,
    )
    await push(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await _go(hass, freezer, 60)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED

    await _turn(hass, "turn_on")
    assert _sent_schedule(sim) == OFFICE_HOURS
    assert _passage(hass)["next_active_from"] == utc("04T07:00:00")


async def test_lock_without_time_zone_or_passage_fields(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """lock/detail may leave out what was never configured (detail.md): passage mode is
    unknown until its schedule is read, which then runs in Home Assistant's time zone."""
    detail = SimulatedLock.detail

    def sparse_detail(lock: SimulatedLock) -> dict[str, Any]:
        body = detail(lock)
        if lock.lock_id == FRONT_DOOR:
            del body["timezoneRawOffset"], body["passageMode"]
        return body

    monkeypatch.setattr(SimulatedLock, "detail", sparse_detail)
    sim.fail_next(2, "errcode:-3", "lock/getPassageModeConfiguration")
    await _set_up(hass, entry, hass_client_no_auth)
    passage = _passage(hass)
    assert (passage["active"], passage["active_until"], passage["next_active_from"]) == (
        None,
        None,
        None,
    )

    _office_hours(sim, enabled=False)
    await _turn(hass, "turn_on")
    assert _sent_schedule(sim) == OFFICE_HOURS
    # Monday 13:00 in US/Pacific (the test instance's time zone): in the window until 18:00
    # there, 02:00 UTC.
    passage = _passage(hass)
    assert (passage["active"], passage["active_until"]) == (True, utc("04T02:00:00"))


async def test_schedule_read_failures(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A failed read after a change keeps what was commanded; a quota refusal fails the poll."""
    await _set_up(hass, entry, hass_client_no_auth)
    sim.fail_next(1, "errcode:-3", "lock/getPassageModeConfiguration")
    await _turn(hass, "turn_on")
    passage = _passage(hass)
    assert (passage["state"], passage["active"]) == (STATE_ON, True)
    sim.fail_next(1, "quota", "lock/getPassageModeConfiguration")
    await _turn(hass, "turn_off")
    passage = _passage(hass)
    assert (passage["state"], passage["active"]) == (STATE_OFF, False)

    sim.fail_next(1, "quota", "lock/getPassageModeConfiguration")
    await _go(hass, freezer, 6 * 3600)
    issue_id = f"ttlock_quota_exceeded_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue("minerva_iot", issue_id) is not None

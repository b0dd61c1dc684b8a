"""A gateway's backlog after an outage neither misdates records nor teaches a wrong lock clock.

Back from an outage, a gateway uploads what its locks logged meanwhile, many records in one push:
each record's serverDate is the upload time, its lockDate when it happened, up to hours before
(`TTLockSimulator.backlog_callback(uploaded_now=True)`; that real backlogs carry one upload time
is *unconfirmed*). lockDate - serverDate is then the upload delay, not the lock's clock offset
(learning.py). The front door's clock runs 80 s ahead (PR #170); its office-hours passage
schedule runs on that clock, so the switch's `next_active_from` shows the learned offset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulators.ttlock import TTLockSimulator
from simulators.ttlock.field import OFFICE_HOURS

from .conftest import FRONT_DOOR, PostCallback, advance_clock

FRONT = "lock.front_door"
DOOR = "binary_sensor.front_door_door"
PASSAGE = "switch.front_door_passage_mode"
CARD_UNLOCK = 7
APP_LOCK = 11
# Unlock by passcode, door opened, door closed, locked by passcode: the newest is a lock.
CYCLE = [4, 31, 30, 34]
LOCK_AHEAD_MS = 80_000
OUTAGE = timedelta(hours=2)
BACKLOG_RECORDS = 300
# The backlog's records spread over the outage.
SPACING_MS = int(OUTAGE.total_seconds() * 1000) // BACKLOG_RECORDS
# The lock opens its office hours at 08:00 on its clock (Europe, UTC+1): 07:00 UTC less the
# learned offset, which is the 80 s less the simulator's 1.5 s upload (test_clock_drift.py).
EIGHT = "2025-03-04T07:00:00+00:00"
LEARNED_OFFSET = timedelta(seconds=78.5)


@pytest.fixture
def sim(ttlock_sim: TTLockSimulator, freezer: FrozenDateTimeFactory) -> TTLockSimulator:
    """An evening (no passage period runs); the front door 80 s ahead, with office hours."""
    freezer.move_to("2025-03-03T18:30:00+00:00")
    front = ttlock_sim.locks[FRONT_DOOR]
    front.clock_offset_ms = LOCK_AHEAD_MS
    front.passage_mode = True
    front.passage_periods = [dict(period) for period in OFFICE_HOURS]
    return ttlock_sim


def _eight_on_the_lock_clock() -> datetime:
    eight = dt_util.parse_datetime(EIGHT)
    assert eight is not None
    return eight - LEARNED_OFFSET


def _offset_shown(hass: HomeAssistant) -> Any:
    """Where the passage schedule's next start is: it moves with the learned clock offset."""
    return hass.states.get(PASSAGE).attributes["next_active_from"]


@pytest.fixture
async def post(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> PostCallback:
    """Posts pushes to the set-up entry, which learned the front door's clock from two live ones."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK))
    assert _offset_shown(hass) == _eight_on_the_lock_clock()
    return post_callback


def _backlog(sim: TTLockSimulator, *, newest_first: bool) -> dict[str, str]:
    fields = sim.backlog_callback(
        FRONT_DOOR,
        CYCLE * (BACKLOG_RECORDS // len(CYCLE)),
        spacing_ms=SPACING_MS,
        uploaded_now=True,
    )
    records = json.loads(fields["records"])
    assert len(records) == BACKLOG_RECORDS
    assert {record["serverDate"] for record in records} == {sim.now_ms()}
    assert records[-1]["lockDate"] - records[0]["lockDate"] > OUTAGE.total_seconds() * 990
    if newest_first:  # the order of a real backlog's records is unknown
        fields["records"] = json.dumps(records[::-1])
    return fields


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest_first", "newest_first"])
async def test_backlog_after_an_outage_keeps_the_clock_and_the_newest_state(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    post: PostCallback,
    newest_first: bool,
) -> None:
    """300 records uploaded at once after 2 hours: the newest one's state, the same clock; the
    next live push is dated by the lock's real clock (its newer record wins, not its order)."""
    await advance_clock(hass, freezer, OUTAGE.total_seconds())

    await post(_backlog(sim, newest_first=newest_first))

    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert hass.states.get(DOOR).state == "off"
    assert _offset_shown(hass) == _eight_on_the_lock_clock()

    # A live push of two records: locked now, unlocked 20 s before, the newer one first.
    await advance_clock(hass, freezer, 60)
    lock_now = sim.locks[FRONT_DOOR].lock_time_ms(sim.now_ms())
    fields = sim.build_callback(FRONT_DOOR, APP_LOCK)
    unlock = sim.build_callback(FRONT_DOOR, CARD_UNLOCK, lockDate=lock_now - 20_000)
    fields["records"] = json.dumps([*json.loads(fields["records"]), *json.loads(unlock["records"])])
    await post(fields)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert _offset_shown(hass) == _eight_on_the_lock_clock()


async def test_records_uploaded_long_after_they_happened_teach_no_clock(
    freezer: FrozenDateTimeFactory, hass: HomeAssistant, sim: TTLockSimulator, post: PostCallback
) -> None:
    """A backlog pushed one record at a time (each uploaded 10 min late) changes neither the
    state (each is older than the lock applied) nor the learned clock."""
    for minutes_ago in range(10, 5, -1):
        await advance_clock(hass, freezer, 1)
        lock_then = sim.locks[FRONT_DOOR].lock_time_ms(sim.now_ms() - minutes_ago * 60_000)
        late = sim.build_callback(FRONT_DOOR, CARD_UNLOCK, lockDate=lock_then)
        await post(late)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert _offset_shown(hass) == _eight_on_the_lock_clock()


@pytest.fixture
def spoiled_store(hass_storage: dict[str, Any], entry: MockConfigEntry) -> None:
    """What an older version learned from a backlog: 7 records uploaded 20 min late, 2 live."""
    server_ms = 1_741_000_000_000
    live = [[server_ms + offset, server_ms] for offset in (78_500, 78_400)]
    backlog = [[server_ms + 80_000 - 1_200_000 - index, server_ms] for index in range(7)]
    key = f"minerva_iot.ttlock_learned.{entry.entry_id}"
    hass_storage[key] = {
        "version": 1,
        "key": key,
        "data": {"locks": {str(FRONT_DOOR): {"clock_samples": [*live, *backlog]}}},
    }


@pytest.mark.usefixtures("spoiled_store", "loaded_entry")
async def test_a_clock_learned_from_a_backlog_before_is_healed_on_load(
    hass: HomeAssistant,
) -> None:
    """Stored samples no clock can explain are dropped: the live ones give the lock's clock."""
    assert _offset_shown(hass) == _eight_on_the_lock_clock()

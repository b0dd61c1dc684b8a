"""The "API calls today" count survives reloads and restarts (the cloud's quota does too).

Saved as hourly counts (version 2); a count saved by 0.2.0 (version 1: one day's count) is
migrated on load: today's count becomes that many calls in the current hour.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator

CALLS = "sensor.ttlock_demo_example_com_api_calls_today"


def _enable_counter(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        "ttlock_account_1001_api_calls_today",
        config_entry=entry,
        suggested_object_id="ttlock_demo_example_com_api_calls_today",
        disabled_by=None,
    )


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


def _store_key(entry: MockConfigEntry) -> str:
    return f"{DOMAIN}.ttlock_usage.{entry.entry_id}"


async def test_count_goes_on_after_a_reload(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Reloading (an options change) does not start the count from 0 again."""
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    first = sum(sim.calls.values())
    assert int(hass.states.get(CALLS).state) == first
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sum(sim.calls.values()) > first
    assert int(hass.states.get(CALLS).state) == sum(sim.calls.values())
    # Saved when the entry unloaded (later counts are saved a minute after they change).
    saved = hass_storage[_store_key(entry)]
    assert saved["version"] == 2
    assert sum(saved["data"]["calls"].values()) == first


async def test_only_calls_since_local_midnight_count_today(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Saved hourly counts: those of the last hours before local midnight are not today's."""
    freezer.move_to("2025-03-01 20:30:00+00:00")
    midnight = dt_util.start_of_local_day()

    def hour(moment: Any) -> str:
        return str(int(moment.timestamp() // 3600))

    hass_storage[_store_key(entry)] = {
        "version": 2,
        "key": _store_key(entry),
        "data": {
            "calls": {
                hour(midnight - timedelta(hours=2)): 50,
                hour(dt_util.utcnow() - timedelta(hours=1)): 7,
            }
        },
    }
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    assert int(hass.states.get(CALLS).state) == 7 + sum(sim.calls.values())


async def test_count_of_today_is_restored_at_start_up(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A 0.2.0 count saved today is carried on; the entry's removal deletes it."""
    today = dt_util.now().date().isoformat()
    hass_storage[_store_key(entry)] = {
        "version": 1,
        "key": _store_key(entry),
        "data": {"day": today, "count": 100},
    }
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    assert int(hass.states.get(CALLS).state) == 100 + sum(sim.calls.values())

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _store_key(entry) not in hass_storage


async def test_count_of_another_day_starts_again(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A 0.2.0 count saved on another day does not count for today."""
    hass_storage[_store_key(entry)] = {
        "version": 1,
        "key": _store_key(entry),
        "data": {"day": "2000-01-01", "count": 100},
    }
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    assert int(hass.states.get(CALLS).state) == sum(sim.calls.values())


@pytest.mark.parametrize(
    ("version", "data"),
    [
        (1, {"day": "today", "count": "many"}),
        (2, {"calls": "many"}),
        (2, {"calls": {"not an hour": 5, "1": "many"}}),
    ],
)
async def test_damaged_count_is_ignored(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    version: int,
    data: dict[str, Any],
) -> None:
    """A saved count that is not a number (either version) is ignored."""
    if data.get("day") == "today":
        data = {**data, "day": dt_util.now().date().isoformat()}
    hass_storage[_store_key(entry)] = {"version": version, "key": _store_key(entry), "data": data}
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    assert int(hass.states.get(CALLS).state) == sum(sim.calls.values())


@pytest.mark.parametrize("name", ["ttlock_usage", "ttlock_learned", "ttlock_observed"])
async def test_an_unreadable_store_is_a_clean_start(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    """A store of the wrong shape (hand-edited, another version's) never fails the set-up."""
    key = f"{DOMAIN}.{name}.{entry.entry_id}"
    version = 2 if name == "ttlock_usage" else 1
    hass_storage[key] = {"version": version, "key": key, "data": ["not", "a", "document"]}
    _enable_counter(hass, entry)
    await _set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert f"Saved data {key} could not be read, starting afresh" in caplog.text
    assert hass.states.get("lock.front_door") is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert isinstance(hass_storage[key]["data"], dict)  # overwritten with a good document

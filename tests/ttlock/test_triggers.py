"""Device trigger types a TTLock device offers (wired into ../device_trigger.py by the lead)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.triggers import TRIGGER_TYPES, ttlock_trigger_types

from .conftest import BACK_DOOR, FRONT_DOOR, GATEWAY, find_device


async def test_locks_offer_every_record_kind(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A lock offers unlocked, locked, door, alarm... triggers; a gateway offers none."""
    lock = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    gateway = find_device(hass, f"ttlock_gateway_{GATEWAY}")
    assert lock is not None
    assert gateway is not None
    types = ttlock_trigger_types(loaded_entry, lock)
    assert {"unlocked", "locked", "door_opened", "alarm"} <= set(types)
    assert set(types) == set(TRIGGER_TYPES)
    assert ttlock_trigger_types(loaded_entry, gateway) == []


async def test_door_triggers_only_with_a_door_sensor(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The back door has no door sensor: no door triggers once the entry knows the lock."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    back = find_device(hass, f"ttlock_lock_{BACK_DOOR}")
    assert back is not None
    types = ttlock_trigger_types(entry, back)
    assert "unlocked" in types
    assert "door_opened" not in types
    assert "door_closed" not in types

    # An entry that does not run (yet) offers every kind, so saved automations stay valid.
    unloaded = MockConfigEntry(domain=DOMAIN, data={"vendor": "ttlock"})
    assert set(ttlock_trigger_types(unloaded, back)) == set(TRIGGER_TYPES)

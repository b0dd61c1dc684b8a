"""Device trigger types a TTLock device offers (wired into ../device_trigger.py by the lead)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.triggers import TRIGGER_TYPES, ttlock_trigger_types

from .conftest import FRONT_DOOR, GATEWAY


async def test_locks_offer_every_record_kind(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A lock offers unlocked, locked, door, alarm... triggers; a gateway offers none."""
    devices = dr.async_get(hass)
    lock = devices.async_get_device(identifiers={(DOMAIN, f"ttlock_lock_{FRONT_DOOR}")})
    gateway = devices.async_get_device(identifiers={(DOMAIN, f"ttlock_gateway_{GATEWAY}")})
    assert lock is not None
    assert gateway is not None
    types = ttlock_trigger_types(loaded_entry, lock)
    assert {"unlocked", "locked", "door_opened", "alarm"} <= set(types)
    assert set(types) == set(TRIGGER_TYPES)
    assert ttlock_trigger_types(loaded_entry, gateway) == []

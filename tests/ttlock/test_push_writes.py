"""A TTLock push writes the states it changes, of the locks it names, not of the whole account.

Counted through Home Assistant's bus: every state write fires `state_changed` (new state) or
`state_reported` (same state re-written), so their entity ids are exactly what a push wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulators.ttlock import TTLockSimulator

from .conftest import BACK_DOOR, FRONT_DOOR, PostCallback, find_device

CARD_UNLOCK = 7


def _capture_writes(hass: HomeAssistant) -> list[str]:
    """Entity ids of every state written from now on (changed or re-reported)."""
    written: list[str] = []

    @callback
    def _written(event: Event) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, _written)

    @callback
    def _every(_data: object) -> bool:
        return True

    # Home Assistant wants a filter on this event (it is fired for every re-written state).
    hass.bus.async_listen(EVENT_STATE_REPORTED, _written, event_filter=_every)
    return written


def _entities_of(hass: HomeAssistant, identifier: str) -> set[str]:
    """The enabled entities of our device `identifier`."""
    device = find_device(hass, identifier)
    assert device is not None
    return {
        entity.entity_id
        for entity in er.async_entries_for_device(er.async_get(hass), device.id)
        if not entity.disabled
    }


def _device_of(hass: HomeAssistant) -> Callable[[str], str | None]:
    registry = er.async_get(hass)
    devices = dr.async_get(hass)

    def device_of(entity_id: str) -> str | None:
        entity = registry.async_get(entity_id)
        device = devices.async_get(entity.device_id) if entity and entity.device_id else None
        return next(iter(device.identifiers))[1] if device else None

    return device_of


async def test_a_push_writes_only_the_entities_of_its_lock(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """One record of the front door: its entities write once each, no other device's do."""
    front = _entities_of(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert _entities_of(hass, f"ttlock_lock_{BACK_DOOR}")
    written = _capture_writes(hass)

    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, electricQuantity=55))

    device_of = _device_of(hass)
    assert {device_of(entity_id) for entity_id in written} == {f"ttlock_lock_{FRONT_DOOR}"}
    # Only the states the record changed, once each: the lock (unlocked, by whom), its battery
    # and its activity; its switches, calendar, buttons and settings show what they showed.
    assert set(written) <= front
    assert sorted(written) == [
        "event.front_door_activity",
        "lock.front_door",
        "sensor.front_door_battery",
    ]

"""Milesight binary sensors: door, motion, leak, occupancy, tamper... and connectivity."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .data import MilesightConfigEntry
from .descriptions import (
    CONNECTIVITY_DESCRIPTION,
    CONNECTIVITY_KEY,
    MilesightBinarySensorEntityDescription,
    binary_sensor_description,
    on_state,
)
from .entity import MilesightDeviceEntity, async_add_device_entities
from .models import DeviceState


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors as devices report on/off keys; one connectivity sensor per device."""
    data = entry.runtime_data

    def candidates(device: DeviceState) -> Iterable[tuple[str, Callable[[], Entity]]]:
        yield (
            CONNECTIVITY_KEY,
            partial(MilesightConnectivity, data, device.sn, CONNECTIVITY_DESCRIPTION),
        )
        for key in sorted(device.keys):
            description = binary_sensor_description(key, device.hints.get(key))
            if description is not None:
                yield key, partial(MilesightPropertyBinarySensor, data, device.sn, description)

    async_add_device_entities(entry, async_add_entities, candidates)


class MilesightPropertyBinarySensor(MilesightDeviceEntity, BinarySensorEntity, RestoreEntity):
    """An on/off property; the last state survives restarts until the next uplink."""

    entity_description: MilesightBinarySensorEntityDescription
    _restored: bool | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the state shown before the restart."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None and last.state in (
            STATE_ON,
            "off",
        ):
            self._restored = last.state == STATE_ON

    @property
    def is_on(self) -> bool | None:
        """On when the raw value (or its TSL label) is one of the description's on-values."""
        device = self.device
        key = self.entity_description.property_key
        if device is None or key not in device.values:
            return self._restored
        return on_state(self.entity_description, device.values[key])


class MilesightConnectivity(MilesightDeviceEntity, BinarySensorEntity):
    """ONLINE/OFFLINE as reported by MDP; stays available so "offline" can be seen."""

    @property
    def available(self) -> bool:
        """Always available (it is the entity that reports unavailability)."""
        return self.device is not None

    @property
    def is_on(self) -> bool | None:
        """Connected, disconnected, or unknown before any report."""
        device = self.device
        return None if device is None else device.online

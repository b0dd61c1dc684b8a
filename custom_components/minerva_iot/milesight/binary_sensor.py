"""Milesight binary sensors: door, motion, leak, occupancy, tamper... and connectivity."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from homeassistant.components.binary_sensor import (
    DOMAIN as BINARY_SENSOR_DOMAIN,
    BinarySensorEntity,
)
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
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
from .entity import MilesightDeviceEntity, PropertyCandidate, async_add_property_entities
from .health_entities import health_binary_sensors
from .keys import resolve
from .models import DeviceState


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors as devices report on/off keys; one connectivity sensor per device."""
    data = entry.runtime_data
    async_add_entities(health_binary_sensors(data))

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        yield (
            CONNECTIVITY_KEY,
            None,
            partial(MilesightBinarySensor, data, device.sn, CONNECTIVITY_DESCRIPTION),
        )
        for key in sorted(device.keys):
            description = binary_sensor_description(resolve(device, key))
            if description is not None:
                factory = partial(MilesightBinarySensor, data, device.sn, description)
                yield key, repr(description), factory

    def platform_keys(device: DeviceState, key: str) -> bool:
        return (
            key == CONNECTIVITY_KEY or binary_sensor_description(resolve(device, key)) is not None
        )

    async_add_property_entities(
        entry,
        async_add_entities,
        candidates,
        domain=BINARY_SENSOR_DOMAIN,
        platform_keys=platform_keys,
    )


class MilesightBinarySensor(MilesightDeviceEntity, BinarySensorEntity, RestoreEntity):
    """An on/off property (its last state survives restarts) or the device's connectivity."""

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

    def device_available(self, device: DeviceState) -> bool:
        """As the description says (connectivity stays available to show "offline")."""
        return self.entity_description.available_fn(device)

    @property
    def is_on(self) -> bool | None:
        """On when the raw value (or its TSL label) is one of the description's on-values."""
        device = self.device
        description = self.entity_description
        if device is not None and description.is_on_fn is not None:
            return description.is_on_fn(device)
        if device is None or description.property_key not in device.values:
            return self._restored
        return on_state(description, device.values[description.property_key])

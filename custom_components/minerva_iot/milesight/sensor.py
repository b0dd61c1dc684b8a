"""Milesight sensors: device properties (restored across restarts), last seen, entry health."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    RestoreSensor,
    SensorDeviceClass,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import MilesightConfigEntry
from .descriptions import MilesightSensorEntityDescription, sensor_description, sensor_state
from .entity import (
    MilesightDeviceEntity,
    PropertyCandidate,
    async_add_device_entities,
    async_add_property_entities,
)
from .health_entities import LAST_SEEN_KEY, health_sensors, last_seen_candidates
from .keys import resolve
from .models import DeviceState

ENUM = SensorDeviceClass.ENUM


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the health sensors, then property and last-seen sensors as devices appear."""
    data = entry.runtime_data
    async_add_entities(health_sensors(data))
    async_add_device_entities(entry, async_add_entities, partial(last_seen_candidates, data))

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        for key in sorted(device.keys):
            description = sensor_description(resolve(device, key))
            if description is not None:
                factory = partial(MilesightPropertySensor, data, device.sn, description)
                yield key, repr(description), factory

    async_add_property_entities(
        entry,
        async_add_entities,
        candidates,
        domain=SENSOR_DOMAIN,
        platform_keys=_is_sensor_key,
    )


def _is_sensor_key(device: DeviceState, key: str) -> bool:
    """Keys with an entity on this platform: sensor properties, and each device's last seen."""
    return key == LAST_SEEN_KEY or sensor_description(resolve(device, key)) is not None


class MilesightPropertySensor(MilesightDeviceEntity, RestoreSensor):
    """The latest value of one property; the last known value survives restarts."""

    entity_description: MilesightSensorEntityDescription
    _restored: Any = None

    async def async_added_to_hass(self) -> None:
        """Restore the value shown before the restart until the next uplink."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._restored = last.native_value

    def shown(self) -> Any:
        """The value (cheaper than the state's unit handling)."""
        return (self.available, self.native_value)

    @property
    def native_value(self) -> Any:
        """Current value, mapped as the key's catalogue row or thing model says."""
        device = self.device
        key = self.entity_description.property_key
        if device is None or key not in device.values:
            return self._restored
        return sensor_state(self.entity_description, device.values[key])

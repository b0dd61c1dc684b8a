"""Milesight sensors: one class for every device sensor (properties, last seen), entry health."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    RestoreSensor,
    SensorDeviceClass,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import MilesightConfigEntry, MilesightData
from .descriptions import (
    LAST_SEEN_DESCRIPTION,
    LAST_SEEN_KEY,
    MilesightSensorEntityDescription,
    sensor_description,
    sensor_state,
)
from .entity import (
    MilesightDeviceEntity,
    PropertyCandidate,
    ThrottledWrites,
    async_add_device_entities,
    async_add_property_entities,
)
from .health_entities import health_sensors
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
    async_add_device_entities(entry, async_add_entities, partial(_last_seen_candidates, data))

    def candidates(device: DeviceState) -> Iterable[PropertyCandidate]:
        for key in sorted(device.keys):
            description = sensor_description(resolve(device, key))
            if description is not None:
                factory = partial(MilesightSensor, data, device.sn, description)
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


def _last_seen_candidates(
    data: MilesightData, device: DeviceState
) -> Iterable[tuple[str, Callable[[], Entity]]]:
    """Every device has a "Last seen" sensor (for async_add_device_entities)."""
    yield LAST_SEEN_KEY, partial(MilesightSensor, data, device.sn, LAST_SEEN_DESCRIPTION)


class MilesightSensor(MilesightDeviceEntity, ThrottledWrites, RestoreSensor):
    """A device's sensor as its description says: a property (restored across restarts until
    the device reports it again) or a value read by `value_fn` (last seen, throttled)."""

    entity_description: MilesightSensorEntityDescription
    _restored: Any = None

    async def async_added_to_hass(self) -> None:
        """Restore a property's value shown before the restart until the next uplink."""
        await super().async_added_to_hass()
        if self.entity_description.value_fn is None and (
            (last := await self.async_get_last_sensor_data()) is not None
        ):
            self._restored = last.native_value

    def device_available(self, device: DeviceState) -> bool:
        """As the description says (last seen stays available while the device exists)."""
        return self.entity_description.available_fn(device)

    def shown(self) -> Any:
        """The value (cheaper than the state's unit handling)."""
        return (self.available, self.native_value)

    @property
    def native_value(self) -> Any:
        """Current value: `value_fn`, or the property mapped as its catalogue row or TSL says."""
        device = self.device
        description = self.entity_description
        if device is not None and description.value_fn is not None:
            return description.value_fn(device)
        if device is None or description.property_key not in device.values:
            return self._restored
        return sensor_state(description, device.values[description.property_key])

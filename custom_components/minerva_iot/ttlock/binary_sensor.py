"""TTLock binary sensors: door (when a door sensor is bound), gateway connectivity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import TTLockConfigEntry
from .entity import (
    GatewayDevice,
    LockDevice,
    TTLockDevice,
    TTLockEntity,
    TTLockEntityDescription,
    async_add_gateway_entities,
    async_add_lock_entities,
)
from .reachability import DOOR_ENTITY_KEY


@dataclass(frozen=True, kw_only=True)
class TTLockBinarySensorDescription[D: TTLockDevice](
    BinarySensorEntityDescription, TTLockEntityDescription
):
    """An on/off reading of a device."""

    value_fn: Callable[[D], bool | None]


def _has_door_sensor(device: LockDevice) -> bool:
    """A door sensor the cloud or a door record confirmed (feature bit 13 alone is no sensor).

    One an earlier version created stays while nothing is known yet; it is removed from the
    registry once the cloud says there is no sensor (coordinator, devices.py).
    """
    known = device.door_sensor
    if known is None:
        return device.registered(Platform.BINARY_SENSOR, DOOR_ENTITY_KEY)
    return known


def _gateway_online(device: GatewayDevice) -> bool | None:
    gateway = device.cloud_gateway
    return gateway.is_online if gateway else None


LOCK_BINARY_SENSORS: tuple[TTLockBinarySensorDescription[LockDevice], ...] = (
    TTLockBinarySensorDescription(
        key=DOOR_ENTITY_KEY,
        device_class=BinarySensorDeviceClass.DOOR,
        exists_fn=_has_door_sensor,
        # From the door-sensor records (30 closed, 31 open) and state queries; on = open.
        value_fn=lambda device: device.status.door_open,
    ),
)
GATEWAY_BINARY_SENSORS: tuple[TTLockBinarySensorDescription[GatewayDevice], ...] = (
    TTLockBinarySensorDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Whether the cloud sees the gateway online (lags minutes after unplugging).
        value_fn=_gateway_online,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Door sensors of locks that have one; connectivity of every gateway."""
    async_add_lock_entities(entry, async_add_entities, LOCK_BINARY_SENSORS, TTLockBinarySensor)
    async_add_gateway_entities(
        entry, async_add_entities, GATEWAY_BINARY_SENSORS, TTLockBinarySensor
    )


class TTLockBinarySensor[D: TTLockDevice](TTLockEntity[D], BinarySensorEntity):
    """An on/off reading of a lock or a gateway."""

    entity_description: TTLockBinarySensorDescription[D]

    @property
    def is_on(self) -> bool | None:
        """The description's reading of the device."""
        return self.entity_description.value_fn(self.device)

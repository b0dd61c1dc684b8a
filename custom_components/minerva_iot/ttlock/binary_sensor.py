"""TTLock binary sensors: door (when a door sensor is bound), gateway connectivity."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockLock

from .data import TTLockConfigEntry
from .entity import (
    TTLockGatewayEntity,
    TTLockLockEntity,
    async_track_new_gateways,
    async_track_new_locks,
)

DOOR = BinarySensorEntityDescription(key="door", device_class=BinarySensorDeviceClass.DOOR)
GATEWAY_CONNECTIVITY = BinarySensorEntityDescription(
    key="connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


def _has_door_sensor(lock: TTLockLock) -> bool:
    return lock.supports(Feature.DOOR_SENSOR) or lock.supports(Feature.WIRELESS_DOOR_SENSOR)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Door sensors of locks that have one; connectivity of every gateway."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockDoorSensor(coordinator, lock, DOOR)] if _has_door_sensor(lock) else [],
    )
    async_track_new_gateways(
        coordinator,
        async_add_entities,
        lambda gateway: [TTLockGatewayConnectivity(coordinator, gateway, GATEWAY_CONNECTIVITY)],
    )


class TTLockDoorSensor(TTLockLockEntity, BinarySensorEntity):
    """Door open / closed, from the door-sensor records (30 closed, 31 open)."""

    @property
    def is_on(self) -> bool | None:
        """On = open."""
        return self.lock_state.door_open


class TTLockGatewayConnectivity(TTLockGatewayEntity, BinarySensorEntity):
    """Whether the cloud sees the gateway online (lags minutes after unplugging)."""

    @property
    def is_on(self) -> bool | None:
        """On = connected."""
        gateway = self.gateway
        return gateway.is_online if gateway else None

"""TTLock sensors: battery per lock, API calls today for the account."""

from __future__ import annotations

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import TTLockConfigEntry
from .entity import TTLockAccountEntity, TTLockLockEntity, async_track_new_locks

BATTERY = SensorEntityDescription(
    key="battery",
    device_class=SensorDeviceClass.BATTERY,
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
)
API_CALLS_TODAY = SensorEntityDescription(
    key="api_calls_today",
    translation_key="ttlock_api_calls_today",
    state_class=SensorStateClass.TOTAL_INCREASING,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Battery of every lock, and the account's API call counter."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities([TTLockApiCallsSensor(coordinator, API_CALLS_TODAY)])
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockBatterySensor(coordinator, lock, BATTERY)],
    )


class TTLockBatterySensor(TTLockLockEntity, SensorEntity):
    """Battery level, from pushes (electricQuantity) and the lock list."""

    @property
    def native_value(self) -> int | None:
        """Battery in %."""
        return self.lock_state.battery


class TTLockApiCallsSensor(TTLockAccountEntity, SensorEntity):
    """Calls made today: the cloud's monthly quota counts every call."""

    @property
    def native_value(self) -> int:
        """Calls since local midnight."""
        return self.coordinator.client.calls_today

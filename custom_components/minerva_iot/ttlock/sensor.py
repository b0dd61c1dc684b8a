"""TTLock sensors: battery, learned auto-lock delay; the account's API calls and last push."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import ACCOUNT_API_CALLS
from .counts import COUNT_SENSORS, TTLockCountSensor
from .data import TTLockConfigEntry
from .entity import (
    AccountDevice,
    LockDevice,
    TTLockDevice,
    TTLockEntity,
    TTLockEntityDescription,
    async_add_account_entities,
    async_add_lock_entities,
)
from .pushes import ACCOUNT_LAST_PUSH


@dataclass(frozen=True, kw_only=True)
class TTLockSensorDescription[D: TTLockDevice](SensorEntityDescription, TTLockEntityDescription):
    """A reading of a device."""

    value_fn: Callable[[D], StateType | datetime]


LOCK_SENSORS: tuple[TTLockSensorDescription[LockDevice], ...] = (
    TTLockSensorDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        # From pushes (electricQuantity) and the lock list.
        value_fn=lambda device: device.status.battery,
    ),
    TTLockSensorDescription(
        key="learned_auto_lock_delay",
        translation_key="ttlock_learned_auto_lock_delay",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        # From the lock's auto-lock records (learning.py): what a lock reporting no auto-lock
        # time is assumed to relock after, unless the per-lock option says otherwise.
        value_fn=lambda device: device.coordinator.tracker.learning.relock_seconds(device.lock_id),
    ),
)
ACCOUNT_SENSORS: tuple[TTLockSensorDescription[AccountDevice], ...] = (
    TTLockSensorDescription(
        key=ACCOUNT_LAST_PUSH,
        translation_key="ttlock_last_callback_push",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Changes with every push: disabled by default so the recorder stores no row per push
        # (the "no push" repair watches the silence without it).
        entity_registry_enabled_default=False,
        value_fn=lambda device: device.coordinator.last_push,
    ),
    TTLockSensorDescription(
        key=ACCOUNT_API_CALLS,
        translation_key="ttlock_api_calls_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        # Since local midnight: the cloud's monthly quota counts every call.
        value_fn=lambda device: device.api_calls.today(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Battery of every lock, and the account's API call counter."""
    async_add_account_entities(entry, async_add_entities, ACCOUNT_SENSORS, TTLockSensor)
    async_add_lock_entities(entry, async_add_entities, LOCK_SENSORS, TTLockSensor)
    async_add_lock_entities(entry, async_add_entities, COUNT_SENSORS, TTLockCountSensor)


class TTLockSensor[D: TTLockDevice](TTLockEntity[D], SensorEntity):
    """A reading of a lock or of the account."""

    entity_description: TTLockSensorDescription[D]

    @property
    def native_value(self) -> StateType | datetime:
        """The description's reading of the device."""
        return self.entity_description.value_fn(self.device)

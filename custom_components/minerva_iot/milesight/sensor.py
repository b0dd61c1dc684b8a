"""Milesight sensors: device properties (restored across restarts) and entry health."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .const import HEALTH_UPDATES_KEY
from .data import MilesightConfigEntry, MilesightData
from .descriptions import MilesightSensorEntityDescription, sensor_description, sensor_state
from .entity import (
    MilesightDeviceEntity,
    MilesightEntryEntity,
    PropertyCandidate,
    async_add_property_entities,
)
from .keys import resolve
from .models import DeviceState

ENUM = SensorDeviceClass.ENUM


@dataclass(frozen=True, kw_only=True)
class MilesightHealthSensorEntityDescription(SensorEntityDescription):
    """A sensor about the Application; `value_fn` reads the runtime data."""

    value_fn: Callable[[MilesightData], datetime | int | None]
    exists_fn: Callable[[MilesightData], bool] = lambda data: True


def _has_api(data: MilesightData) -> bool:
    return data.client is not None


def _token_expiry(data: MilesightData) -> datetime | None:
    expires_at = data.client.token_manager.expires_at if data.client else None
    return None if expires_at is None else dt_util.utc_from_timestamp(expires_at)


HEALTH_SENSORS: tuple[MilesightHealthSensorEntityDescription, ...] = (
    MilesightHealthSensorEntityDescription(
        key="last_delivery",
        translation_key="last_delivery",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.health.last_delivery,
    ),
    MilesightHealthSensorEntityDescription(
        key="rejected_deliveries",
        translation_key="rejected_deliveries",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda data: data.health.rejected,
    ),
    MilesightHealthSensorEntityDescription(
        key="token_expires",
        translation_key="token_expires",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_token_expiry,
        exists_fn=_has_api,
    ),
    MilesightHealthSensorEntityDescription(
        key="api_calls",
        translation_key="api_calls",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        # Changes with every API call: noisy in the history, useful only to watch the quota.
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.api_calls.last_24h(),
        exists_fn=_has_api,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the health sensors, then property sensors as devices report keys."""
    data = entry.runtime_data
    async_add_entities(
        MilesightHealthSensor(data, description)
        for description in HEALTH_SENSORS
        if description.exists_fn(data)
    )

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
    """Keys with an entity on this platform: sensor properties."""
    return sensor_description(resolve(device, key)) is not None


class MilesightPropertySensor(MilesightDeviceEntity, RestoreSensor):
    """The latest value of one property; the last known value survives restarts."""

    entity_description: MilesightSensorEntityDescription
    _restored: Any = None

    async def async_added_to_hass(self) -> None:
        """Restore the value shown before the restart until the next uplink."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_sensor_data()) is not None:
            self._restored = last.native_value

    @property
    def native_value(self) -> Any:
        """Current value, mapped as the key's catalogue row or thing model says."""
        device = self.device
        key = self.entity_description.property_key
        if device is None or key not in device.values:
            return self._restored
        return sensor_state(self.entity_description, device.values[key])


class MilesightHealthSensor(MilesightEntryEntity, SensorEntity):
    """Last delivery, rejected deliveries, token expiry."""

    entity_description: MilesightHealthSensorEntityDescription

    async def async_added_to_hass(self) -> None:
        """Follow every delivery and refusal (API syncs arrive through the coordinator)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._data.updates.listen(HEALTH_UPDATES_KEY, self._handle_coordinator_update)
        )

    @property
    def native_value(self) -> datetime | int | None:
        """The health figure."""
        return self.entity_description.value_fn(self._data)

"""Entities about deliveries: the Application's webhook health and each device's "Last seen".

Rule: nothing here writes a state on every delivery. The webhook binary sensor changes only
when the health changes (receiving, silent, refusing). What does move with every delivery (the
last delivery time, a device's last-seen time) is written at most every `THROTTLE`
(`ThrottledWrites`), and both are disabled by default: a site of 200 devices reporting every 10
minutes pushes about 29,000 times a day, and a timestamp written on each push would add a
recorder row each time. 0.2.0 created "Last webhook delivery" enabled; it keeps its entity (and
its registry setting) and is throttled like "Last seen". The refusal counter changes only with
refused requests, not with MDP's deliveries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .const import HEALTH_UPDATES_KEY
from .coordinator import MilesightCoordinator
from .data import MilesightData
from .entity import MilesightDeviceEntity, MilesightEntryEntity
from .health import WebhookStatus
from .models import DeviceState

# At most one state write per entity in this time for what changes with every delivery.
THROTTLE = timedelta(minutes=5)
LAST_SEEN_KEY = "last_seen"


class ThrottledWrites(CoordinatorEntity[MilesightCoordinator]):
    """Writes its state at once after a quiet `THROTTLE`, else when the `THROTTLE` is over.

    The value shown is always the newest one: a change during the pause is written at its end,
    so the last delivery before a silence is shown too.
    """

    _written: tuple[bool, Any] | None = None
    _written_at: datetime | None = None
    _unsub_write: CALLBACK_TYPE | None = None

    async def async_added_to_hass(self) -> None:
        """Remember the state Home Assistant writes when adding the entity."""
        await super().async_added_to_hass()
        self._written = (self.available, self.state)

    @callback
    def _handle_coordinator_update(self) -> None:
        if self._unsub_write is not None or (self.available, self.state) == self._written:
            return  # a pending write will show the newest value; or nothing changed
        now = dt_util.utcnow()
        if self._written_at is not None and (wait := self._written_at + THROTTLE - now) > (
            timedelta(0)
        ):
            self._unsub_write = async_call_later(self.hass, wait, self._async_write_later)
            return
        self._async_write(now)

    @callback
    def _async_write_later(self, now: datetime) -> None:
        self._unsub_write = None
        self._async_write(now)

    @callback
    def _async_write(self, now: datetime) -> None:
        self._written_at = now
        self._written = (self.available, self.state)
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        """Drop a pending write."""
        await super().async_will_remove_from_hass()
        if self._unsub_write is not None:
            self._unsub_write()
            self._unsub_write = None


@dataclass(frozen=True, kw_only=True)
class MilesightHealthSensorEntityDescription(SensorEntityDescription):
    """A sensor about the Application; `value_fn` reads the runtime data."""

    value_fn: Callable[[MilesightData], datetime | int | None]
    attributes_fn: Callable[[MilesightData], Mapping[str, Any]] | None = None
    exists_fn: Callable[[MilesightData], bool] = lambda data: True
    # The value changes with deliveries or refusals: written at most every THROTTLE.
    throttled: bool = False


def _has_api(data: MilesightData) -> bool:
    return data.client is not None


def _token_expiry(data: MilesightData) -> datetime | None:
    expires_at = data.client.token_manager.expires_at if data.client else None
    return None if expires_at is None else dt_util.utc_from_timestamp(expires_at)


def _api_call_attributes(data: MilesightData) -> Mapping[str, Any]:
    until = data.coordinator.rate_limited_until
    return {"rate_limited_until": until.isoformat() if until else None}


HEALTH_SENSORS: tuple[MilesightHealthSensorEntityDescription, ...] = (
    MilesightHealthSensorEntityDescription(
        key="last_delivery",
        translation_key="last_delivery",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # The webhook binary sensor tells whether deliveries arrive; this is the detail.
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.health.last_delivery,
        throttled=True,
    ),
    MilesightHealthSensorEntityDescription(
        key="rejected_deliveries",
        translation_key="rejected_deliveries",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        # Written on every refusal: MDP's own deliveries are not refused in normal operation.
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
        attributes_fn=_api_call_attributes,
        exists_fn=_has_api,
    ),
)

WEBHOOK_DESCRIPTION = BinarySensorEntityDescription(
    key="webhook",
    translation_key="webhook",
    device_class=BinarySensorDeviceClass.PROBLEM,
    entity_category=EntityCategory.DIAGNOSTIC,
)

LAST_SEEN_DESCRIPTION = SensorEntityDescription(
    key=LAST_SEEN_KEY,
    translation_key=LAST_SEEN_KEY,
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)


def health_sensors(data: MilesightData) -> list[SensorEntity]:
    """The Application's sensors (API ones only with API credentials)."""
    return [
        MilesightHealthSensor(data, description)
        for description in HEALTH_SENSORS
        if description.exists_fn(data)
    ]


def health_binary_sensors(data: MilesightData) -> list[BinarySensorEntity]:
    """The Application's webhook binary sensor."""
    return [MilesightWebhookBinarySensor(data, WEBHOOK_DESCRIPTION)]


def last_seen_candidates(
    data: MilesightData, device: DeviceState
) -> Iterable[tuple[str, Callable[[], Entity]]]:
    """Every device has a "Last seen" sensor (for async_add_device_entities)."""
    yield LAST_SEEN_KEY, partial(MilesightLastSeenSensor, data, device.sn, LAST_SEEN_DESCRIPTION)


class _HealthEntity(MilesightEntryEntity):
    async def async_added_to_hass(self) -> None:
        """Follow every delivery and refusal (API syncs arrive through the coordinator)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._data.updates.listen(HEALTH_UPDATES_KEY, self._handle_coordinator_update)
        )


class MilesightHealthSensor(_HealthEntity, ThrottledWrites, SensorEntity):
    """Last delivery, rejected deliveries, token expiry, API calls."""

    entity_description: MilesightHealthSensorEntityDescription

    @property
    def native_value(self) -> datetime | int | None:
        """The health figure."""
        return self.entity_description.value_fn(self._data)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The API-calls sensor says when a rate-limit pause ends."""
        attributes_fn = self.entity_description.attributes_fn
        return None if attributes_fn is None else attributes_fn(self._data)

    def shown(self) -> Any:
        """The figure and its attributes (cheaper than the state's unit handling)."""
        return (self.available, self.native_value, self.extra_state_attributes)

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.entity_description.throttled:
            super()._handle_coordinator_update()
        elif self.shown_changed():
            self.async_write_ha_state()


class MilesightWebhookBinarySensor(_HealthEntity, BinarySensorEntity):
    """On (a problem) while the webhook is silent or refuses MDP's deliveries.

    Its state and its `status` attribute change only when the health changes, not per delivery.
    """

    @property
    def is_on(self) -> bool:
        """A problem: silent or refusing."""
        return self._data.health.status in (WebhookStatus.SILENT, WebhookStatus.REFUSING)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """Which health: waiting, receiving, silent or refusing."""
        return {"status": self._data.health.status.value}


class MilesightLastSeenSensor(MilesightDeviceEntity, ThrottledWrites, SensorEntity):
    """When the device's latest uplink arrived (disabled by default, throttled)."""

    @property
    def available(self) -> bool:
        """Available while the device exists: its last-seen time matters most when overdue."""
        return self.device is not None

    @property
    def native_value(self) -> datetime | None:
        """Arrival of the latest uplink."""
        device = self.device
        return None if device is None else device.last_seen

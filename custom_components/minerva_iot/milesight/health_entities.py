"""Entities about deliveries: the Application's webhook health (and the write throttle).

Rule: nothing here writes a state on every delivery. The webhook binary sensor changes only
when the health changes (receiving, silent, refusing). What does move with every delivery (the
last delivery time, a device's last-seen time: descriptions.LAST_SEEN_DESCRIPTION) is written at
most every `THROTTLE` (`ThrottledWrites`), and both are disabled by default: a site of 200 devices reporting every 10
minutes pushes about 29,000 times a day, and a timestamp written on each push would add a
recorder row each time. 0.2.0 created "Last webhook delivery" enabled; it keeps its entity (and
its registry setting) and is throttled like "Last seen". The refusal counter changes only with
refused requests, not with MDP's deliveries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
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
from homeassistant.util import dt as dt_util

from .const import HEALTH_UPDATES_KEY
from .data import MilesightData
from .entity import MilesightEntryEntity, ThrottledWrites
from .health import WebhookStatus


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

"""TTLock numbers: auto-lock delay where the lock lets it be configured."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature

from .commands import async_set_auto_lock_time
from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities
from .errors import async_run_command


@dataclass(frozen=True, kw_only=True)
class TTLockNumberDescription(NumberEntityDescription, TTLockEntityDescription):
    """A numeric lock setting: how to read it and how to set it."""

    value_fn: Callable[[LockDevice], float | None]
    set_fn: Callable[[LockDevice, float], Coroutine[Any, Any, None]]


def _auto_lock_seconds(device: LockDevice) -> float | None:
    """From lock/detail (slow tier) and our own commands; -1 (off) is shown as 0."""
    seconds = device.status.auto_lock_seconds
    return None if seconds is None else float(max(seconds, 0))


NUMBERS: tuple[TTLockNumberDescription, ...] = (
    TTLockNumberDescription(
        key="auto_lock_time",
        translation_key="ttlock_auto_lock_time",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        native_min_value=0,
        # 900 s (unconfirmed): the reference names no maximum; TTLock refuses a bad one with -4082.
        native_max_value=900,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda device: device.controllable and device.supports(Feature.AUTO_LOCK_TIME),
        value_fn=_auto_lock_seconds,
        set_fn=lambda device, value: async_set_auto_lock_time(
            device.coordinator, device.lock_id, int(value)
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """An auto-lock delay per lock with featureValue bit 4 that the cloud reaches."""
    async_add_lock_entities(entry, async_add_entities, NUMBERS, TTLockNumber)


class TTLockNumber(TTLockEntity[LockDevice], NumberEntity):
    """A numeric setting changed through the gateway."""

    entity_description: TTLockNumberDescription

    @property
    def native_value(self) -> float | None:
        """The setting as last read or set."""
        return self.entity_description.value_fn(self.device)

    async def async_set_native_value(self, value: float) -> None:
        """Set it on the lock."""
        await async_run_command(
            self.hass,
            self.coordinator.config_entry,
            self.entity_description.set_fn(self.device, value),
        )

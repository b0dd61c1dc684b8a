"""TTLock numbers: auto-lock delay where the lock lets it be configured."""

from __future__ import annotations

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

from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .errors import async_run_command

AUTO_LOCK_TIME = NumberEntityDescription(
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
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """An auto-lock delay per lock with featureValue bit 4 that a gateway reaches."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockAutoLockTime(coordinator, lock, AUTO_LOCK_TIME)]
        if lock.supports(Feature.AUTO_LOCK_TIME) and lock.remotely_reachable
        else [],
    )


class TTLockAutoLockTime(TTLockLockEntity, NumberEntity):
    """Seconds after which the lock locks itself again (0 = off)."""

    @property
    def native_value(self) -> float | None:
        """From lock/detail (slow tier); -1 (off) is shown as 0."""
        seconds = self.lock_state.auto_lock_seconds
        if seconds is None:
            return None
        return float(max(seconds, 0))

    async def async_set_native_value(self, value: float) -> None:
        """Set the delay on the lock."""
        await async_run_command(
            self.hass,
            self.coordinator.config_entry,
            self.coordinator.commands.async_set_auto_lock_time(self.lock_id, int(value)),
        )

"""TTLock lock entities: lock / unlock through the gateway, state from pushes."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockLock
from custom_components.minerva_iot.const import DOMAIN

from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .errors import async_run_command

LOCK_DESCRIPTION = LockEntityDescription(key="lock", name=None)


def _has_lock_entity(lock: TTLockLock) -> bool:
    """Padlocks and Bluetooth-only models cannot be commanded remotely: no lock entity."""
    return any(
        lock.supports(feature)
        for feature in (Feature.GATEWAY_UNLOCK, Feature.LOCK_COMMAND, Feature.WIFI_LOCK)
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity per lock that can be commanded."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockLockControl(coordinator, lock, LOCK_DESCRIPTION)]
        if _has_lock_entity(lock)
        else [],
    )


class TTLockLockControl(TTLockLockEntity, LockEntity):
    """The lock itself (the device's main entity)."""

    _attr_is_locking = False
    _attr_is_unlocking = False

    @property
    def available(self) -> bool:
        """Only locks reachable through a gateway or WiFi accept commands."""
        lock = self.cloud_lock
        return super().available and lock is not None and lock.remotely_reachable

    @property
    def is_locked(self) -> bool | None:
        """Locked as pushed, confirmed or inferred (None = unknown)."""
        return self.lock_state.locked

    @property
    def changed_by(self) -> str | None:
        """Who last locked or unlocked it (app user, passcode, card or fingerprint name)."""
        record = self.lock_state.last_bolt_record
        return record.username if record else None

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock through the gateway."""
        lock = self.cloud_lock
        if lock is None or not lock.supports(Feature.LOCK_COMMAND):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="ttlock_lock_not_supported"
            )
        await self._async_command(lock=True)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock through the gateway."""
        await self._async_command(lock=False)

    async def _async_command(self, *, lock: bool) -> None:
        if lock:
            self._attr_is_locking = True
        else:
            self._attr_is_unlocking = True
        self.async_write_ha_state()
        try:
            await async_run_command(
                self.hass,
                self.coordinator.config_entry,
                self.coordinator.async_lock_command(self.lock_id, lock=lock),
            )
        finally:
            self._attr_is_locking = False
            self._attr_is_unlocking = False
            self.async_write_ha_state()

"""TTLock lock entities: lock / unlock through the gateway or the lock's WiFi, state from pushes.

A lock has one when the cloud reaches it (reachability.py: a gateway, WiFi, or seen answering).
Locks are not woken just to learn their state (that drains their batteries): the state known when
Home Assistant stopped is restored at start-up until a push or a check says otherwise. Only a lock
whose state Home Assistant has never known (first set-up) is asked once. A command's state shows
as soon as the cloud accepted it, and its record confirms it later (commands.py).
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Any

from homeassistant.components.lock import ATTR_CHANGED_BY, LockEntity, LockEntityDescription
from homeassistant.components.lock.const import LockState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockError
from custom_components.minerva_iot.const import DOMAIN

from .commands import async_lock_command
from .const import REMOTE_YES
from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities
from .errors import async_run_command

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class TTLockLockDescription(LockEntityDescription, TTLockEntityDescription):
    """The lock itself."""


def _has_lock_entity(device: LockDevice) -> bool:
    """Locks the cloud reaches, unless their features say they cannot be unlocked remotely.

    Padlocks (#187) and Bluetooth-only models have no lock entity, unless the user said the lock
    is controllable remotely.
    """
    if not device.controllable:
        return False
    return device.coordinator.options.remote_choice(device.lock_id) == REMOTE_YES or any(
        device.supports(feature)
        for feature in (Feature.GATEWAY_UNLOCK, Feature.LOCK_COMMAND, Feature.WIFI_LOCK)
    )


LOCKS: tuple[TTLockLockDescription, ...] = (
    TTLockLockDescription(key="lock", name=None, exists_fn=_has_lock_entity),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity per lock that can be commanded."""
    async_add_lock_entities(entry, async_add_entities, LOCKS, TTLockLockControl)


class TTLockLockControl(TTLockEntity[LockDevice], LockEntity, RestoreEntity):
    """The lock itself (the device's main entity)."""

    _attr_is_locking = False
    _attr_is_unlocking = False
    # Who operated the lock before the restart, until a record names someone.
    _restored_changed_by: str | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last locked / unlocked state unless something newer is known."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        state = self.device.status
        if state.locked is not None or state.last_bolt_record is not None:
            return
        if last is None or last.state not in (LockState.LOCKED, LockState.UNLOCKED):
            # Never known (or unknown, jammed, a command in flight): nothing to restore, so ask
            # the lock once rather than show "unknown" until someone uses it.
            self.coordinator.config_entry.async_create_background_task(
                self.hass,
                self._async_learn_state(),
                f"ttlock initial state of {self.device.lock_id}",
            )
            return
        changed_by = last.attributes.get(ATTR_CHANGED_BY)
        self._restored_changed_by = changed_by if isinstance(changed_by, str) else None
        self.coordinator.tracker.restore_bolt(
            self.device.lock_id,
            locked=last.state == LockState.LOCKED,
            seconds_ago=(dt_util.utcnow() - last.last_changed).total_seconds(),
        )

    async def _async_learn_state(self) -> None:
        """One queryOpenState (it wakes the lock); a failure leaves the state unknown."""
        lock_id = self.device.lock_id
        if not self.available or self.coordinator.state_queried(lock_id):
            return  # not reachable, or the safety re-check at set-up already asked it
        try:
            await self.coordinator.async_check_state(lock_id)
        except TTLockError as err:
            _LOGGER.debug("State of TTLock lock %s not learnt: %s", lock_id, err)

    @property
    def available(self) -> bool:
        """Only locks the cloud reaches (gateway, WiFi) accept commands."""
        return super().available and self.device.controllable

    @property
    def is_locked(self) -> bool | None:
        """Locked as pushed, confirmed or inferred (None = unknown)."""
        return self.device.status.locked

    @property
    def changed_by(self) -> str | None:
        """Who last locked or unlocked it (app user, passcode, card or fingerprint name)."""
        record = self.device.status.last_bolt_record
        return record.username if record else self._restored_changed_by

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock through the gateway or WiFi."""
        if not self.device.supports(Feature.LOCK_COMMAND):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="ttlock_lock_not_supported"
            )
        await self._async_command(lock=True)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock through the gateway or WiFi."""
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
                async_lock_command(self.coordinator, self.device.lock_id, lock=lock),
            )
        finally:
            self._attr_is_locking = False
            self._attr_is_unlocking = False
            self.async_write_ha_state()

"""Commands sent to the locks of one TTLock account, and what the integration assumes after each.

A command's effect is applied at once (the lock answers slowly, through its gateway); a lock or
unlock is then confirmed by its push, or, when none arrives in time, by asking the lock once.
"""

from __future__ import annotations

from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ConfigEntryAuthFailed

from custom_components.minerva_iot.clients.ttlock import (
    TTLockClient,
    TTLockError,
    TTLockRemoteUnlockDisabledError,
)

from .const import COMMAND_CONFIRM_TIMEOUT
from .issues import async_delete_remote_unlock_issue, async_raise_remote_unlock_issue
from .relock import LockTimers

if TYPE_CHECKING:
    from .coordinator import TTLockCoordinator

_LOGGER = logging.getLogger(__name__)


class TTLockCommands:
    """Lock, unlock, check and settings of the coordinator's locks."""

    def __init__(self, coordinator: TTLockCoordinator) -> None:
        """Commands go through the coordinator's client (token refresh) and update its state."""
        self._coordinator = coordinator
        self._confirmations = LockTimers(coordinator.hass)

    @property
    def _client(self) -> TTLockClient:
        return self._coordinator.client

    def cancel_confirmation(self, lock_id: int) -> None:
        """A record about the bolt arrived (or the lock is gone): no need to ask the lock."""
        self._confirmations.cancel(lock_id)

    def cancel_all(self) -> None:
        """Entry unloading: no pending confirmation may fire afterwards."""
        self._confirmations.cancel_all()

    async def async_lock_command(self, lock_id: int, *, lock: bool) -> None:
        """Lock or unlock; the state is assumed until the push confirms or the check says."""
        coordinator = self._coordinator
        if lock:
            await coordinator.async_call(lambda: self._client.async_lock(lock_id))
        else:
            try:
                await coordinator.async_call(lambda: self._client.async_unlock(lock_id))
            except TTLockRemoteUnlockDisabledError:
                # Persistent and translated: the user has to walk to the lock with the app.
                cloud_lock = coordinator.account.locks.get(lock_id)
                name = cloud_lock.display_name if cloud_lock else str(lock_id)
                async_raise_remote_unlock_issue(
                    coordinator.hass, coordinator.config_entry, lock_id, name
                )
                raise
            async_delete_remote_unlock_issue(coordinator.hass, coordinator.config_entry, lock_id)
        state = coordinator.account.state(lock_id)
        state.locked = lock
        coordinator.relock.cancel(lock_id)
        if not lock:
            coordinator.relock.schedule(lock_id, state, already_elapsed=0.0)
        self._await_confirmation(lock_id)
        coordinator.async_update_listeners()

    def _await_confirmation(self, lock_id: int) -> None:
        """No push within the timeout: ask the lock once (queryOpenState wakes it)."""

        async def _check(_now: datetime) -> None:
            try:
                await self._coordinator.async_query_open_state(lock_id)
            except (TTLockError, ConfigEntryAuthFailed) as err:
                _LOGGER.debug("Could not confirm the state of lock %s: %s", lock_id, err)
                return
            self._coordinator.async_update_listeners()

        self._confirmations.start(lock_id, COMMAND_CONFIRM_TIMEOUT.total_seconds(), _check)

    async def async_check_state(self, lock_id: int) -> None:
        """On demand (button): ask the lock whether it is locked."""
        await self._coordinator.async_query_open_state(lock_id)
        self._coordinator.async_update_listeners()

    async def async_set_passage_mode(
        self,
        lock_id: int,
        enabled: bool,
        *,
        schedule: list[dict[str, Any]] | None = None,
        auto_unlock: bool | None = None,
    ) -> None:
        """Switch passage mode (optionally on a weekly schedule); while on, no relock is assumed."""
        coordinator = self._coordinator
        await coordinator.async_call(
            lambda: self._client.async_set_passage_mode(
                lock_id, enabled, cyclic_config=schedule, auto_unlock=auto_unlock
            )
        )
        coordinator.account.state(lock_id).passage_mode = enabled
        if enabled:
            coordinator.relock.cancel(lock_id)
        coordinator.async_update_listeners()

    async def async_set_auto_lock_time(self, lock_id: int, seconds: int) -> None:
        """Set the auto-lock delay (0 = off)."""
        coordinator = self._coordinator
        await coordinator.async_call(
            lambda: self._client.async_set_auto_lock_time(lock_id, seconds)
        )
        coordinator.account.state(lock_id).auto_lock_seconds = seconds
        coordinator.async_update_listeners()

    async def async_set_sound(self, lock_id: int, enabled: bool) -> None:
        """Switch the lock's sound on or off."""
        coordinator = self._coordinator
        await coordinator.async_call(lambda: self._client.async_set_sound(lock_id, enabled))
        coordinator.account.state(lock_id).sound_enabled = enabled
        coordinator.async_update_listeners()

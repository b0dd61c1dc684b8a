"""Asking TTLock locks whether they are locked (`queryOpenState`: each ask wakes one).

It drains the lock's batteries, so it runs only once for a lock whose state Home Assistant never
knew (or whose reachability it does not know: reachability.py), when the user presses "Check lock
state", and, with the opt-in safety re-check (off by default), on the slow tier and when a command
stays unconfirmed (commands.py). An answer is news when it shows the lock reached or carries a
door sensor's state. The slow tier's door-sensor reads (`doorSensor/query`) run here too.
"""

from __future__ import annotations

import logging

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.minerva_iot.clients.ttlock import (
    OpenState,
    TTLockClient,
    TTLockError,
    TTLockOpenStatus,
)

from .details import ACCOUNT_ERRORS
from .devices import async_remove_lock_entity
from .options import TTLockOptions
from .reachability import DOOR_ENTITY_KEY, LockReachability
from .state import TTLockAccount

_LOGGER = logging.getLogger(__name__)


class LockStateQueries:
    """The state queries of one account's locks and what their answers teach."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: TTLockClient,
        account: TTLockAccount,
        reach: LockReachability,
        options: TTLockOptions,
    ) -> None:
        """Take the account's client, states, reachability and options."""
        self._hass = hass
        self._client = client
        self._account = account
        self._reach = reach
        self._options = options
        # Locks asked whether they are locked since the entry was set up (each ask wakes one).
        self._queried: set[int] = set()

    def queried(self, lock_id: int) -> bool:
        """Whether the lock was already asked since set-up (even if that failed)."""
        return lock_id in self._queried

    async def async_safety_recheck(self) -> None:
        """If the user allows it, ask every reachable lock whether it is locked (wakes it).

        One unreachable lock (gateway offline, lock busy, ...) keeps its state and does not fail
        the poll; account-wide refusals (auth, quota, clock) still do.
        """
        if not self._options.safety_recheck:
            return
        for lock in list(self._account.locks.values()):
            if not self._reach.controllable(lock.lock_id):
                continue
            try:
                await self.async_query(lock.lock_id)
            except ACCOUNT_ERRORS:
                raise
            except TTLockError as err:
                _LOGGER.debug("Safety re-check of TTLock lock %s failed: %s", lock.lock_id, err)

    async def async_learn_reach(self, slow_tier_due: bool) -> None:
        """Ask locks never seen reachable once; read door sensors on the slow tier.

        A door entity registered (by 0.2.0) for a lock the cloud says has no sensor is removed,
        not left without an entity behind it.
        """
        for lock_id, status in (await self._reach.async_probe(self._client)).items():
            self._queried.add(lock_id)
            self._reach.saw_reached(lock_id)
            self._apply_open_status(lock_id, status)
        if slow_tier_due:
            for lock_id in await self._reach.async_query_door_sensors(self._client):
                async_remove_lock_entity(
                    self._hass, lock_id, Platform.BINARY_SENSOR, DOOR_ENTITY_KEY
                )

    async def async_query(self, lock_id: int) -> bool:
        """Ask the lock whether it is locked (wakes it through its gateway or WiFi).

        True when the answer taught something new about the lock (reached, a door sensor).
        """
        self._queried.add(lock_id)
        status = await self._client.async_query_open_status(lock_id)
        news = self._reach.saw_reached(lock_id)
        return self._apply_open_status(lock_id, status) or news

    def _apply_open_status(self, lock_id: int, status: TTLockOpenStatus) -> bool:
        """The bolt, and the door when the answer carries a door sensor's state (True: news)."""
        state = self._account.state(lock_id)
        if status.state is not OpenState.UNKNOWN:
            state.locked = status.state is OpenState.LOCKED
        if status.door_closed is not None:
            state.door_open = not status.door_closed
            return self._reach.saw_door_sensor(lock_id)
        return False

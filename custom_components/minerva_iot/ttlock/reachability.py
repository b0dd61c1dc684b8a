"""Which locks Home Assistant can control through the cloud, and which have a door sensor.

A lock is controllable remotely when the user said so in its options ("controllable remotely":
yes / no), or, left on auto, when its listing says `hasGateway` 1 or has the WiFi feature bit
(hass-ttlock's rule), or when the cloud was seen reaching it: a push for it, a command or state
query it answered (WiFi locks often list neither: hass-ttlock #244, #266, #268). A lock that
lists neither and was never seen is asked once (`queryOpenState`, which wakes it): a WiFi lock
answers, a Bluetooth-only one is refused with -2012 and never asked again.

A door sensor is known from `doorSensor/query` (a cloud read, on the slow tier, for locks whose
featureValue supports one), from a door record, or from the `sensorState` a state query carries.
Feature bit 13 alone says "supports", not "has" (#175). A lock reported without a sensor is
asked again once per start (a sensor bound later also shows itself by its first door record).

What was observed is kept across restarts (observed.py).
"""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant

from custom_components.minerva_iot.clients.ttlock import (
    Feature,
    TTLockClient,
    TTLockError,
    TTLockLock,
    TTLockNoGatewayError,
    TTLockOpenStatus,
)

from .const import REMOTE_NO, REMOTE_YES
from .details import ACCOUNT_ERRORS
from .observed import TTLockObservations
from .options import TTLockOptions
from .state import TTLockAccount

_LOGGER = logging.getLogger(__name__)

# The key of the door binary sensor (binary_sensor.py), removed when the cloud says no sensor.
DOOR_ENTITY_KEY = "door"


def supports_door_sensor(lock: TTLockLock) -> bool:
    """featureValue bit 13 (door sensor) or 50 (wireless door sensor)."""
    return lock.supports(Feature.DOOR_SENSOR) or lock.supports(Feature.WIRELESS_DOOR_SENSOR)


class LockReachability:
    """Controllability and door sensors of an entry's locks, from options, listings and sightings."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        account: TTLockAccount,
        options: TTLockOptions,
    ) -> None:
        """Judge the locks of `account` with the entry's `options`."""
        self.observations = TTLockObservations(hass, entry_id)
        self._account = account
        self._options = options
        # Locks asked this run: whether the cloud reaches them, whether they have a sensor.
        self._probed: set[int] = set()
        self._door_asked: set[int] = set()

    async def async_load(self) -> None:
        """What was observed before this start."""
        await self.observations.async_load()

    def controllable(self, lock_id: int) -> bool:
        """Whether commands reach the lock (its entity, switches, number, button, triggers)."""
        choice = self._options.remote_choice(lock_id)
        if choice in (REMOTE_YES, REMOTE_NO):
            return choice == REMOTE_YES
        lock = self._account.locks.get(lock_id)
        listed = lock is not None and lock.remotely_reachable
        return listed or self.observations.remote(lock_id) is True

    def door_sensor(self, lock_id: int) -> bool | None:
        """Whether a door sensor is bound to the lock (None: not known yet)."""
        return self.observations.door_sensor(lock_id)

    def saw_reached(self, lock_id: int) -> bool:
        """The cloud delivered a push for the lock or it answered: True when that is news."""
        return self.observations.saw_remote(lock_id, True)

    def saw_door_sensor(self, lock_id: int) -> bool:
        """A door record or a `sensorState`: the lock has a sensor. True when that is news."""
        return self.observations.saw_door_sensor(lock_id, True)

    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        self.observations.forget(lock_id)
        self._probed.discard(lock_id)
        self._door_asked.discard(lock_id)

    async def async_probe(self, client: TTLockClient) -> dict[int, TTLockOpenStatus]:
        """Ask each lock on auto that lists no way to reach it, once: the answers by lock.

        Only the account's refusals raise; a lock refused with -2012 is Bluetooth-only (never
        asked again), any other failure is asked again at the next start.
        """
        answers: dict[int, TTLockOpenStatus] = {}
        for lock_id, lock in list(self._account.locks.items()):
            if (
                lock.remotely_reachable
                or lock_id in self._probed
                or self.observations.remote(lock_id) is not None
                or self._options.remote_choice(lock_id) in (REMOTE_YES, REMOTE_NO)
            ):
                continue
            self._probed.add(lock_id)
            try:
                answers[lock_id] = await client.async_query_open_status(lock_id)
            except ACCOUNT_ERRORS:
                raise
            except TTLockNoGatewayError:
                self.observations.saw_remote(lock_id, False)
            except TTLockError as err:
                _LOGGER.debug(
                    "TTLock lock %s did not say whether it is reachable: %s", lock_id, err
                )
        return answers

    async def async_query_door_sensors(self, client: TTLockClient) -> list[int]:
        """doorSensor/query for locks that support a sensor not known to be there.

        Unknown ones on every call (the slow tier), ones reported without a sensor once per start.
        Returns the locks the cloud now says have none. Only the account's refusals raise.
        """
        absent: list[int] = []
        for lock_id, lock in list(self._account.locks.items()):
            known = self.observations.door_sensor(lock_id)
            if (
                not supports_door_sensor(lock)
                or known is True
                or (known is False and lock_id in self._door_asked)
            ):
                continue
            self._door_asked.add(lock_id)
            try:
                sensor = await client.async_get_door_sensor(lock_id)
            except ACCOUNT_ERRORS:
                raise
            except TTLockError as err:
                _LOGGER.debug("Door sensor of TTLock lock %s not known: %s", lock_id, err)
                continue
            self.observations.saw_door_sensor(lock_id, sensor is not None)
            if sensor is None:
                absent.append(lock_id)
        return absent

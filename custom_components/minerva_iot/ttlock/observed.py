"""What the cloud showed of each lock beyond its listing, kept across restarts.

- **Reachable remotely.** The lock list says `hasGateway` and `featureValue` bit 56 (WiFi), but
  WiFi locks often report `hasGateway` 0 without the bit and still take commands and push records
  (hass-ttlock #244, #266, #268). A push for the lock, or a command or state query the cloud
  answered, proves the cloud reaches it; a query refused with -2012 ("not connected to any
  gateway") proves it does not (a Bluetooth-only lock).
- **A door sensor.** Feature bit 13 means "supports a door sensor", not "has one" (#175):
  `doorSensor/query` answering, or a first door record, says there is one; its "none" answer that
  there is none.

Stored per entry; a store that cannot be read gives a clean start, never a failed set-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import logging
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.store_repair import async_load_or_start_afresh

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
# Observations change rarely (once per lock, mostly); the delay only gathers a burst.
SAVE_DELAY = 10


@dataclass
class LockSeen:
    """One lock's observations (None: not seen either way yet)."""

    remote: bool | None = None
    door_sensor: bool | None = None

    def as_dict(self) -> dict[str, bool]:
        """The stored form (unknown values left out)."""
        stored = {"remote": self.remote, "door_sensor": self.door_sensor}
        return {key: value for key, value in stored.items() if value is not None}

    @classmethod
    def from_dict(cls, data: Any) -> LockSeen:
        """Read the stored form; whatever is malformed is unknown."""
        if not isinstance(data, Mapping):
            return cls()
        remote, door_sensor = data.get("remote"), data.get("door_sensor")
        return cls(
            remote=remote if isinstance(remote, bool) else None,
            door_sensor=door_sensor if isinstance(door_sensor, bool) else None,
        )


class TTLockObservations:
    """The observations of an entry's locks, and their store."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One store file per entry."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = _store(hass, entry_id)
        self._locks: dict[int, LockSeen] = {}

    async def async_load(self) -> None:
        """Carry on from what was observed before; an unreadable store starts afresh."""
        data = await async_load_or_start_afresh(
            self._hass, self._store, self._entry_id, name="ttlock_observed"
        )
        locks = data.get("locks") if isinstance(data, Mapping) else None
        if not isinstance(locks, Mapping):
            return
        for lock_id, seen in locks.items():
            if isinstance(lock_id, str) and lock_id.isdigit():
                self._locks[int(lock_id)] = LockSeen.from_dict(seen)

    def remote(self, lock_id: int) -> bool | None:
        """True: the cloud reached the lock; False: it said it cannot; None: not seen yet."""
        seen = self._locks.get(lock_id)
        return seen.remote if seen else None

    def door_sensor(self, lock_id: int) -> bool | None:
        """Whether a door sensor is bound to the lock (None: not known yet)."""
        seen = self._locks.get(lock_id)
        return seen.door_sensor if seen else None

    @callback
    def saw_remote(self, lock_id: int, reachable: bool) -> bool:
        """Note whether the cloud reaches the lock; True when that is news."""
        seen = self._locks.setdefault(lock_id, LockSeen())
        if seen.remote is reachable:
            return False
        seen.remote = reachable
        self._schedule_save()
        return True

    @callback
    def saw_door_sensor(self, lock_id: int, present: bool) -> bool:
        """Note whether a door sensor is bound to the lock; True when that is news."""
        seen = self._locks.setdefault(lock_id, LockSeen())
        if seen.door_sensor is present:
            return False
        seen.door_sensor = present
        self._schedule_save()
        return True

    @callback
    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        if self._locks.pop(lock_id, None) is not None:
            self._schedule_save()

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save(self._data())

    @callback
    def _schedule_save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> dict[str, Any]:
        return {
            "locks": {
                str(lock_id): stored
                for lock_id, seen in self._locks.items()
                if (stored := seen.as_dict())
            }
        }


async def async_remove_observations(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so is what was observed of its locks."""
    await _store(hass, entry_id).async_remove()


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.ttlock_observed.{entry_id}")

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
from typing import Any

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.entry_store import async_remove_entry_store

from .lock_store import StoredLocks

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


class TTLockObservations(StoredLocks[LockSeen]):
    """The observations of an entry's locks, and their store."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One store file per entry."""
        super().__init__(
            hass,
            _store_name(entry_id),
            LockSeen.from_dict,
            SAVE_DELAY,
            entry_id=entry_id,
            repair_name="ttlock_observed",
        )

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


async def async_remove_observations(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so is what was observed of its locks."""
    await async_remove_entry_store(hass, _store_name(entry_id))


def _store_name(entry_id: str) -> str:
    return f"ttlock_observed.{entry_id}"

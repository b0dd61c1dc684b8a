"""Per-lock values an entry keeps across restarts: `{"locks": {lock id: stored form}}`.

The base of what TTLock learns from records (learning.py) and sees of the cloud (observed.py):
one entry_store.EntryStore each, read leniently (a malformed lock id or value is dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.entry_store import EntryStore


class StoredForm(Protocol):
    """A lock's value that says its stored form (an empty one is left out)."""

    def as_dict(self) -> Mapping[str, Any]:
        """The stored form."""
        ...


class StoredLocks[T: StoredForm]:
    """The values of an entry's locks (`_locks`), and their store `minerva_iot.<name>`."""

    def __init__(
        self,
        hass: HomeAssistant,
        name: str,
        read: Callable[[Any], T],
        save_delay: float,
        *,
        entry_id: str,
        repair_name: str,
    ) -> None:
        """`read` turns a stored form (anything) back into a value."""
        self._store = EntryStore(
            hass,
            name,
            self._data,
            entry_id=entry_id,
            repair_name=repair_name,
            save_delay=save_delay,
        )
        self._read = read
        self._locks: dict[int, T] = {}

    async def async_load(self) -> None:
        """Carry on from what was stored before; an unreadable store starts afresh."""
        locks = (await self._store.async_load()).get("locks")
        if not isinstance(locks, Mapping):
            return
        for lock_id, stored in locks.items():
            if isinstance(lock_id, str) and lock_id.isdigit():
                self._locks[int(lock_id)] = self._read(stored)

    @callback
    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        if self._locks.pop(lock_id, None) is not None:
            self._schedule_save()

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save()

    @callback
    def _schedule_save(self) -> None:
        self._store.async_schedule_save()

    def _data(self) -> dict[str, Any]:
        return {
            "locks": {
                str(lock_id): stored
                for lock_id, value in self._locks.items()
                if (stored := value.as_dict())
            }
        }

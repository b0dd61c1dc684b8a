"""One way for an entry to keep data across restarts: a Home Assistant Store per entry and job.

Every user of it (Milesight's fleet store, TTLock's learned values, observations and API calls)
gets the same rules:

- A store that cannot be read (broken JSON: Home Assistant sets the file aside; the wrong shape:
  overwritten at the next save) is a clean start with a warning and a repair issue naming the
  file (store_repair.py), never a failed set-up.
- A save is never postponed by later changes: with pushes every few seconds, a delay restarted
  by each of them (what `Store.async_delay_save` does) would write only at shutdown. A change
  is written within the delay asked for; a pending save is written at shutdown.
- An older stored version is brought up to date by the owner's `migrate` (0.2.0 shapes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .store_repair import async_load_or_start_afresh

type StoredData = dict[str, Any]
# (stored major version, stored data) -> data of the current version.
type Migration = Callable[[int, StoredData], StoredData]


class _MigratingStore(Store[StoredData]):
    """A Store whose older versions are migrated by a plain function."""

    def __init__(
        self, hass: HomeAssistant, version: int, key: str, migrate: Migration | None
    ) -> None:
        super().__init__(hass, version, key)
        self._migrate = migrate

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: StoredData
    ) -> StoredData:
        if self._migrate is None:
            raise NotImplementedError
        return self._migrate(old_major_version, old_data)


def _key(name: str) -> str:
    return f"{DOMAIN}.{name}"


class EntryStore:
    """The stored document `minerva_iot.<name>` of one entry; `dump` gives what to write."""

    def __init__(
        self,
        hass: HomeAssistant,
        name: str,
        dump: Callable[[], StoredData],
        *,
        entry_id: str,
        repair_name: str,
        save_delay: float,
        version: int = 1,
        migrate: Migration | None = None,
    ) -> None:
        """`name` is unique per entry (it holds the entry id), e.g. `ttlock_observed.<id>`;
        `repair_name` tells the entry's stores apart in the "unreadable" repair issue."""
        self._hass = hass
        self._entry_id = entry_id
        self._repair_name = repair_name
        self._store = _MigratingStore(hass, version, _key(name), migrate)
        self._dump = dump
        self._save_delay = save_delay
        # Loop time at which the pending delayed save writes (None: none pending).
        self._save_due: float | None = None

    async def async_load(self) -> StoredData:
        """What was stored ({} when nothing was, or it cannot be read: a clean start)."""
        data = await async_load_or_start_afresh(
            self._hass, self._store, self._entry_id, name=self._repair_name
        )
        return data or {}

    @callback
    def async_schedule_save(self, delay: float | None = None) -> None:
        """Write within `delay` seconds (default: the store's); a sooner save writes this too."""
        delay = self._save_delay if delay is None else delay
        due = self._hass.loop.time() + delay
        if self._save_due is not None and self._save_due <= due:
            return
        self._save_due = due
        self._store.async_delay_save(self._written, delay)

    async def async_save(self) -> None:
        """Write now (the entry unloads)."""
        await self._store.async_save(self._written())

    def _written(self) -> StoredData:
        self._save_due = None  # called when the store writes: later changes need a new save
        return self._dump()


async def async_remove_entry_store(hass: HomeAssistant, name: str) -> None:
    """The entry is deleted: so is its store `minerva_iot.<name>`."""
    await Store[StoredData](hass, 1, _key(name)).async_remove()

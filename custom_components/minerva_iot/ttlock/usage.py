"""Keep a TTLock entry's API-call count across reloads and restarts.

The cloud's quota counts every call, also those made before an options change reloaded the entry,
so the entry's `ApiCallCounter` (the shared ../usage.py, fed by the client's request hook) is
saved in a Store per entry and restored before the entry's first call.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.entry_store import EntryStore, async_remove_entry_store
from custom_components.minerva_iot.usage import ApiCallCounter

# 1: {"day": ISO date, "count": calls that day} (0.2.0); 2: {"calls": ApiCallCounter.as_dict()}.
STORAGE_VERSION = 2
# Seconds between a call and its saving: the count changes with every call.
SAVE_DELAY = 60


def _migrate(old_version: int, old_data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept one day's count: today's count becomes that many calls this hour."""
    count = old_data.get("count")
    if old_data.get("day") != dt_util.now().date().isoformat() or not isinstance(count, int):
        return {"calls": {}}
    hour = int(dt_util.utcnow().timestamp() // 3600)
    return {"calls": {str(hour): count}}


class TTLockUsageStore:
    """The API-call counter of one entry, and its saved state."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One store file per entry; days are counted in Home Assistant's time zone."""
        self._store = EntryStore(
            hass,
            _store_name(entry_id),
            self._data,
            entry_id=entry_id,
            repair_name="ttlock_usage",
            save_delay=SAVE_DELAY,
            version=STORAGE_VERSION,
            migrate=_migrate,
        )
        self.counter = ApiCallCounter(time_zone=dt_util.get_default_time_zone())

    async def async_restore(self) -> None:
        """Carry on from the saved counts (what is older than the counter keeps drops out)."""
        if isinstance(calls := (await self._store.async_load()).get("calls"), dict):
            self.counter.restore(calls)

    @callback
    def async_schedule_save(self) -> None:
        """Save a little later (many calls come in bursts); written at shutdown at the latest."""
        self._store.async_schedule_save()

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save()

    def _data(self) -> dict[str, Any]:
        return {"calls": self.counter.as_dict()}


async def async_remove_usage(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so are its saved counts."""
    await async_remove_entry_store(hass, _store_name(entry_id))


def _store_name(entry_id: str) -> str:
    return f"ttlock_usage.{entry_id}"

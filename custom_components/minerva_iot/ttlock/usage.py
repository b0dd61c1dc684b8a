"""Keep a TTLock entry's API-call count across reloads and restarts.

The cloud's quota counts every call, also those made before an options change reloaded the entry,
so the entry's `ApiCallCounter` (the shared ../usage.py, fed by the client's request hook) is
saved in a Store per entry and restored before the entry's first call.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.store_repair import async_load_or_start_afresh
from custom_components.minerva_iot.usage import ApiCallCounter

# 1: {"day": ISO date, "count": calls that day} (0.2.0); 2: {"calls": ApiCallCounter.as_dict()}.
STORAGE_VERSION = 2
# Seconds between a call and its saving: the count changes with every call.
SAVE_DELAY = 60


class _UsageStore(Store[dict[str, Any]]):
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
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
        self._hass = hass
        self._entry_id = entry_id
        self._store = _store(hass, entry_id)
        self.counter = ApiCallCounter(time_zone=dt_util.get_default_time_zone())

    async def async_restore(self) -> None:
        """Carry on from the saved counts (what is older than the counter keeps drops out)."""
        data = await async_load_or_start_afresh(
            self._hass, self._store, self._entry_id, name="ttlock_usage"
        )
        if isinstance(data, dict) and isinstance(calls := data.get("calls"), dict):
            self.counter.restore(calls)

    @callback
    def async_schedule_save(self) -> None:
        """Save a little later (many calls come in bursts); written at shutdown at the latest."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return {"calls": self.counter.as_dict()}


async def async_remove_usage(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so are its saved counts."""
    await _store(hass, entry_id).async_remove()


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return _UsageStore(hass, STORAGE_VERSION, f"{DOMAIN}.ttlock_usage.{entry_id}")

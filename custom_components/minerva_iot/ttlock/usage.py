"""Keep the TTLock "API calls today" count across reloads and restarts.

The cloud's quota counts every call, also those made before an options change reloaded the entry,
so the count is saved in a Store per entry and restored before the entry's first call.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from custom_components.minerva_iot.clients.ttlock import TTLockClient
from custom_components.minerva_iot.const import DOMAIN

STORAGE_VERSION = 1
# Seconds between a call and its saving: the count changes with every call.
SAVE_DELAY = 60


class TTLockUsageStore:
    """The saved call count of one entry's client."""

    def __init__(self, hass: HomeAssistant, entry_id: str, client: TTLockClient) -> None:
        """One store file per entry."""
        self._store = _store(hass, entry_id)
        self._client = client

    async def async_restore(self) -> None:
        """Give the client the saved count (a count of another day restarts from 0 by itself)."""
        data = await self._store.async_load()
        if not isinstance(data, dict):
            return
        day, count = data.get("day"), data.get("count")
        if isinstance(day, str) and isinstance(count, int):
            self._client.restore_calls(day, count)

    @callback
    def async_schedule_save(self) -> None:
        """Save a little later (many calls come in bursts); written at shutdown at the latest."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_save(self) -> None:
        """Save now (the entry unloads)."""
        await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return {"day": self._client.calls_day, "count": self._client.calls_today}


async def async_remove_usage(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so is its saved count."""
    await _store(hass, entry_id).async_remove()


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.ttlock_usage.{entry_id}")

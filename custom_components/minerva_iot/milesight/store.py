"""The persisted devices of a Milesight entry (a Home Assistant Store per entry)."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from custom_components.minerva_iot.const import DOMAIN

STORE_VERSION = 1


def entry_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The store of an entry's known devices, webhook health and API usage."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.milesight_{entry_id}")


async def async_forget_stored_device(hass: HomeAssistant, entry_id: str, sn: str) -> None:
    """Drop one device from the store of an entry that is not loaded.

    A loaded entry's coordinator owns the store (and would write its own copy back); an
    unloaded entry reads it at its next set-up, which must not bring the device back.
    """
    store = entry_store(hass, entry_id)
    stored = await store.async_load()
    if not stored:
        return
    devices = stored.get("devices") or []
    kept = [raw for raw in devices if not (isinstance(raw, dict) and raw.get("sn") == sn)]
    if len(kept) != len(devices):
        await store.async_save({**stored, "devices": kept})

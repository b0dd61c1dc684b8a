"""What a Milesight entry keeps across restarts: its fleet, webhook health and API calls.

One Home Assistant Store per entry. The stored document keeps the shape of 0.2.0: `devices`
(FleetState.as_stored, since 0.3 with when each device last reported), `webhook_verified` and
`signed_delivery_seen` (WebhookHealth), `api_usage` (hour since the epoch → requests: the
quota is per day, calls made before a restart or reload still count) and, since 0.4,
`missed_listings` (serial number → API listings in a row without it: without the slow refresh
the device list is read only at start-up, so the count must survive restarts).

Saved through entry_store.py (never postponed by later changes, unreadable: a clean start).
What only moves the watchdog's clock (a device reported again) is saved lazily, within
`SEEN_SAVE_DELAY_S`.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.entry_store import EntryStore, async_remove_entry_store
from custom_components.minerva_iot.stale_devices import DeviceListing
from custom_components.minerva_iot.usage import ApiCallCounter

from .fleet import FleetState
from .health import WebhookHealth

# Batches bursts of uplinks into one write.
SAVE_DELAY_S = 10
# When devices last reported: a crash loses at most this much of it (the watchdog's deadlines
# are at least 30 minutes), and a busy Application writes its store every 5 minutes at most.
SEEN_SAVE_DELAY_S = 300


def _store_name(entry_id: str) -> str:
    return f"milesight_{entry_id}"


async def async_remove_store(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so is its store."""
    await async_remove_entry_store(hass, _store_name(entry_id))


class MilesightStore:
    """Loads and saves the persisted state of one loaded entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        fleet: FleetState,
        health: WebhookHealth,
        api_calls: ApiCallCounter,
        listing: DeviceListing[str],
    ) -> None:
        """Persist these objects (they are filled by `async_load`)."""
        self._store = EntryStore(
            hass,
            _store_name(entry_id),
            self._stored,
            entry_id=entry_id,
            repair_name="milesight",
            save_delay=SAVE_DELAY_S,
        )
        self._fleet = fleet
        self._health = health
        self._api_calls = api_calls
        self._listing = listing

    async def async_load(self) -> None:
        """Bring back the devices, webhook flags, API calls and missed listings saved before."""
        stored = await self._store.async_load()
        self._fleet.load(stored.get("devices") or [])
        self._health.load(stored)
        if isinstance(usage := stored.get("api_usage"), dict):
            self._api_calls.restore(usage)
        if isinstance(missed := stored.get("missed_listings"), dict):
            self._listing.restore(missed)
            self._fleet.mark_unlisted(self._listing.gone)

    def _stored(self) -> dict[str, Any]:
        return {
            "devices": self._fleet.as_stored(),
            **self._health.as_stored(),
            "api_usage": self._api_calls.as_dict(),
            "missed_listings": self._listing.as_stored(),
        }

    @callback
    def async_schedule_save(self, delay: float = SAVE_DELAY_S) -> None:
        """Persist within `delay` seconds (a save already due sooner writes this change too)."""
        self._store.async_schedule_save(delay)

    async def async_save_now(self) -> None:
        """Persist immediately (on unload)."""
        await self._store.async_save()

"""What a Milesight entry keeps across restarts: its fleet, webhook health and API calls.

One Home Assistant Store per entry. The stored document keeps the shape of 0.2.0: `devices`
(FleetState.as_stored, since 0.3 with when each device last reported), `webhook_verified` and
`signed_delivery_seen` (WebhookHealth) and `api_usage` (hour since the epoch → requests: the
quota is per day, calls made before a restart or reload still count).

A save is never postponed by later changes: with deliveries every few seconds, a delay that
restarted on each of them would write only at shutdown. What only moves the watchdog's clock
(a device reported again) is saved lazily, within `SEEN_SAVE_DELAY_S`; Home Assistant writes a
pending save at shutdown.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.store_repair import async_load_or_start_afresh
from custom_components.minerva_iot.usage import ApiCallCounter

from .fleet import FleetState
from .health import WebhookHealth

STORE_VERSION = 1
# Batches bursts of uplinks into one write.
SAVE_DELAY_S = 10
# When devices last reported: a crash loses at most this much of it (the watchdog's deadlines
# are at least 30 minutes), and a busy Application writes its store every 5 minutes at most.
SEEN_SAVE_DELAY_S = 300


def entry_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The Home Assistant store of an entry."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.milesight_{entry_id}")


class MilesightStore:
    """Loads and saves the persisted state of one loaded entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        fleet: FleetState,
        health: WebhookHealth,
        api_calls: ApiCallCounter,
    ) -> None:
        """Persist these objects (they are filled by `async_load`)."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = entry_store(hass, entry_id)
        # Loop time at which the pending delayed save writes (None: none pending).
        self._save_due: float | None = None
        self._fleet = fleet
        self._health = health
        self._api_calls = api_calls

    async def async_load(self) -> None:
        """Bring back the devices, webhook flags and API calls saved before the restart."""
        stored = (
            await async_load_or_start_afresh(
                self._hass, self._store, self._entry_id, name="milesight"
            )
            or {}
        )
        self._fleet.load(stored.get("devices") or [])
        self._health.load(stored)
        if isinstance(usage := stored.get("api_usage"), dict):
            self._api_calls.restore(usage)

    def _stored(self) -> dict[str, Any]:
        self._save_due = None  # called when the store writes: later changes need a new save
        return {
            "devices": self._fleet.as_stored(),
            **self._health.as_stored(),
            "api_usage": self._api_calls.as_dict(),
        }

    @callback
    def async_schedule_save(self, delay: float = SAVE_DELAY_S) -> None:
        """Persist within `delay` seconds (a save already due sooner writes this change too)."""
        due = self._hass.loop.time() + delay
        if self._save_due is not None and self._save_due <= due:
            return
        self._save_due = due
        self._store.async_delay_save(self._stored, delay)

    async def async_save_now(self) -> None:
        """Persist immediately (on unload)."""
        await self._store.async_save(self._stored())


async def async_forget_stored_device(hass: HomeAssistant, entry_id: str, sn: str) -> None:
    """Drop one device from the store of an entry that is not loaded.

    A loaded entry owns its store (and would write its own copy back); an unloaded entry reads
    it at its next set-up, which must not bring the device back.
    """
    store = entry_store(hass, entry_id)
    stored = await store.async_load()
    if not stored:
        return
    devices = stored.get("devices") or []
    kept = [raw for raw in devices if not (isinstance(raw, dict) and raw.get("sn") == sn)]
    if len(kept) != len(devices):
        await store.async_save({**stored, "devices": kept})

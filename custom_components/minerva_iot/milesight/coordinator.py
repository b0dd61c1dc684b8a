"""API sync of one Milesight Application (the webhook needs none of it).

The API (when configured) is used once at start-up (device list, thing models, optionally the
latest values) and, only if the user enables it, for a slow periodic refresh: MDP quotas are
small. A sync goes through the fleet (fleet.py) and ends with a full update of every entity
(`async_update_listeners`); pushes update only the devices they touched (delivery.py). After a
rate-limit answer (HTTP 429, from a sync or the watchdog's history call) no API call is made
until the pause of `RateLimitBackoff` ends (the cloud's Retry-After, else a growing pause); a
repair issue and the API-calls sensor say so until then. A sync also counts the devices the
Application no longer lists (one rule for both vendors: stale_devices.py; those believed gone
are unavailable until the user deletes them) and re-reads the thing model of a device whose
firmware changed.
Without an API client the coordinator never polls: it only carries the entities'
`CoordinatorEntity` plumbing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
import math
import time

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.backoff import RateLimitBackoff
from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightClient,
    MilesightDevice,
    MilesightError,
    MilesightRateLimitError,
)
from custom_components.minerva_iot.clients.milesight.client import SEARCH_PAGE_SIZE
from custom_components.minerva_iot.clients.milesight.token import (
    DEFAULT_EXPIRES_IN,
    DEFAULT_REFRESH_MARGIN,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.issues import async_delete_entry_issue, async_raise_entry_issue
from custom_components.minerva_iot.stale_devices import DeviceListing

from .const import (
    DEFAULT_REFRESH_MINUTES,
    DEFAULT_SEED_FROM_API,
    HEALTH_UPDATES_KEY,
    ISSUE_RATE_LIMITED,
    OPT_REFRESH_MINUTES,
    OPT_SEED_FROM_API,
)
from .data import MilesightConfigEntry
from .fleet import FleetState
from .registry import MilesightDeviceRegistry
from .store import MilesightStore

_LOGGER = logging.getLogger(__name__)

FIRST_SYNC_RETRY = timedelta(minutes=15)
# A token serves this long before the next one is fetched (each may count against the quota).
TOKEN_REUSE_S = DEFAULT_EXPIRES_IN - DEFAULT_REFRESH_MARGIN
# History read for a device whose values were never read since the entry was loaded.
FULL_HISTORY_LOOKBACK_S = 86400
# Overlap with the previous read: uplinks stored by MDP a little after they were measured.
HISTORY_MARGIN_S = 60


def calls_per_refresh(device_count: int) -> int:
    """API calls of one refresh as `_async_update_data` makes them.

    The device list (one page per SEARCH_PAGE_SIZE devices, at least one) and one history page
    per device: a refresh reads only what was stored since the previous one, far below a page
    (100 rows) at the intervals the options allow. Thing models are cached (no calls).
    """
    return max(1, math.ceil(device_count / SEARCH_PAGE_SIZE)) + device_count


def estimated_daily_calls(device_count: int, minutes: int) -> int:
    """API calls a day of a refresh every `minutes`, token requests included."""
    refreshes = math.ceil(24 * 60 / minutes)
    tokens = min(refreshes, math.ceil(86400 / TOKEN_REUSE_S))
    return refreshes * calls_per_refresh(device_count) + tokens


class MilesightCoordinator(DataUpdateCoordinator[FleetState]):
    """Syncs the fleet of one Application with the API (if any) and tells every entity."""

    config_entry: MilesightConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: MilesightConfigEntry,
        client: MilesightClient | None,
        fleet: FleetState,
        store: MilesightStore,
        registry: MilesightDeviceRegistry,
        listing: DeviceListing[str],
    ) -> None:
        """Push-only unless the user enabled the slow refresh (API entries only)."""
        minutes = int(entry.options.get(OPT_REFRESH_MINUTES, DEFAULT_REFRESH_MINUTES))
        self._configured_interval = timedelta(minutes=minutes) if client and minutes else None
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=self._configured_interval,
        )
        self.client = client
        self.fleet = fleet
        self.backoff = RateLimitBackoff()
        self._store = store
        self._registry = registry
        # The Application's device lists: a device is believed gone after a few (stale_devices).
        self.listing = listing
        self._first_sync_done = False
        # deviceId -> epoch seconds when its last successful history read started.
        self._values_read_at: dict[str, float] = {}
        self._unsub_pause_end: CALLBACK_TYPE | None = None
        self.data = fleet

    @property
    def rate_limited_until(self) -> datetime | None:
        """End of the current rate-limit pause (None: API calls may be made)."""
        if not self.backoff.active or self.backoff.paused_until is None:
            return None
        return dt_util.utc_from_timestamp(self.backoff.paused_until)

    @callback
    def async_note_rate_limit(self, err: MilesightRateLimitError, *, log: bool = True) -> float:
        """The cloud refused a call for its rate or quota: pause every API call, say so.

        `log=False` when the caller's UpdateFailed is logged anyway (one line per refusal).
        """
        seconds = self.backoff.pause(err.retry_after)
        if log:
            _LOGGER.warning(
                "Milesight API quota or rate limit reached (HTTP %s): no API call for %d s",
                err.status,
                seconds,
            )
        async_raise_entry_issue(
            self.hass,
            ISSUE_RATE_LIMITED,
            self.config_entry.entry_id,
            placeholders={"minutes": str(math.ceil(seconds / 60))},
        )
        self._async_cancel_pause_end()
        # A push-only entry may make no other call: the issue must still go when the pause ends.
        self._unsub_pause_end = async_call_later(self.hass, seconds, self._async_pause_ended)
        self._async_tell_health()
        return seconds

    @callback
    def _async_pause_ended(self, _now: datetime) -> None:
        self._unsub_pause_end = None
        async_delete_entry_issue(self.hass, ISSUE_RATE_LIMITED, self.config_entry.entry_id)
        self._async_tell_health()

    @callback
    def _async_cancel_pause_end(self) -> None:
        if self._unsub_pause_end is not None:
            self._unsub_pause_end()
            self._unsub_pause_end = None

    @callback
    def _async_tell_health(self) -> None:
        # The API-calls sensor shows the pause; it follows the Application's updates.
        if (data := getattr(self.config_entry, "runtime_data", None)) is not None:
            data.updates.notify((HEALTH_UPDATES_KEY,))

    async def async_shutdown(self) -> None:
        """Also forget the end of a rate-limit pause (the entry unloads)."""
        self._async_cancel_pause_end()
        await super().async_shutdown()

    async def _async_update_data(self) -> FleetState:
        """Read the device list (and values when seeding or refreshing) from the API."""
        if self.client is None:
            return self.fleet
        if self.backoff.remaining() > 0:
            return self._while_rate_limited()
        with_values = self._first_sync_done or bool(
            self.config_entry.options.get(OPT_SEED_FROM_API, DEFAULT_SEED_FROM_API)
        )
        try:
            api_devices = await self.client.async_search_devices()
            if self._empty_listing({device.sn for device in api_devices if device.sn}):
                return self.fleet
            for api_device in api_devices:
                await self._async_sync_device(self.client, api_device, with_values)
        except MilesightRateLimitError as err:
            # After the first sync the refresh fails with UpdateFailed, which is logged.
            self.async_note_rate_limit(err, log=not self._first_sync_done)
            return self._while_rate_limited()
        except MilesightAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="milesight_auth_failed"
            ) from err
        except MilesightError as err:
            if not self._first_sync_done:
                # Retry the first sync at a quota-friendly pace (also after a deferral by a
                # rate limit, not at the short interval that waited for the end of the pause).
                retry = self._configured_interval or FIRST_SYNC_RETRY
                self.update_interval = retry
                if self.config_entry.state is ConfigEntryState.SETUP_IN_PROGRESS:
                    return self._api_unreachable_at_setup(err, retry)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="milesight_api_error",
                translation_placeholders={"error": type(err).__name__},
            ) from err
        finally:
            # What a partial sync learnt (and the API calls it made) is kept too.
            self._store.async_schedule_save()
        if self.backoff.paused_until is not None:
            self.backoff.reset()
            self._async_cancel_pause_end()
            async_delete_entry_issue(self.hass, ISSUE_RATE_LIMITED, self.config_entry.entry_id)
        self.update_interval = self._configured_interval
        self.fleet.mark_unlisted(self.listing.gone)
        self._first_sync_done = True
        return self.fleet

    def _empty_listing(self, listed: set[str]) -> bool:
        """Count the listing (stale_devices.py); True when it is an empty one to distrust.

        After the first sync such a listing fails the refresh; at start-up the entry loads
        push-only, as when the API cannot be reached, so that its webhook is registered.
        """
        if not self.listing.observe(self.fleet.api_known(), listed):
            return False
        if not self._first_sync_done:
            _LOGGER.warning("Milesight API listed no device at start-up: keeping the known ones")
            self.update_interval = self._configured_interval or FIRST_SYNC_RETRY
            return True
        raise UpdateFailed(translation_domain=DOMAIN, translation_key="milesight_empty_list")

    def _api_unreachable_at_setup(self, err: MilesightError, retry: timedelta) -> FleetState:
        """Set the entry up push-only when the optional API fails at start-up.

        Failing the set-up would leave the webhook unregistered until a retry succeeds, and
        Home Assistant answers unknown webhook ids with 200: MDP would count those deliveries
        as delivered and their readings would be lost. The sync retries in the background;
        if that fails too, the coordinator reports it as an update failure.
        """
        _LOGGER.warning(
            "Milesight API unavailable at start-up (%s): webhook deliveries are received, "
            "the device list is read again in %d minutes",
            type(err).__name__,
            retry.total_seconds() // 60,
        )
        return self.fleet

    def _while_rate_limited(self) -> FleetState:
        """Make no API call until the pause ends.

        Before the first sync the entry still sets up (webhooks need no API) and the sync is
        re-scheduled for the end of the pause: failing the set-up instead would retry within
        seconds and spend more of the quota on every attempt.
        """
        remaining = self.backoff.remaining()
        if not self._first_sync_done:
            self.update_interval = timedelta(seconds=max(remaining, 1.0))
            return self.fleet
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="milesight_rate_limited",
            translation_placeholders={"minutes": str(math.ceil(remaining / 60))},
        )

    async def _async_sync_device(
        self, client: MilesightClient, api_device: MilesightDevice, with_values: bool
    ) -> None:
        changes = self.fleet.sync_listed(api_device)
        if not changes.changed:
            return  # no serial number: devices are keyed by it
        self._registry.async_apply(changes)
        sn, firmware = api_device.sn, api_device.firmware_version
        try:
            if self.fleet.needs_thing_model(sn, firmware):
                spec = await client.async_get_thing_specification(api_device.device_id)
                self.fleet.set_thing_model(sn, spec, firmware)
            self.fleet.adopt_thing_model_keys(sn)
            if with_values:
                started = time.time()
                values = await client.async_get_latest_values(
                    api_device.device_id, lookback_s=self._history_lookback_s(api_device, started)
                )
                self.fleet.apply_values(sn, values)
                self._values_read_at[api_device.device_id] = started
        except (MilesightAuthError, MilesightRateLimitError):
            raise
        except MilesightError as err:
            # One device without a thing model or history must not hide the others.
            _LOGGER.debug("Milesight device %s: API read failed: %s", sn, err)

    def _history_lookback_s(self, api_device: MilesightDevice, now: float) -> int:
        """Seconds of history to read: since the device's last read (+ margin), at most 24 h.

        Re-reading a whole day on every slow refresh would cost one page per 100 uplinks of
        every device each time (reference §5.4 reads from max(last sync, now - 24 h)).
        """
        last_read = self._values_read_at.get(api_device.device_id)
        if last_read is None:
            return FULL_HISTORY_LOOKBACK_S
        since = math.ceil(max(now - last_read, 0.0)) + HISTORY_MARGIN_S
        return min(since, FULL_HISTORY_LOOKBACK_S)

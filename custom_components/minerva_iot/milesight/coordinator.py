"""Push-first coordinator of one Milesight Application.

Webhook deliveries update the devices and publish them to the entities of the devices they
touched only (`DeliveryListeners`); an API sync updates every entity. The API
(when configured) is used once at start-up (device list, thing models, optionally the latest
values) and, only if the user enables it, for a slow periodic refresh: MDP quotas are small.
After a rate-limit answer no API call is made until the pause of `RateLimitBackoff` ends; a
sync also drops the devices the Application no longer lists and re-reads the thing model of a
device whose firmware changed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
import logging
import math
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightClient,
    MilesightDevice,
    MilesightError,
    MilesightRateLimitError,
)
from custom_components.minerva_iot.const import DOMAIN

from custom_components.minerva_iot.backoff import RateLimitBackoff
from .const import (
    DEFAULT_REFRESH_MINUTES,
    DEFAULT_SEED_FROM_API,
    OPT_REFRESH_MINUTES,
    OPT_SEED_FROM_API,
)
from .device_events import BUTTON_KEYS, is_event_key
from .identifiers import device_identifier
from .listeners import DeliveryListeners
from .models import DeliveryStats, DeviceEventRecord, DeviceState, PropertyHint
from .store import entry_store
from .waiters import SelfTestWaiters

_LOGGER = logging.getLogger(__name__)

FIRST_SYNC_RETRY = timedelta(minutes=15)
_SAVE_DELAY_S = 10
# History read for a device whose values were never read since the entry was loaded.
FULL_HISTORY_LOOKBACK_S = 86400
# Overlap with the previous read: uplinks stored by MDP a little after they were measured.
HISTORY_MARGIN_S = 60


def _flag_event_key(device: DeviceState, key: str) -> bool:
    """True for a button / alarm key (an event, not a state); flags the device as having one."""
    if key in BUTTON_KEYS:
        device.has_button = True
        return True
    if is_event_key(key):
        device.has_alarm = True
        return True
    return False


class MilesightCoordinator(DataUpdateCoordinator[dict[str, DeviceState]]):
    """Devices of one Application, fed by webhooks and (optionally) the API."""

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: MilesightClient | None
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
        self.backoff = RateLimitBackoff()
        self.devices: dict[str, DeviceState] = {}
        self.stats = DeliveryStats()
        self.listeners = DeliveryListeners()
        self._store = entry_store(hass, entry.entry_id)
        self._event_seq = 0
        self._first_sync_done = False
        # deviceId -> epoch seconds when its last successful history read started.
        self._values_read_at: dict[str, float] = {}
        self.selftest_waiters = SelfTestWaiters(hass)
        self.data = self.devices

    # --- persistence -------------------------------------------------------------------------

    async def _async_setup(self) -> None:
        """Load the devices and keys known before the restart."""
        stored = await self._store.async_load() or {}
        for raw in stored.get("devices", []):
            device = DeviceState.from_dict(raw)
            self.devices[device.sn] = device
            self.async_update_device_registry(device)
        self.stats.webhook_verified = bool(stored.get("webhook_verified"))
        self.stats.signed_delivery_seen = bool(stored.get("signed_delivery_seen"))
        if self.client is not None and isinstance(usage := stored.get("api_usage"), dict):
            # The quota is per day: calls made before a restart or reload still count.
            self.client.usage.restore(usage)

    def _stored(self) -> dict[str, Any]:
        return {
            "devices": [device.as_dict() for device in self.devices.values()],
            "webhook_verified": self.stats.webhook_verified,
            "signed_delivery_seen": self.stats.signed_delivery_seen,
            "api_usage": self.client.usage.as_dict() if self.client is not None else {},
        }

    @callback
    def async_schedule_save(self) -> None:
        """Persist the known devices a little later (batches bursts of uplinks)."""
        self._store.async_delay_save(self._stored, _SAVE_DELAY_S)

    async def async_save_now(self) -> None:
        """Persist immediately (on unload)."""
        await self._store.async_save(self._stored())

    # --- API ---------------------------------------------------------------------------------

    async def _async_update_data(self) -> dict[str, DeviceState]:
        """Read the device list (and values when seeding or refreshing) from the API."""
        if self.client is None:
            return self.devices
        if self.backoff.remaining() > 0:
            return self._while_rate_limited()
        with_values = self._first_sync_done or bool(
            self.config_entry.options.get(OPT_SEED_FROM_API, DEFAULT_SEED_FROM_API)
        )
        try:
            api_devices = await self.client.async_search_devices()
            for api_device in api_devices:
                await self._async_sync_device(self.client, api_device, with_values)
        except MilesightRateLimitError as err:
            seconds = self.backoff.pause(err.retry_after)
            _LOGGER.warning(
                "Milesight API quota or rate limit reached: no API call for %d s", seconds
            )
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
        self.backoff.reset()
        self.update_interval = self._configured_interval
        self._remove_stale_devices(api_devices)
        self._first_sync_done = True
        self.async_schedule_save()
        return self.devices

    def _api_unreachable_at_setup(
        self, err: MilesightError, retry: timedelta
    ) -> dict[str, DeviceState]:
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
        return self.devices

    def _while_rate_limited(self) -> dict[str, DeviceState]:
        """Make no API call until the pause ends.

        Before the first sync the entry still sets up (webhooks need no API) and the sync is
        re-scheduled for the end of the pause: failing the set-up instead would retry within
        seconds and spend more of the quota on every attempt.
        """
        remaining = self.backoff.remaining()
        if not self._first_sync_done:
            self.update_interval = timedelta(seconds=max(remaining, 1.0))
            return self.devices
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="milesight_rate_limited",
            translation_placeholders={"minutes": str(math.ceil(remaining / 60))},
        )

    @callback
    def _remove_stale_devices(self, api_devices: list[MilesightDevice]) -> None:
        """Forget the devices the Application no longer lists (deleted in MDP)."""
        listed = {api_device.device_id for api_device in api_devices}
        if not listed:
            return  # an empty list is likelier a glitch than every device deleted at once
        stale_serials = [
            sn
            for sn, device in self.devices.items()
            if device.device_id is not None and device.device_id not in listed
        ]
        if not stale_serials:
            return
        stale_identifiers = {device_identifier(sn) for sn in stale_serials}
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        for registry_device in dr.async_entries_for_config_entry(registry, entry_id):
            if registry_device.identifiers & stale_identifiers:
                registry.async_update_device(registry_device.id, remove_config_entry_id=entry_id)
        for sn in stale_serials:
            del self.devices[sn]

    async def _async_sync_device(
        self, client: MilesightClient, api_device: MilesightDevice, with_values: bool
    ) -> None:
        if not api_device.sn:
            return
        device = self.devices.setdefault(api_device.sn, DeviceState(sn=api_device.sn))
        device.device_id = api_device.device_id
        device.name = api_device.name or device.name
        device.model = api_device.model or device.model
        device.dev_eui = api_device.dev_eui or device.dev_eui
        device.firmware_version = api_device.firmware_version or device.firmware_version
        device.hardware_version = api_device.hardware_version or device.hardware_version
        if api_device.connect_status:
            # DISCONNECT means "never connected": as unusable as OFFLINE for Home Assistant.
            self.set_online(device, api_device.connect_status.upper() == "ONLINE")
        self.async_update_device_registry(device)
        try:
            # The thing model is cached across restarts; a firmware update may change it.
            if not device.tsl_loaded or device.tsl_firmware != api_device.firmware_version:
                spec = await client.async_get_thing_specification(api_device.device_id)
                device.hints = {
                    key: PropertyHint.from_thing_property(prop)
                    for key, prop in spec.properties.items()
                }
                device.tsl_loaded = True
                device.tsl_firmware = api_device.firmware_version
            self._adopt_thing_model_keys(device)
            if with_values:
                started = time.time()
                values = await client.async_get_latest_values(
                    api_device.device_id, lookback_s=self._history_lookback_s(api_device, started)
                )
                self.apply_values(device, values)
                self._values_read_at[api_device.device_id] = started
        except (MilesightAuthError, MilesightRateLimitError):
            raise
        except MilesightError as err:
            # One device without a thing model or history must not hide the others.
            _LOGGER.debug("Milesight device %s: API read failed: %s", api_device.sn, err)

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

    # --- state changes (called by the webhook processing) ------------------------------------

    @callback
    def get_or_create_device(self, sn: str) -> DeviceState:
        """The device with this serial number, created on first sight."""
        if sn not in self.devices:
            self.devices[sn] = DeviceState(sn=sn)
            self.async_schedule_save()
        return self.devices[sn]

    @callback
    def apply_values(
        self, device: DeviceState, flat: dict[str, Any], measured_at: float | None = None
    ) -> None:
        """Store current property values; new keys are remembered for the next start.

        With `measured_at` (epoch seconds of the uplink) a late delivery never replaces a
        newer value of the same key: MDP may deliver out of order when it retries.
        """
        new_keys = False
        for key, value in flat.items():
            if _flag_event_key(device, key) or isinstance(value, list | dict):
                continue
            if measured_at is not None:
                if measured_at < device.measured_at.get(key, measured_at):
                    continue
                device.measured_at[key] = measured_at
            device.values[key] = value
            if key not in device.keys:
                device.keys.add(key)
                new_keys = True
        if new_keys:
            self.async_schedule_save()

    @callback
    def _adopt_thing_model_keys(self, device: DeviceState) -> None:
        """Give every reading of the thing model an entity, before the device reports it.

        Settings (writable properties) and hidden properties are left out; the entities of
        readings not reported yet show unknown until the next uplink.
        """
        new_keys = False
        for key, hint in device.hints.items():
            if not hint.is_reading or _flag_event_key(device, key) or key in device.keys:
                continue
            device.keys.add(key)
            new_keys = True
        if new_keys:
            self.async_schedule_save()

    @callback
    def set_online(self, device: DeviceState, online: bool) -> None:
        """Record ONLINE/OFFLINE; persisted so an offline device stays so after a restart."""
        if device.online is not online:
            device.online = online
            self.async_schedule_save()

    @callback
    def record_device_event(
        self, device: DeviceState, kind: str, event_type: str, attributes: dict[str, Any]
    ) -> None:
        """Remember a button press / alarm for the event entities."""
        self._event_seq += 1
        record = DeviceEventRecord(self._event_seq, event_type, attributes)
        if kind == "button":
            device.has_button = True
            device.last_button = record
        else:
            device.has_alarm = True
            device.last_alarm = record
        self.async_schedule_save()

    @callback
    def async_update_device_registry(self, device: DeviceState) -> str:
        """Create or refresh the device registry entry; return its Home Assistant id."""
        registry_device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            identifiers={device_identifier(device.sn)},
            manufacturer="Milesight",
            name=device.name or device.sn,
            model=device.model,
            serial_number=device.sn,
            sw_version=device.firmware_version,
            hw_version=device.hardware_version,
        )
        return registry_device.id

    @callback
    def publish(self, serials: Collection[str]) -> None:
        """Hand a delivery's changes to the entities of the devices it touched.

        Not `async_set_updated_data`: that would make every entity of the Application write its
        state, postpone the API refresh (and a deferred first sync) on every delivery, and
        report a failing API as healthy (`last_update_success`).
        """
        self.listeners.async_notify_devices(serials)

    # --- webhook health -------------------------------------------------------------------------

    @callback
    def note_delivery(self, when: datetime) -> None:
        """A delivery signed with the entry's secret was accepted."""
        self.stats.last_delivery = when
        self.stats.consecutive_signature_failures = 0
        if not self.stats.signed_delivery_seen:
            self.stats.signed_delivery_seen = True
            self.async_schedule_save()

    @callback
    def note_rejected(self, *, signature_failure: bool) -> None:
        """A request was refused (signature, freshness, replay or body)."""
        self.stats.rejected += 1
        if signature_failure:
            self.stats.consecutive_signature_failures += 1
        self.listeners.async_notify_application()

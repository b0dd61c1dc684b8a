"""Milesight side of the integration: entry set-up, coordinator, webhook and entities."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight import MilesightClient
from custom_components.minerva_iot.compat import async_listen_for_options_changes
from custom_components.minerva_iot.device_updates import DeviceUpdates
from custom_components.minerva_iot.issues import (
    ISSUE_STORE_UNREADABLE,
    async_delete_entry_issues,
)
from custom_components.minerva_iot.selftest_waiters import SelfTestWaiters
from custom_components.minerva_iot.stale_devices import DeviceListing, removal_allowed
from custom_components.minerva_iot.usage import ApiCallCounter

from . import catalogue
from .const import ALL_ISSUES, CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_SERVER_ADDRESS
from .control.outcomes import async_create_pending
from .coordinator import MilesightCoordinator
from .data import MilesightConfigEntry, MilesightData
from .fleet import FleetState
from .health import WebhookHealth
from .identifiers import is_application_device, sn_of_device
from .platforms import PLATFORM_SETUPS
from .registry import MilesightDeviceRegistry
from .store import MilesightStore, async_remove_store
from .watchdog import DeliveryWatchdog
from .webhook import MilesightWebhookHandler, async_publish_webhook_url, async_register_webhook

PLATFORMS: list[Platform] = list(PLATFORM_SETUPS)


async def async_setup_entry(hass: HomeAssistant, entry: MilesightConfigEntry) -> bool:
    """Set up a Milesight entry: stored fleet, API client (if any), platforms, webhook."""
    # The device catalogue is a megabyte of JSON: read once per process, off the event loop.
    await hass.async_add_executor_job(catalogue.load)
    fleet, health = FleetState(), WebhookHealth()
    api_calls = ApiCallCounter(time_zone=dt_util.get_default_time_zone())
    # The Application's device lists: a device is believed gone after a few (stale_devices.py).
    listing: DeviceListing[str] = DeviceListing()
    store = MilesightStore(hass, entry.entry_id, fleet, health, api_calls, listing)
    await store.async_load()
    registry = MilesightDeviceRegistry(hass, entry.entry_id, fleet)
    registry.async_update_all()
    client: MilesightClient | None = None
    if CONF_CLIENT_ID in entry.data:
        client = MilesightClient(
            async_get_clientsession(hass),
            entry.data[CONF_SERVER_ADDRESS],
            entry.data[CONF_CLIENT_ID],
            entry.data[CONF_CLIENT_SECRET],
            # Every request, token requests included, counts against the daily quota.
            on_request=api_calls.record,
        )
    coordinator = MilesightCoordinator(hass, entry, client, fleet, store, registry, listing)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = MilesightData(
        fleet=fleet,
        health=health,
        api_calls=api_calls,
        store=store,
        registry=registry,
        updates=DeviceUpdates(),
        selftest_waiters=SelfTestWaiters(hass),
        client=client,
        coordinator=coordinator,
        webhook=MilesightWebhookHandler(hass, entry),
        watchdog=DeliveryWatchdog(hass, entry),
    )
    if client is not None:
        entry.runtime_data.pending = async_create_pending(hass, entry)
    # Before the entities exist: devices that went silent while Home Assistant was down start
    # unavailable.
    await entry.runtime_data.watchdog.async_start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_register_webhook(hass, entry, entry.runtime_data.webhook)
    entry.runtime_data.webhook_url = await async_publish_webhook_url(hass, entry)

    async def _async_republish_url(event: Event) -> None:
        # The user may just have set the external URL the "no external URL" issue asked for.
        entry.runtime_data.webhook_url = await async_publish_webhook_url(hass, entry)

    entry.async_on_unload(hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_republish_url))
    async_listen_for_options_changes(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MilesightConfigEntry) -> bool:
    """Unload a Milesight entry (the webhook is unregistered through async_on_unload)."""
    await entry.runtime_data.store.async_save_now()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the entry's repair issues and its store of known devices."""
    async_delete_entry_issues(hass, entry.entry_id, (*ALL_ISSUES, ISSUE_STORE_UNREADABLE))
    await async_remove_store(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: MilesightConfigEntry, device: DeviceEntry
) -> bool:
    """The one device-removal rule (stale_devices.py) for a sensor device.

    Allowed while the entry is loaded, for a device the Application's last API listing did not
    name (a webhook-only entry has no listing: any sensor device; an API entry that has not read
    its list yet refuses). A deleted device is forgotten
    (state, keys, thing model) and comes back, with new entities, when it reports again. The
    Application's own service device (health entities, buttons) cannot be deleted; a device
    that is not a Milesight sensor of ours (left over) may go.
    """
    if entry.state is not ConfigEntryState.LOADED or is_application_device(device):
        return False
    if (sn := sn_of_device(device)) is None:
        return True
    data = entry.runtime_data
    if data.client is not None and not data.coordinator.listing.seen:
        return False  # an API entry that could not read the list yet: it may still name it
    if not removal_allowed(entry, data.coordinator.listing, sn):
        return False
    data.coordinator.listing.forget(sn)
    if data.fleet.remove(sn):
        data.store.async_schedule_save()
    return True

"""Milesight side of the integration: entry set-up, coordinator, webhook and entities."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.clients.milesight import MilesightClient
from custom_components.minerva_iot.compat import async_listen_for_options_changes
from custom_components.minerva_iot.issues import async_delete_entry_issues

from .const import ALL_ISSUES, CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_SERVER_ADDRESS
from .coordinator import MilesightCoordinator
from .data import MilesightConfigEntry, MilesightData
from .identifiers import is_application_device, sn_of_device
from .platforms import PLATFORM_SETUPS
from .store import async_forget_stored_device, entry_store
from .webhook import MilesightWebhookHandler, async_publish_webhook_url, async_register_webhook

PLATFORMS: list[Platform] = list(PLATFORM_SETUPS)


async def async_setup_entry(hass: HomeAssistant, entry: MilesightConfigEntry) -> bool:
    """Set up a Milesight entry: API client (if any), coordinator, platforms, webhook."""
    client: MilesightClient | None = None
    if CONF_CLIENT_ID in entry.data:
        client = MilesightClient(
            async_get_clientsession(hass),
            entry.data[CONF_SERVER_ADDRESS],
            entry.data[CONF_CLIENT_ID],
            entry.data[CONF_CLIENT_SECRET],
        )
    coordinator = MilesightCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    handler = MilesightWebhookHandler(hass, entry, coordinator)
    entry.runtime_data = MilesightData(coordinator=coordinator, client=client, webhook=handler)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_register_webhook(hass, entry, handler)
    entry.runtime_data.webhook_url = await async_publish_webhook_url(hass, entry, coordinator)

    async def _async_republish_url(event: Event) -> None:
        # The user may just have set the external URL the "no external URL" issue asked for.
        entry.runtime_data.webhook_url = await async_publish_webhook_url(hass, entry, coordinator)

    entry.async_on_unload(hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_republish_url))
    async_listen_for_options_changes(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MilesightConfigEntry) -> bool:
    """Unload a Milesight entry (the webhook is unregistered through async_on_unload)."""
    await entry.runtime_data.coordinator.async_save_now()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove the entry's repair issues and its store of known devices."""
    async_delete_entry_issues(hass, entry.entry_id, ALL_ISSUES)
    await entry_store(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: MilesightConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete a sensor device; it is forgotten until it reports again.

    The Application's own service device (health entities, buttons) cannot be deleted. The
    entry may not be loaded (disabled, or waiting for a set-up retry): its store is then
    edited, so that the next set-up does not bring the device back.
    """
    if is_application_device(device):
        return False
    if (sn := sn_of_device(device)) is None:
        return True
    if entry.state is not ConfigEntryState.LOADED:
        await async_forget_stored_device(hass, entry.entry_id, sn)
        return True
    coordinator = entry.runtime_data.coordinator
    coordinator.devices.pop(sn, None)
    coordinator.async_schedule_save()
    return True

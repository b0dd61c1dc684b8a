"""Minerva IoT: Milesight Development Platform sensors and TTLock locks in Home Assistant.

Each config entry talks to one cloud; `entry.data["vendor"]` names it, and the vendor table
(`vendors.VENDORS`) hands the entry to that vendor's package.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID, DOMAIN
from .migration import async_migrate_entry
from .vendors import VENDORS, find_vendor, vendor_of
from .webhook_url import async_delete_cloudhook

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

__all__ = ["async_migrate_entry"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions once, whatever entries exist (action-setup)."""
    for vendor in VENDORS.values():
        if vendor.async_setup_services is not None:
            vendor.async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up one cloud account."""
    return await vendor_of(entry).async_setup_entry(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload an entry; webhooks are unregistered through entry.async_on_unload."""
    # Only loaded entries are unloaded, and an entry of an unknown vendor never loads.
    return await vendor_of(entry).async_unload_entry(hass, entry)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Clean up what outlives an unload: the Nabu Casa cloudhook and the entry's repair issues."""
    shared = any(
        other.entry_id != entry.entry_id
        and other.data.get(CONF_WEBHOOK_ID) == entry.data.get(CONF_WEBHOOK_ID)
        for other in hass.config_entries.async_entries(DOMAIN)
    )
    # TTLock entries of one application share a webhook (and its cloudhook).
    if not shared and entry.data.get(CONF_CLOUDHOOK_URL):
        await async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    if (vendor := find_vendor(entry)) is not None:
        await vendor.async_remove_entry(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: ConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete a device the cloud no longer reports."""
    if (vendor := find_vendor(entry)) is None:
        return True  # nothing of an unknown vendor can come back
    return await vendor.async_remove_device(hass, entry, device)

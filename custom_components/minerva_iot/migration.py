"""Config entry migration: an update never orphans a user's devices, entities or history.

Version 2 gave every device identifier and unique id one shape (`identifiers.py`). The
registries' own update helpers move them in place, so device ids, entity ids, the names and
areas the user gave and the recorded history all stay attached.
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .compat import async_get_entry_device
from .const import DOMAIN
from .vendor import Vendor
from .vendors import find_vendor

_LOGGER = logging.getLogger(__name__)

ENTRY_VERSION = 2


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry written by an older version up to ENTRY_VERSION."""
    if entry.version > ENTRY_VERSION:
        # Written by a newer Minerva IoT: refuse rather than guess (a downgrade).
        return False
    if entry.version == 1:
        if (vendor := find_vendor(entry)) is not None:
            _migrate_v1_devices(hass, entry, vendor)
            await _async_migrate_v1_entities(hass, entry, vendor)
        hass.config_entries.async_update_entry(entry, version=2, minor_version=1)
        _LOGGER.debug("Migrated entry %s to version 2", entry.entry_id)
    return True


def _migrate_v1_devices(hass: HomeAssistant, entry: ConfigEntry, vendor: Vendor) -> None:
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        identifiers = {
            (domain, vendor.migrate_v1_identifier(value) if domain == DOMAIN else value)
            for domain, value in device.identifiers
        }
        if identifiers == device.identifiers:
            continue
        if any(
            (other := async_get_entry_device(hass, entry.entry_id, value)) is not None
            and other.id != device.id
            for domain, value in identifiers - device.identifiers
        ):
            _LOGGER.warning("Device %s not migrated: its new identifier is taken", device.id)
            continue
        registry.async_update_device(device.id, new_identifiers=identifiers)


async def _async_migrate_v1_entities(
    hass: HomeAssistant, entry: ConfigEntry, vendor: Vendor
) -> None:
    registry = er.async_get(hass)

    @callback
    def _new_unique_id(entity: er.RegistryEntry) -> dict[str, str] | None:
        unique_id = vendor.migrate_v1_unique_id(entity.unique_id, entry.entry_id)
        if unique_id == entity.unique_id:
            return None
        if registry.async_get_entity_id(entity.domain, DOMAIN, unique_id) is not None:
            _LOGGER.warning("Entity %s not migrated: its new unique id is taken", entity.entity_id)
            return None
        return {"new_unique_id": unique_id}

    await er.async_migrate_entries(hass, entry.entry_id, _new_unique_id)

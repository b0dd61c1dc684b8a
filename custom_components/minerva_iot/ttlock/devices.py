"""Registry upkeep of a TTLock entry: gateway devices, entities a lock no longer has."""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.minerva_iot.clients.ttlock import TTLockGateway
from custom_components.minerva_iot.const import DOMAIN

from .const import GATEWAY_MODEL, MANUFACTURER
from .identifiers import gateway_identifier, lock_unique_id

_LOGGER = logging.getLogger(__name__)


@callback
def async_sync_gateway_devices(
    hass: HomeAssistant, entry: ConfigEntry, gateways: list[TTLockGateway]
) -> None:
    """Create the listed gateways' devices, so that locks can name them as via_device.

    Nothing is removed here: a lock or gateway the cloud no longer lists stays until the user
    deletes its device (stale_devices.py).
    """
    registry = dr.async_get(hass)
    for gateway in gateways:
        registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, gateway_identifier(gateway.gateway_id))},
            name=gateway.name,
            manufacturer=MANUFACTURER,
            model=GATEWAY_MODEL,
        )


@callback
def async_remove_lock_entity(
    hass: HomeAssistant, lock_id: int, platform: Platform, key: str
) -> None:
    """Remove a lock's registered entity `key` that the lock no longer has.

    For what is certain only: the cloud said the lock has no door sensor, or the user said it is
    not controllable remotely. Such an entity (made by an earlier version, or before the choice)
    goes instead of staying behind as "no longer provided"; a failed question removes nothing.
    """
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, lock_unique_id(lock_id, key))
    if entity_id is not None:
        _LOGGER.info("Removing %s: TTLock lock %s no longer has it", entity_id, lock_id)
        registry.async_remove(entity_id)

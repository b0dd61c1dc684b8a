"""Registry upkeep of a TTLock entry: gateway devices, devices the cloud dropped, stale entities."""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.minerva_iot.clients.ttlock import TTLockGateway
from custom_components.minerva_iot.compat import DEVICES_PER_ENTRY
from custom_components.minerva_iot.const import DOMAIN

from .const import GATEWAY_MODEL, MANUFACTURER
from .identifiers import (
    gateway_id_of_device,
    gateway_identifier,
    lock_id_of_device,
    lock_unique_id,
)

_LOGGER = logging.getLogger(__name__)


@callback
def async_sync_devices(
    hass: HomeAssistant,
    entry: ConfigEntry,
    lock_ids: set[int],
    gateways: list[TTLockGateway],
) -> tuple[set[int], set[int]]:
    """Create the gateways' devices and detach devices of locks / gateways no longer listed.

    Runs on every successful poll, so a lock deleted in the app while Home Assistant was off also
    loses its device. The coordinator passes an empty list only once it persisted over several
    polls; even then it removes nothing of that kind (deleting every device on one answer is too
    costly if it was wrong; the user can delete them by hand). Returns the ids of the locks and of
    the gateways whose devices were removed.
    """
    registry = dr.async_get(hass)
    for gateway in gateways:
        # Created here (not only by the gateway's entity) so locks can name it as via_device.
        registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, gateway_identifier(gateway.gateway_id))},
            name=gateway.name,
            manufacturer=MANUFACTURER,
            model=GATEWAY_MODEL,
        )
    gateway_ids = {gateway.gateway_id for gateway in gateways}
    removed_locks: set[int] = set()
    removed_gateways: set[int] = set()
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        lock_id = lock_id_of_device(device)
        gateway_id = gateway_id_of_device(device)
        if lock_id is not None and lock_ids and lock_id not in lock_ids:
            removed_locks.add(lock_id)
        elif gateway_id is not None and gateway_ids and gateway_id not in gateway_ids:
            removed_gateways.add(gateway_id)
        else:
            continue
        if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8: the device is only ours
            registry.async_remove_device(device.id)
        else:
            registry.async_update_device(device.id, remove_config_entry_id=entry.entry_id)
    return removed_locks, removed_gateways


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

"""Device registry upkeep of a TTLock entry: gateway devices, and devices the cloud dropped."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from custom_components.minerva_iot.clients.ttlock import TTLockGateway
from custom_components.minerva_iot.compat import DEVICES_PER_ENTRY
from custom_components.minerva_iot.const import DOMAIN

from .const import GATEWAY_MODEL, MANUFACTURER
from .identifiers import gateway_id_of_device, gateway_identifier, lock_id_of_device


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

"""Device trigger types offered for a TTLock lock (for ../device_trigger.py).

Each is a `minerva_iot_event` type fired for a lock record (records.py), so an automation can
start on "unlocked", "door opened", "alarm", ... of one lock.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.clients.ttlock.callback import RecordKind

from .identifiers import lock_id_of_device

TRIGGER_TYPES: tuple[str, ...] = tuple(kind.value for kind in RecordKind)


def ttlock_trigger_types(entry: ConfigEntry, device: DeviceEntry) -> list[str]:
    """Every record kind for a lock device; gateways and the account device have none."""
    if lock_id_of_device(device) is None:
        return []
    return list(TRIGGER_TYPES)

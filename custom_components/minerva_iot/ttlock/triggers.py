"""Device trigger types offered for a TTLock lock (for the vendor-neutral ../device_trigger.py).

Each is a `minerva_iot_event` type fired for a lock record (records.py, `type` = the record kind,
`device_id` = the lock's device), so an automation can start on "unlocked", "door opened",
"alarm", ... of one lock: `device_trigger.py` attaches an event trigger on (device_id, type).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockLock
from custom_components.minerva_iot.clients.ttlock.callback import RecordKind

from .data import TTLockConfigEntry
from .identifiers import lock_id_of_device

# A list comprehension (not a generator) so the quality checks can read the values statically.
TRIGGER_TYPES: tuple[str, ...] = tuple([kind.value for kind in RecordKind])
_DOOR_TYPES = frozenset({RecordKind.DOOR_OPENED.value, RecordKind.DOOR_CLOSED.value})


def _lock_trigger_types(lock: TTLockLock) -> list[str]:
    """What a known lock can report.

    Records reach Home Assistant only as callback pushes, and only gateway or WiFi locks push
    (reference §8): a Bluetooth-only lock fires nothing. Door records need a door sensor.
    """
    if not lock.remotely_reachable:
        return []
    if lock.supports(Feature.DOOR_SENSOR) or lock.supports(Feature.WIRELESS_DOOR_SENSOR):
        return list(TRIGGER_TYPES)
    return [kind for kind in TRIGGER_TYPES if kind not in _DOOR_TYPES]


def ttlock_trigger_types(entry: TTLockConfigEntry, device: DeviceEntry) -> list[str]:
    """Record kinds for a lock device; gateways and the account device have none.

    Once the entry is loaded and knows the lock, exactly what that lock can report; before that
    (entry not loaded yet) every kind, so the editor still shows saved automations' triggers.
    """
    lock_id = lock_id_of_device(device)
    if lock_id is None:
        return []
    lock = (
        entry.runtime_data.coordinator.account.locks.get(lock_id)
        if entry.state is ConfigEntryState.LOADED
        else None
    )
    if lock is None:
        return list(TRIGGER_TYPES)
    return _lock_trigger_types(lock)

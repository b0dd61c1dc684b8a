"""Device trigger types offered for a TTLock lock (for the vendor-neutral ../device_trigger.py).

Each is a `minerva_iot_event` type fired for a lock record (records.py, `type` = the record kind,
`device_id` = the lock's device), so an automation can start on "unlocked", "door opened",
"alarm", ... of one lock: `device_trigger.py` attaches an event trigger on (device_id, type).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.device_registry import DeviceEntry

from custom_components.minerva_iot.clients.ttlock.callback import RecordKind

from .data import TTLockConfigEntry
from .identifiers import lock_id_of_device
from .reachability import supports_door_sensor

# A list comprehension (not a generator) so the quality checks can read the values statically.
TRIGGER_TYPES: tuple[str, ...] = tuple([kind.value for kind in RecordKind])
_DOOR_TYPES = frozenset({RecordKind.DOOR_OPENED.value, RecordKind.DOOR_CLOSED.value})


def _lock_trigger_types(entry: TTLockConfigEntry, lock_id: int) -> list[str]:
    """What a known lock can report.

    Records reach Home Assistant only as callback pushes, and only locks the cloud reaches push
    (reference §8; reachability.py): a Bluetooth-only lock fires nothing. Door records need a
    door sensor: one the cloud or a door record confirmed, or, while that is not known yet, the
    featureValue's support for one.
    """
    coordinator = entry.runtime_data.coordinator
    reach = coordinator.reach
    if not reach.controllable(lock_id):
        return []
    door_sensor = reach.door_sensor(lock_id)
    if door_sensor is None:
        door_sensor = supports_door_sensor(coordinator.account.locks[lock_id])
    if door_sensor:
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
    if (
        entry.state is not ConfigEntryState.LOADED
        or lock_id not in entry.runtime_data.coordinator.account.locks
    ):
        return list(TRIGGER_TYPES)
    return _lock_trigger_types(entry, lock_id)

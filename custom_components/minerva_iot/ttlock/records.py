"""Lock records as automations see them: event type, summary, and the `minerva_iot_event`."""

from __future__ import annotations

from collections import deque
from typing import Any

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.clients.ttlock import TTLockRecord
from custom_components.minerva_iot.clients.ttlock.callback import RecordKind, describe_record_type
from custom_components.minerva_iot.compat import async_get_entry_device
from custom_components.minerva_iot.const import VENDOR_TTLOCK
from custom_components.minerva_iot.events import async_fire_minerva_event

from .identifiers import lock_identifier

# The method of a record type the integration does not know (it is reported as `other`).
UNKNOWN_METHOD = "unknown"
# Records remembered as applied; a push comes minutes late at most, so a few hundred suffice.
SEEN_RECORDS = 500


def record_kind(record: TTLockRecord) -> RecordKind:
    """The event type of a record; `other` for a record type we do not know.

    A failed lock or unlock (wrong passcode, refused card...) is a `failed_attempt`: an
    automation listening for "unlocked" must never run because somebody was turned away.
    """
    info = describe_record_type(record.record_type)
    if info is None:
        return RecordKind.OTHER
    if not record.success and info.kind in (RecordKind.UNLOCKED, RecordKind.LOCKED):
        return RecordKind.FAILED_ATTEMPT
    return info.kind


def record_summary(record: TTLockRecord) -> dict[str, Any]:
    """What automations and actions see of a record; the passcode / card number is left out."""
    info = describe_record_type(record.record_type)
    return {
        "lock_id": record.lock_id,
        "record_type": record.record_type,
        "kind": record_kind(record).value,
        "method": info.method if info else UNKNOWN_METHOD,
        "success": record.success,
        "user": record.username,
        "lock_date": record.lock_date,
        "server_date": record.server_date,
        "battery": record.electric_quantity,
    }


class SeenRecords:
    """The records applied lately, by what tells one record from another without a recordId.

    Real pushes carry no recordId (hass-ttlock #128's capture), the record list does: a record
    is its lock, type, outcome and the lock's own time of it.
    """

    def __init__(self, size: int = SEEN_RECORDS) -> None:
        """Remember the last `size` records."""
        self._order: deque[tuple[int, int, bool, int]] = deque(maxlen=size)
        self._keys: set[tuple[int, int, bool, int]] = set()

    def first_time(self, record: TTLockRecord) -> bool:
        """Whether `record` is new; it is remembered from now on."""
        key = (record.lock_id, record.record_type, record.success, record.lock_date)
        if key in self._keys:
            return False
        if len(self._order) == self._order.maxlen:
            self._keys.discard(self._order[0])
        self._order.append(key)
        self._keys.add(key)
        return True


@callback
def async_fire_record_event(
    hass: HomeAssistant, entry_id: str, record: TTLockRecord, kind: RecordKind
) -> None:
    """`minerva_iot_event` for a record of kind `kind`, on the lock's device (device triggers)."""
    device = async_get_entry_device(hass, entry_id, lock_identifier(record.lock_id))
    async_fire_minerva_event(
        hass,
        VENDOR_TTLOCK,
        device.id if device else None,
        kind.value,
        {"record": record_summary(record)},
    )

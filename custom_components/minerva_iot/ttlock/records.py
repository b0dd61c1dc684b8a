"""Publish a lock record: to the lock's event entity and as `minerva_iot_event` on the bus."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from custom_components.minerva_iot.clients.ttlock import TTLockRecord
from custom_components.minerva_iot.clients.ttlock.callback import RecordType, describe_record_type
from custom_components.minerva_iot.const import DOMAIN, VENDOR_TTLOCK
from custom_components.minerva_iot.events import async_fire_minerva_event

from .identifiers import lock_identifier


def record_summary(record: TTLockRecord) -> dict[str, Any]:
    """What automations and actions see of a record; the passcode / card number is left out."""
    info = describe_record_type(record.record_type)
    return {
        "lock_id": record.lock_id,
        "record_type": record.record_type,
        "kind": info.kind.value if info else None,
        "method": info.method if info else None,
        "success": record.success,
        "user": record.username,
        "lock_date": record.lock_date,
        "server_date": record.server_date,
        "battery": record.electric_quantity,
    }


@callback
def async_publish_record(
    hass: HomeAssistant,
    record: TTLockRecord,
    listeners: Iterable[Callable[[TTLockRecord], None]],
) -> RecordType | None:
    """Fire the bus event and notify listeners; records of unknown type are only ignored."""
    info = describe_record_type(record.record_type)
    if info is None:
        return None
    device = dr.async_get(hass).async_get_device(
        identifiers={(DOMAIN, lock_identifier(record.lock_id))}
    )
    async_fire_minerva_event(
        hass,
        VENDOR_TTLOCK,
        device.id if device else None,
        info.kind.value,
        {"record": record_summary(record)},
    )
    for listener in list(listeners):
        listener(record)
    return info

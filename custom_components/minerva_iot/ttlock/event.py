"""TTLock event entities: one per lock, firing for every record the lock reports."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock.callback import RecordKind

from .coordinator import RECORDS
from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities
from .records import record_summary


@dataclass(frozen=True, kw_only=True)
class TTLockEventDescription(EventEntityDescription, TTLockEntityDescription):
    """The records of a lock."""


EVENTS: tuple[TTLockEventDescription, ...] = (
    TTLockEventDescription(
        key="record",
        translation_key="ttlock_record",
        event_types=[kind.value for kind in RecordKind],
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """An event entity per lock."""
    async_add_lock_entities(entry, async_add_entities, EVENTS, TTLockRecordEvent)


class TTLockRecordEvent(TTLockEntity[LockDevice], EventEntity):
    """Who did what: method, user, record type, success of each record."""

    def __init__(self, device: LockDevice, description: EntityDescription) -> None:
        """Listen after every other entity: a record is reported once its lock state is shown."""
        super().__init__(device, description, RECORDS)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Report the records a push brought (a poll never re-fires one)."""
        records = self.coordinator.new_records(self.device.lock_id)
        if not records and self.shown_changed():
            self.async_write_ha_state()
        for record in records:
            summary = record_summary(record)
            self._trigger_event(
                summary["kind"],
                {
                    "method": summary["method"],
                    "user": summary["user"],
                    "record_type": summary["record_type"],
                    "success": summary["success"],
                },
            )
            self.async_write_ha_state()

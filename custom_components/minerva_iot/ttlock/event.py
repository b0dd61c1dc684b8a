"""TTLock event entities: one per lock, firing for every record the lock reports."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import TTLockRecord
from custom_components.minerva_iot.clients.ttlock.callback import RecordKind

from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .records import record_summary

RECORD = EventEntityDescription(
    key="record",
    translation_key="ttlock_record",
    event_types=[kind.value for kind in RecordKind],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """An event entity per lock."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockRecordEvent(coordinator, lock, RECORD)],
    )


class TTLockRecordEvent(TTLockLockEntity, EventEntity):
    """Who did what: method, user, record type, success of each record."""

    async def async_added_to_hass(self) -> None:
        """Listen to the lock's records (pushed records only: a poll never re-fires one)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_record_listener(self.lock_id, self._async_record)
        )

    @callback
    def _async_record(self, record: TTLockRecord) -> None:
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

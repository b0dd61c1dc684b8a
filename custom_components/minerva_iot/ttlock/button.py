"""TTLock buttons: ask a lock for its real state on demand (wakes the lock, one API call)."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .errors import async_run_command

CHECK_STATE = ButtonEntityDescription(
    key="check_state",
    translation_key="ttlock_check_state",
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A check-state button per lock a gateway reaches."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockCheckStateButton(coordinator, lock, CHECK_STATE)]
        if lock.remotely_reachable
        else [],
    )


class TTLockCheckStateButton(TTLockLockEntity, ButtonEntity):
    """queryOpenState for one lock."""

    async def async_press(self) -> None:
        """Ask the lock whether it is locked."""
        await async_run_command(
            self.hass,
            self.coordinator.config_entry,
            self.coordinator.commands.async_check_state(self.lock_id),
        )

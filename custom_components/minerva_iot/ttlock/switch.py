"""TTLock switches: passage mode (the lock stays unlocked) where the lock supports it."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature

from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .errors import async_run_command

PASSAGE_MODE = SwitchEntityDescription(
    key="passage_mode", translation_key="ttlock_passage_mode", entity_category=EntityCategory.CONFIG
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A passage-mode switch per lock with featureValue bit 22 that a gateway reaches."""
    coordinator = entry.runtime_data.coordinator
    async_track_new_locks(
        coordinator,
        async_add_entities,
        lambda lock: [TTLockPassageModeSwitch(coordinator, lock, PASSAGE_MODE)]
        if lock.supports(Feature.PASSAGE_MODE) and lock.remotely_reachable
        else [],
    )


class TTLockPassageModeSwitch(TTLockLockEntity, SwitchEntity):
    """Passage mode on = the lock does not lock itself."""

    @property
    def is_on(self) -> bool | None:
        """From lock/detail (slow tier) and our own commands."""
        return self.lock_state.passage_mode

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch passage mode on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch passage mode off."""
        await self._async_set(False)

    async def _async_set(self, enabled: bool) -> None:
        await async_run_command(
            self.hass,
            self.coordinator.config_entry,
            self.coordinator.async_set_passage_mode(self.lock_id, enabled),
        )

"""TTLock switches: passage mode (the lock stays unlocked) and lock sound, where supported."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockLock

from .coordinator import TTLockCoordinator
from .data import TTLockConfigEntry
from .entity import TTLockLockEntity, async_track_new_locks
from .errors import async_run_command
from .state import LockState


@dataclass(frozen=True, kw_only=True)
class TTLockSwitchDescription(SwitchEntityDescription):
    """A lock setting: the featureValue bit it needs, how to read it and how to set it."""

    feature: Feature
    value_fn: Callable[[LockState], bool | None]
    set_fn: Callable[[TTLockCoordinator, int, bool], Coroutine[Any, Any, None]]


SWITCHES: tuple[TTLockSwitchDescription, ...] = (
    TTLockSwitchDescription(
        key="passage_mode",
        translation_key="ttlock_passage_mode",
        entity_category=EntityCategory.CONFIG,
        feature=Feature.PASSAGE_MODE,
        value_fn=lambda state: state.passage_mode,
        set_fn=lambda coordinator, lock_id, on: coordinator.commands.async_set_passage_mode(
            lock_id, on
        ),
    ),
    TTLockSwitchDescription(
        key="sound",
        translation_key="ttlock_sound",
        entity_category=EntityCategory.CONFIG,
        feature=Feature.SOUND,
        value_fn=lambda state: state.sound_enabled,
        set_fn=lambda coordinator, lock_id, on: coordinator.commands.async_set_sound(lock_id, on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A switch per setting the lock's featureValue offers, for locks a gateway reaches."""
    coordinator = entry.runtime_data.coordinator

    def _build(lock: TTLockLock) -> list[Entity]:
        if not lock.remotely_reachable:
            return []
        return [
            TTLockSettingSwitch(coordinator, lock, description)
            for description in SWITCHES
            if lock.supports(description.feature)
        ]

    async_track_new_locks(coordinator, async_add_entities, _build)


class TTLockSettingSwitch(TTLockLockEntity, SwitchEntity):
    """A lock setting changed through the gateway (passage mode on = no auto-lock)."""

    entity_description: TTLockSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """From lock/detail (slow tier) and our own commands."""
        return self.entity_description.value_fn(self.lock_state)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off."""
        await self._async_set(False)

    async def _async_set(self, enabled: bool) -> None:
        await async_run_command(
            self.hass,
            self.coordinator.config_entry,
            self.entity_description.set_fn(self.coordinator, self.lock_id, enabled),
        )

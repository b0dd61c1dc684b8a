"""TTLock switches: passage mode (the lock stays unlocked) and lock sound, where supported."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.ttlock import Feature

from .commands import async_set_passage_mode, async_set_sound
from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities
from .errors import async_run_command


@dataclass(frozen=True, kw_only=True)
class TTLockSwitchDescription(SwitchEntityDescription, TTLockEntityDescription):
    """A lock setting: how to read it and how to set it."""

    value_fn: Callable[[LockDevice], bool | None]
    set_fn: Callable[[LockDevice, bool], Coroutine[Any, Any, None]]


SWITCHES: tuple[TTLockSwitchDescription, ...] = (
    TTLockSwitchDescription(
        key="passage_mode",
        translation_key="ttlock_passage_mode",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda lock: lock.remotely_reachable and lock.supports(Feature.PASSAGE_MODE),
        value_fn=lambda device: device.status.passage_mode,
        set_fn=lambda device, on: async_set_passage_mode(device.coordinator, device.lock_id, on),
    ),
    TTLockSwitchDescription(
        key="sound",
        translation_key="ttlock_sound",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda lock: lock.remotely_reachable and lock.supports(Feature.SOUND),
        value_fn=lambda device: device.status.sound_enabled,
        set_fn=lambda device, on: async_set_sound(device.coordinator, device.lock_id, on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A switch per setting the lock's featureValue offers, for locks a gateway reaches."""
    async_add_lock_entities(entry, async_add_entities, SWITCHES, TTLockSwitch)


class TTLockSwitch(TTLockEntity[LockDevice], SwitchEntity):
    """A lock setting changed through the gateway (passage mode on = no auto-lock)."""

    entity_description: TTLockSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """From lock/detail (slow tier) and our own commands."""
        return self.entity_description.value_fn(self.device)

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
            self.entity_description.set_fn(self.device, enabled),
        )

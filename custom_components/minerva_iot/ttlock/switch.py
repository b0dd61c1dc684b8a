"""TTLock switches: passage mode (a weekly schedule keeps the lock open) and lock sound.

The passage-mode switch is on while passage mode is configured; its attributes say whether a
period holds the lock open now, and when that period ends or the next one begins. They change at
the schedule's boundaries only (passage.PassageWatch).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
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
from .passage import switch_on_schedule

ATTR_ACTIVE = "active"
ATTR_ACTIVE_UNTIL = "active_until"
ATTR_NEXT_ACTIVE_FROM = "next_active_from"


def _no_attributes(device: LockDevice) -> Mapping[str, Any] | None:
    return None


@dataclass(frozen=True, kw_only=True)
class TTLockSwitchDescription(SwitchEntityDescription, TTLockEntityDescription):
    """A lock setting: how to read it and how to set it."""

    value_fn: Callable[[LockDevice], bool | None]
    set_fn: Callable[[LockDevice, bool], Coroutine[Any, Any, None]]
    attributes_fn: Callable[[LockDevice], Mapping[str, Any] | None] = _no_attributes


def _passage_attributes(device: LockDevice) -> Mapping[str, Any]:
    """Active now, and the end of the current period or the start of the next one."""
    passage = device.status.passage
    active = passage.active if passage is not None else None
    changes_at = passage.changes_at if passage is not None else None
    return {
        ATTR_ACTIVE: active,
        ATTR_ACTIVE_UNTIL: changes_at if active else None,
        ATTR_NEXT_ACTIVE_FROM: changes_at if active is False else None,
    }


async def _async_set_passage(device: LockDevice, enabled: bool) -> None:
    """Off is the bare flag; on sends the lock's schedule, or all day every day without one."""
    schedule: list[dict[str, Any]] | None = None
    if enabled:
        config = device.status.passage_config
        if config is None:  # not read yet (or the read failed): never overwrite it blindly
            config = await device.coordinator.client.async_get_passage_mode_config(device.lock_id)
        schedule = switch_on_schedule(config)
    await async_set_passage_mode(device.coordinator, device.lock_id, enabled, schedule=schedule)


SWITCHES: tuple[TTLockSwitchDescription, ...] = (
    TTLockSwitchDescription(
        key="passage_mode",
        translation_key="ttlock_passage_mode",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda device: device.controllable and device.supports(Feature.PASSAGE_MODE),
        value_fn=lambda device: device.status.passage_mode,
        set_fn=_async_set_passage,
        attributes_fn=_passage_attributes,
    ),
    TTLockSwitchDescription(
        key="sound",
        translation_key="ttlock_sound",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda device: device.controllable and device.supports(Feature.SOUND),
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
    """A lock setting changed through the gateway or the lock's WiFi."""

    entity_description: TTLockSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """From lock/detail and the passage schedule (slow tier) and our own commands."""
        return self.entity_description.value_fn(self.device)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """What the setting means now (passage mode: active, until when)."""
        return self.entity_description.attributes_fn(self.device)

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

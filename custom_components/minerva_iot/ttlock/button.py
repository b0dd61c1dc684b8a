"""TTLock buttons: ask a lock for its real state on demand (wakes the lock, one API call)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import TTLockConfigEntry
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription, async_add_lock_entities
from .errors import async_run_command


@dataclass(frozen=True, kw_only=True)
class TTLockButtonDescription(ButtonEntityDescription, TTLockEntityDescription):
    """What pressing the button asks of the lock."""

    press_fn: Callable[[LockDevice], Coroutine[Any, Any, None]]


BUTTONS: tuple[TTLockButtonDescription, ...] = (
    TTLockButtonDescription(
        key="check_state",
        translation_key="ttlock_check_state",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda lock: lock.remotely_reachable,
        # queryOpenState: is the lock locked?
        press_fn=lambda device: device.coordinator.async_check_state(device.lock_id),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A check-state button per lock a gateway reaches."""
    async_add_lock_entities(entry, async_add_entities, BUTTONS, TTLockButton)


class TTLockButton(TTLockEntity[LockDevice], ButtonEntity):
    """A request to a lock."""

    entity_description: TTLockButtonDescription

    async def async_press(self) -> None:
        """Send the request."""
        await async_run_command(
            self.hass, self.coordinator.config_entry, self.entity_description.press_fn(self.device)
        )

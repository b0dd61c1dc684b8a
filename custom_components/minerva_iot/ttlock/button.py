"""TTLock buttons: ask a lock for its real state (wakes the lock, one API call), test the callback."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import TTLockConfigEntry
from .entity import (
    AccountDevice,
    LockDevice,
    TTLockDevice,
    TTLockEntity,
    TTLockEntityDescription,
    async_add_account_entities,
    async_add_lock_entities,
)
from .errors import async_run_command
from .selftest import async_test_callback


@dataclass(frozen=True, kw_only=True)
class TTLockButtonDescription[D: TTLockDevice](ButtonEntityDescription, TTLockEntityDescription):
    """What pressing the button asks of the device."""

    press_fn: Callable[[D], Coroutine[Any, Any, None]]


ACCOUNT_BUTTONS: tuple[TTLockButtonDescription[AccountDevice], ...] = (
    TTLockButtonDescription(
        key="test_callback",
        translation_key="ttlock_test_callback",
        entity_category=EntityCategory.DIAGNOSTIC,
        # A callback-shaped request to the public URL TTLock uses (selftest.py).
        press_fn=lambda device: async_test_callback(
            device.coordinator.hass, device.coordinator.config_entry
        ),
    ),
)
BUTTONS: tuple[TTLockButtonDescription[LockDevice], ...] = (
    TTLockButtonDescription(
        key="check_state",
        translation_key="ttlock_check_state",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda device: device.controllable,
        # queryOpenState: is the lock locked?
        press_fn=lambda device: device.coordinator.async_check_state(device.lock_id),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The account's callback test; a check-state button per lock the cloud reaches."""
    async_add_account_entities(entry, async_add_entities, ACCOUNT_BUTTONS, TTLockButton)
    async_add_lock_entities(entry, async_add_entities, BUTTONS, TTLockButton)


class TTLockButton[D: TTLockDevice](TTLockEntity[D], ButtonEntity):
    """A request to a lock or a test of the account."""

    entity_description: TTLockButtonDescription[D]

    async def async_press(self) -> None:
        """Send the request."""
        await async_run_command(
            self.hass, self.coordinator.config_entry, self.entity_description.press_fn(self.device)
        )

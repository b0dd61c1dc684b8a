"""Route a platform's set-up to the vendor package that owns the entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_VENDOR

type PlatformSetup = Callable[[HomeAssistant, Any, AddConfigEntryEntitiesCallback], Awaitable[None]]


def dispatch_platform(**setups: PlatformSetup) -> PlatformSetup:
    """Build a platform's `async_setup_entry` from one set-up function per vendor.

    Keyword names are vendor ids (`milesight`, `ttlock`); a vendor that has no entities on the
    platform is simply not named, and its entries never forward to it.
    """

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: ConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        setup = setups.get(entry.data[CONF_VENDOR])
        if setup is not None:
            await setup(hass, entry, async_add_entities)

    return async_setup_entry

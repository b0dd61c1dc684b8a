"""Route a platform's set-up to the vendor that owns the entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .vendor import PlatformSetup
from .vendors import vendor_of


def dispatch_platform(platform: Platform) -> PlatformSetup:
    """Build a platform's `async_setup_entry` from the vendors' tables.

    A vendor that has no entities on the platform does not list it, and its entries never
    forward to it.
    """

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: ConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        setup = vendor_of(entry).platforms.get(platform)
        if setup is not None:
            await setup(hass, entry, async_add_entities)

    return async_setup_entry

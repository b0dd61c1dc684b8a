"""Diagnostics download, redacted by each vendor package."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_VENDOR, VENDOR_TTLOCK
from .milesight.diagnostics import async_get_milesight_diagnostics
from .ttlock.diagnostics import async_get_ttlock_diagnostics


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """Return the entry's diagnostics with secrets, tokens and webhook ids redacted."""
    if entry.data.get(CONF_VENDOR) == VENDOR_TTLOCK:
        return await async_get_ttlock_diagnostics(hass, entry)
    return await async_get_milesight_diagnostics(hass, entry)

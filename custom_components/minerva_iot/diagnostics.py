"""Diagnostics download, redacted by each vendor package."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .vendors import vendor_of


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """Return the entry's diagnostics with secrets, tokens and webhook ids redacted."""
    return await vendor_of(entry).async_get_diagnostics(hass, entry)

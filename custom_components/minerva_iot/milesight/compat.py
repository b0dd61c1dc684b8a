"""Shims for Home Assistant APIs newer than our 2025.4 floor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

if TYPE_CHECKING:
    from homeassistant.config_entries import OptionsFlow as OptionsFlowWithReload

    NEEDS_OPTIONS_RELOAD_LISTENER = True
else:
    try:
        # HA ≥ 2025.8 reloads the entry itself after an options flow: no listener needed.
        from homeassistant.config_entries import OptionsFlowWithReload

        NEEDS_OPTIONS_RELOAD_LISTENER = False  # pragma: no cover - HA ≥ 2025.8 only
    except ImportError:
        from homeassistant.config_entries import OptionsFlow as OptionsFlowWithReload

        NEEDS_OPTIONS_RELOAD_LISTENER = True

__all__ = ["OptionsFlowWithReload", "async_listen_for_options_changes"]


def async_listen_for_options_changes(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """On cores without OptionsFlowWithReload, reload when (and only when) options change.

    entry.data also changes (cloudhook URL, reauth): those updates must not reload the entry,
    hence the comparison with the options the entry was set up with.
    """
    if not NEEDS_OPTIONS_RELOAD_LISTENER:  # pragma: no cover - depends on the HA version
        return
    options_at_setup = dict(entry.options)

    async def _reload_if_options_changed(hass: HomeAssistant, entry: ConfigEntry) -> None:
        if dict(entry.options) != options_at_setup:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_reload_if_options_changed))

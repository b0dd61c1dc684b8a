"""Options of a TTLock entry, and the reload-on-options-change shim for Home Assistant 2025.4.

Tokens are persisted in entry.data, which fires the entry's update listeners: a plain "reload on
update" listener would reload the integration on every token refresh. Newer cores offer
`OptionsFlowWithReload`; older ones get a listener that reloads only when the options changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.core import HomeAssistant

from .const import (
    CONF_POLL_MINUTES,
    CONF_SAFETY_RECHECK,
    CONF_SLOW_HOURS,
    DEFAULT_POLL_MINUTES,
    DEFAULT_SAFETY_RECHECK,
    DEFAULT_SLOW_HOURS,
)

if TYPE_CHECKING:
    OptionsFlowBase = OptionsFlow
    OPTIONS_FLOW_RELOADS = False
else:
    try:
        from homeassistant.config_entries import OptionsFlowWithReload as OptionsFlowBase

        OPTIONS_FLOW_RELOADS = True
    except ImportError:  # HA < 2025.8
        OptionsFlowBase = OptionsFlow
        OPTIONS_FLOW_RELOADS = False

__all__ = ["OPTIONS_FLOW_RELOADS", "OptionsFlowBase", "TTLockOptions", "async_setup_options_reload"]


@dataclass(frozen=True, slots=True)
class TTLockOptions:
    """Typed view of entry.options."""

    poll_interval: timedelta
    slow_interval: timedelta
    safety_recheck: bool

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> TTLockOptions:
        """Read the options, with defaults for entries that never saw the options flow."""
        options = entry.options
        return cls(
            poll_interval=timedelta(
                minutes=int(options.get(CONF_POLL_MINUTES, DEFAULT_POLL_MINUTES))
            ),
            slow_interval=timedelta(hours=int(options.get(CONF_SLOW_HOURS, DEFAULT_SLOW_HOURS))),
            safety_recheck=bool(options.get(CONF_SAFETY_RECHECK, DEFAULT_SAFETY_RECHECK)),
        )


def async_setup_options_reload(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """On cores without OptionsFlowWithReload, reload when (and only when) the options change."""
    if OPTIONS_FLOW_RELOADS:  # pragma: no cover - newer cores reload from the flow itself
        return
    loaded_options: MappingProxyType[str, Any] = entry.options

    async def _reload_if_options_changed(hass: HomeAssistant, entry: ConfigEntry) -> None:
        if dict(entry.options) != dict(loaded_options):
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_reload_if_options_changed))

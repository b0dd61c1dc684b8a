"""Shims for Home Assistant APIs newer than our 2025.4 floor, shared by both vendors.

Each shim picks the newer API when the running core has it, so the same code runs on 2025.4 and
on the newest core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntry

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import OptionsFlow as OptionsFlowWithReload

    OPTIONS_FLOW_RELOADS = False
else:
    try:
        # HA ≥ 2025.8 reloads the entry itself after an options flow: no listener needed.
        from homeassistant.config_entries import OptionsFlowWithReload

        OPTIONS_FLOW_RELOADS = True  # pragma: no cover - HA ≥ 2025.8 only
    except ImportError:
        from homeassistant.config_entries import OptionsFlow as OptionsFlowWithReload

        OPTIONS_FLOW_RELOADS = False

# Home Assistant 2026.8 gives each device a single config entry, makes identifiers unique per
# entry and deprecates the lookups and arguments that assumed otherwise.
DEVICES_PER_ENTRY: bool = hasattr(dr.DeviceRegistry, "async_get_device_by_identifier")

__all__ = [
    "DEVICES_PER_ENTRY",
    "OPTIONS_FLOW_RELOADS",
    "OptionsFlowWithReload",
    "async_get_entry_device",
    "async_listen_for_options_changes",
    "device_entry_ids",
]


def async_listen_for_options_changes(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """On cores without OptionsFlowWithReload, reload when (and only when) options change.

    entry.data also changes (tokens, cloudhook URL, reauth): those updates must not reload the
    entry, hence the comparison with the options the entry was set up with.
    """
    if OPTIONS_FLOW_RELOADS:  # pragma: no cover - depends on the HA version
        return
    options_at_setup = dict(entry.options)

    async def _reload_if_options_changed(hass: HomeAssistant, entry: ConfigEntry) -> None:
        if dict(entry.options) != options_at_setup:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_reload_if_options_changed))


def device_entry_ids(device: DeviceEntry) -> list[str]:
    """The config entries a device belongs to (exactly one from HA 2026.8 on)."""
    if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 only
        return [str(device.config_entry_id)]  # type: ignore[attr-defined,unused-ignore]
    return list(device.config_entries)


def async_get_entry_device(
    hass: HomeAssistant, entry_id: str, identifier: str
) -> DeviceEntry | None:
    """The entry's device with the integration identifier `identifier`.

    Home Assistant 2026.8 made identifiers unique per config entry and deprecated the global
    `async_get_device` lookup; older cores only have that one.
    """
    registry = dr.async_get(hass)
    if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 only
        device: DeviceEntry | None = registry.async_get_device_by_identifier(  # type: ignore[attr-defined,unused-ignore]
            (DOMAIN, identifier), entry_id
        )
        return device
    return registry.async_get_device(identifiers={(DOMAIN, identifier)})

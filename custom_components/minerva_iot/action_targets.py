"""The loaded entry an action's target device belongs to (both vendors' actions take a device)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .compat import device_entry_ids
from .const import DOMAIN


def loaded_entry_of_device(
    hass: HomeAssistant, device: DeviceEntry, runtime_data_type: type[Any]
) -> ConfigEntry[Any] | None:
    """The device's loaded entry whose runtime data is a `runtime_data_type` (its vendor's).

    A device may belong to several entries; the runtime data tells the vendor without this
    module knowing which vendors exist.
    """
    for entry_id in device_entry_ids(device):
        entry = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is not None
            and entry.domain == DOMAIN
            and entry.state is ConfigEntryState.LOADED
            and isinstance(entry.runtime_data, runtime_data_type)
        ):
            return entry
    return None

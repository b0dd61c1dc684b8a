"""Device trigger types offered for a Milesight device (used by ../device_trigger.py)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.device_registry import DeviceEntry

from .const import ALARM_TRIGGER_TYPES, BUTTON_MODELS, BUTTON_TRIGGER_TYPES
from .data import MilesightConfigEntry
from .identifiers import sn_of_device

TRIGGER_TYPES = (*BUTTON_TRIGGER_TYPES, *ALARM_TRIGGER_TYPES)


def milesight_trigger_types(entry: MilesightConfigEntry, device: DeviceEntry) -> list[str]:
    """Button triggers for button devices, alarm triggers for every Milesight device.

    Works before the entry is loaded (model from the registry) and after (what was seen).
    """
    if (sn := sn_of_device(device)) is None:
        return []
    button = (device.model or "").upper().startswith(BUTTON_MODELS)
    if (
        entry.state is ConfigEntryState.LOADED
        and (state := entry.runtime_data.fleet.devices.get(sn)) is not None
    ):
        button = button or state.has_button
    return [*(BUTTON_TRIGGER_TYPES if button else ()), *ALARM_TRIGGER_TYPES]

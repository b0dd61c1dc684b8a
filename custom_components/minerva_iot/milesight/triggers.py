"""Device trigger types offered for a Milesight device (used by ../device_trigger.py)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers.device_registry import DeviceEntry

from . import catalogue
from .const import ALARM_TRIGGER_TYPES, BUTTON_MODELS, BUTTON_TRIGGER_TYPES
from .data import MilesightConfigEntry
from .device_events import PRESS_TYPES, bus_event_type
from .event import EVENT_DESCRIPTIONS, event_types, has_button
from .identifiers import sn_of_device
from .models import DeviceState

# Every press's trigger: the three of 0.2.0 first (automations store these strings).
PRESS_TRIGGER_TYPES = tuple(
    dict.fromkeys((*BUTTON_TRIGGER_TYPES, *(str(bus_event_type(p)) for p in PRESS_TYPES)))
)
TRIGGER_TYPES = (*PRESS_TRIGGER_TYPES, *ALARM_TRIGGER_TYPES)
_BUTTON = next(description for description in EVENT_DESCRIPTIONS if description.key == "button")


def milesight_trigger_types(entry: MilesightConfigEntry, device: DeviceEntry) -> list[str]:
    """The presses of button devices (those of their model), alarms for every device.

    Works before the entry is loaded (model from the registry) and after (what was seen).
    """
    if (sn := sn_of_device(device)) is None:
        return []
    state: DeviceState | None = None
    if entry.state is ConfigEntryState.LOADED:
        state = entry.runtime_data.fleet.devices.get(sn)
    if state is None:
        state = DeviceState(sn=sn, model=device.model)
        if not catalogue.is_loaded():  # the catalogue is read at set-up, off the event loop
            button = (device.model or "").upper().startswith(BUTTON_MODELS)
            return [*(BUTTON_TRIGGER_TYPES if button else ()), *ALARM_TRIGGER_TYPES]
    presses = event_types(_BUTTON, state) if has_button(state) else []
    return [*(str(bus_event_type(press)) for press in presses), *ALARM_TRIGGER_TYPES]

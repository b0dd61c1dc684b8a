"""Button presses, alarms and status events in uplinks: their event types (HA-free).

Event types are what the event entities show; the catalogue maps decoder labels to them
(catalogue/README.md "Event types"). Keys the catalogue does not know are read with the generic
rules of every decoder generation: enums as strings ("short press") or numbers (1), alarms whose
value says "release", "normal", "clear" or "recover" when they end. Each event type belongs to
one event entity (its group) and fires at most one bus event (`bus_event_type`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .const import (
    EVENT_ALARM,
    EVENT_ALARM_CLEARED,
    EVENT_BUTTON_DOUBLE_PRESS,
    EVENT_BUTTON_LONG_PRESS,
    EVENT_BUTTON_PRESS,
    EVENT_BUTTON_RELEASE,
    EVENT_BUTTON_SHORT_PRESS,
    EVENT_BUTTON_SINGLE_PRESS,
    PRESS_DOUBLE,
    PRESS_LONG,
    PRESS_SHORT,
)

PRESS_SINGLE: Final = "single_press"
PRESS_DOWN: Final = "press"
PRESS_UP: Final = "release"
PRESS_TYPES: Final = (PRESS_SHORT, PRESS_LONG, PRESS_DOUBLE, PRESS_SINGLE, PRESS_DOWN, PRESS_UP)
# GS101's own alarm report: faults and end of life are alarms, power on/off are not.
ALARM_TYPES: Final = (
    EVENT_ALARM,
    EVENT_ALARM_CLEARED,
    "fault",
    "fault_cleared",
    "end_of_life_soon",
    "end_of_life",
)
STATUS_TYPES: Final = ("power_on", "power_off", "reset")
_ALARM_CLEARED_TYPES: Final = frozenset({EVENT_ALARM_CLEARED, "fault_cleared"})

GROUP_BUTTON: Final = "button"
GROUP_ALARM: Final = "alarm"
GROUP_STATUS: Final = "device_event"
GROUP_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    GROUP_BUTTON: PRESS_TYPES,
    GROUP_ALARM: ALARM_TYPES,
    GROUP_STATUS: STATUS_TYPES,
}

_BUS_PRESS: Final[Mapping[str, str]] = {
    PRESS_SHORT: EVENT_BUTTON_SHORT_PRESS,
    PRESS_LONG: EVENT_BUTTON_LONG_PRESS,
    PRESS_DOUBLE: EVENT_BUTTON_DOUBLE_PRESS,
    PRESS_SINGLE: EVENT_BUTTON_SINGLE_PRESS,
    PRESS_DOWN: EVENT_BUTTON_PRESS,
    PRESS_UP: EVENT_BUTTON_RELEASE,
}

BUTTON_KEYS: Final = ("button_event.status", "button_event", "press")
_PRESSES: Final[Mapping[str, str]] = {
    "short press": PRESS_SHORT,
    "short_press": PRESS_SHORT,
    "1": PRESS_SHORT,
    "long press": PRESS_LONG,
    "long_press": PRESS_LONG,
    "2": PRESS_LONG,
    "double press": PRESS_DOUBLE,
    "double_press": PRESS_DOUBLE,
    "3": PRESS_DOUBLE,
}
_CLEARED_WORDS: Final = ("release", "normal", "clear", "recover")
# Last segments that carry an alarm's state inside its struct (`temperature_alarm.status`).
ALARM_STATE_FIELDS: Final = ("status", "type", "alarm_type", "alarm_status", "alarm")


def event_group(event_type: str) -> str:
    """The event entity (button, alarm, device event) that shows an event type."""
    if event_type in PRESS_TYPES:
        return GROUP_BUTTON
    if event_type in STATUS_TYPES:
        return GROUP_STATUS
    return GROUP_ALARM


def bus_event_type(event_type: str) -> str | None:
    """The `minerva_iot_event` type (and device trigger) of an event type; None: not fired.

    Power on/off and resets are shown by the device-event entity only: they are not alarms.
    """
    if event_type in _BUS_PRESS:
        return _BUS_PRESS[event_type]
    if event_type in STATUS_TYPES:
        return None
    return EVENT_ALARM_CLEARED if event_type in _ALARM_CLEARED_TYPES else EVENT_ALARM


def press_type(label: Any) -> str | None:
    """The press type of a generic button value ("short press", 1), or None."""
    return _PRESSES.get(str(label).strip().lower())


def alarm_state(value: Any) -> str:
    """`alarm` or `alarm_cleared` for a raw alarm value ("threshold alarm release", 0, ...)."""
    if isinstance(value, bool | int | float):
        return EVENT_ALARM if value else EVENT_ALARM_CLEARED
    text = str(value).strip().lower()
    if not text or text in ("0", "false") or any(word in text for word in _CLEARED_WORDS):
        return EVENT_ALARM_CLEARED
    return EVENT_ALARM


def alarm_name(key: str) -> str | None:
    """`temperature_alarm`, `temperature_alarm.status` → `temperature_alarm`; else None."""
    base, _, last = key.rpartition(".")
    if not base or last not in ALARM_STATE_FIELDS:
        base = key
    return base if base.endswith("_alarm") or base == "alarm" else None


def is_event_key(key: str) -> bool:
    """Keys every decoder uses for presses and alarms (when no catalogue row says otherwise)."""
    return key in BUTTON_KEYS or alarm_name(key) is not None


def event_state(payload: Mapping[str, Any]) -> tuple[str, Any]:
    """The state of a TSL alarm event from its own payload: (`alarm`/`alarm_cleared`, value).

    The value is the payload's state field (`status`, `alarm_type`, …) when it has one, else
    its only label (a string or boolean); a payload that says nothing about the state (only
    readings: numbers are never read as a state) is an alarm.
    """
    fields = [
        value
        for key, value in payload.items()
        if key.rpartition(".")[2] in ALARM_STATE_FIELDS and not isinstance(value, dict | list)
    ]
    labels = [value for value in payload.values() if isinstance(value, str | bool)]
    if not fields and len(labels) == 1:
        fields = labels
    if not fields:
        return EVENT_ALARM, None
    return alarm_state(fields[0]), fields[0]

"""Recognise button presses and alarms in a flattened uplink payload.

Decoders emit enums as strings ("short press") and older ones as numbers (1): both are
normalised here, so the rest of the code only sees the stable event types of const.py.
"""

from __future__ import annotations

from typing import Any

from .const import EVENT_ALARM, EVENT_ALARM_CLEARED, PRESS_DOUBLE, PRESS_LONG, PRESS_SHORT

BUTTON_KEYS = ("button_event.status", "button_event", "press")
_PRESSES = {
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
_CLEARED_WORDS = ("release", "normal", "clear", "recover")


def is_event_key(key: str) -> bool:
    """Keys that become events, not sensor states."""
    return key in BUTTON_KEYS or alarm_name(key) is not None


def alarm_name(key: str) -> str | None:
    """`temperature_alarm` or `temperature_alarm.status` → `temperature_alarm`; else None."""
    base = key.removesuffix(".status").removesuffix(".type")
    return base if base.endswith("_alarm") or base == "alarm" else None


def button_press(flat: dict[str, Any]) -> str | None:
    """The press type in a payload, if any."""
    for key in BUTTON_KEYS:
        if key in flat:
            return _PRESSES.get(str(flat[key]).strip().lower())
    return None


def alarm_state(value: Any) -> str:
    """`alarm` or `alarm_cleared` for a raw alarm value ("threshold alarm release", 0, ...)."""
    if isinstance(value, bool):
        return EVENT_ALARM if value else EVENT_ALARM_CLEARED
    if isinstance(value, int | float):
        return EVENT_ALARM if value else EVENT_ALARM_CLEARED
    text = str(value).strip().lower()
    if not text or text in ("0", "false") or any(word in text for word in _CLEARED_WORDS):
        return EVENT_ALARM_CLEARED
    return EVENT_ALARM


def alarms(flat: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(alarm name, raw value, event type) for every alarm key of a payload."""
    found = []
    for key, value in flat.items():
        name = alarm_name(key)
        if name is not None:
            found.append((name, value, alarm_state(value)))
    return found

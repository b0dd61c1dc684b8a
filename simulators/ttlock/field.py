"""Field behaviours as settings, and the field demo (field_facts.md; issue 12 part 8).

``configure_lock`` changes a lock's field behaviours by their control-API names.
``apply_field_demo`` turns the demo's back door into what many installations have: a WiFi lock
(no gateway, hasGateway 0, featureValue without bit 56: hass-ttlock #244, #267/#268) with an
office-hours passage schedule (Monday-Friday 08:00-18:00, the documented example window
480-1080), whose clock runs 78 s ahead (PR #170: 76-80 s) and which relocks 10 s after an
unlock outside office hours. The default demo keeps the back door behind the gateway until the
integration handles WiFi locks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import SimulatedLock
    from .server import TTLockSimulator

BACK_DOOR = 4711002
OFFICE_HOURS = [{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [1, 2, 3, 4, 5]}]
FIELD_CLOCK_OFFSET_MS = 78_000
FIELD_AUTO_LOCK_SECONDS = 10

# control-API name -> (SimulatedLock attribute, accepted types, None allowed)
LOCK_SETTINGS: dict[str, tuple[str, type, bool]] = {
    "clockOffsetMs": ("clock_offset_ms", int, False),
    "timezoneRawOffset": ("timezone_raw_offset", int, False),
    "autoLockTime": ("auto_lock_time", int, False),
    "reportedAutoLockTime": ("reported_auto_lock_time", int, True),
    "omitAutoLockTime": ("omit_auto_lock_time", bool, False),
    "autoLockRecord": ("auto_lock_record", bool, False),
    "wifiOnline": ("wifi_online", bool, False),
    "powerSaving": ("power_saving", bool, False),
    "hasDoorSensor": ("has_door_sensor", bool, False),
    "remoteUnlockEnabled": ("remote_unlock_enabled", bool, False),
}


def configure_lock(lock: SimulatedLock, settings: dict[str, Any]) -> None:
    """Apply control-API ``settings`` (see ``LOCK_SETTINGS``); ValueError for a bad one."""
    for name, value in settings.items():
        if name not in LOCK_SETTINGS:
            raise ValueError(f"unknown lock setting {name!r}; expected {sorted(LOCK_SETTINGS)}")
        attribute, kind, nullable = LOCK_SETTINGS[name]
        wrong_type = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if (value is None and not nullable) or (value is not None and wrong_type):
            raise ValueError(f"lock setting {name!r} must be {kind.__name__}")
    for name, value in settings.items():
        setattr(lock, LOCK_SETTINGS[name][0], value)


def make_wifi_lock(lock: SimulatedLock) -> None:
    """Detach ``lock`` from its gateway: it reaches the cloud by its own WiFi."""
    lock.gateway_id = None
    lock.wifi = True


def apply_field_demo(sim: TTLockSimulator) -> None:
    """The back door as a WiFi lock with an office-hours passage schedule (module docstring)."""
    back = sim.locks[BACK_DOOR]
    make_wifi_lock(back)
    back.passage_mode = True
    back.passage_periods = [dict(period) for period in OFFICE_HOURS]
    back.clock_offset_ms = FIELD_CLOCK_OFFSET_MS
    back.auto_lock_time = FIELD_AUTO_LOCK_SECONDS

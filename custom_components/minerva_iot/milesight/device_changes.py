"""What one webhook event or API read changes of one Milesight device (HA-free).

`Changes` (with its `BusEvent`s) is what fleet.py hands the Home Assistant side; the steps here
work on one `DeviceState`: readings stored newest-wins, online state, the versions an uplink
names, which event entities a key calls for, and the shapes whose change means new entities or
a registry write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .device_events import BUTTON_KEYS, GROUP_ALARM, GROUP_BUTTON, alarm_name, event_group
from .keys import KIND_EVENT, READING_KINDS, KeySpec, resolve
from .models import DeviceState
from .tsl import DEFAULT_ARRAY_SIZE, array_positions, flatten_values

# Keys that name the device's versions in its uplinks: webhook-only entries learn the firmware
# (which chooses the catalogue's firmware generation) from them.
_VERSION_KEYS = ("firmware_version", "hardware_version")


@dataclass(frozen=True, slots=True)
class BusEvent:
    """A `minerva_iot_event` to fire, about the device `sn` (None: no known device)."""

    sn: str | None
    event_type: str
    data: dict[str, Any]


@dataclass(slots=True)
class Changes:
    """What one event or API read changed; `|=` merges the changes of a whole delivery."""

    # Devices whose entities must write their state.
    changed: set[str] = field(default_factory=set)
    # Devices seen for the first time (also in `new_entities` and `registry`).
    new: set[str] = field(default_factory=set)
    # Devices that may need entities they do not have yet (new keys, first press, new model).
    new_entities: set[str] = field(default_factory=set)
    # Devices whose device-registry entry must be created or refreshed.
    registry: set[str] = field(default_factory=set)
    # Bus events, in the order they happened.
    events: list[BusEvent] = field(default_factory=list)
    # The persisted part of the fleet changed: save it (a little later).
    persist: bool = False

    def __ior__(self, other: Changes) -> Changes:
        """Add the changes of a later event."""
        self.changed |= other.changed
        self.new |= other.new
        self.new_entities |= other.new_entities
        self.registry |= other.registry
        self.events.extend(other.events)
        self.persist = self.persist or other.persist
        return self


def entity_shape(device: DeviceState) -> tuple[int, bool, bool, bool, str | None, str | None]:
    """What decides which entities a device has and how they look (model and firmware choose
    the catalogue's rows): a difference means new or re-described entities may be due."""
    return (
        len(device.keys),
        device.has_button,
        device.has_alarm,
        device.has_device_event,
        device.model,
        device.firmware_version,
    )


def registry_shape(device: DeviceState) -> tuple[str | None, ...]:
    """What the device-registry entry shows of a device."""
    return (device.name, device.model, device.firmware_version, device.hardware_version)


def apply_readings(device: DeviceState, flat: dict[str, Any], measured_at: float | None) -> Changes:
    """Store current property values; new keys are remembered for the next start.

    With `measured_at` (epoch seconds of the uplink) a late delivery never replaces a
    newer value of the same key: MDP may deliver out of order when it retries.
    """
    changes = Changes(changed={device.sn})
    flat = flatten_values(flat)  # arrays of history reads arrive whole
    for key in _VERSION_KEYS:
        _note_version(device, key, flat.get(key))
    for key, value in flat.items():
        if isinstance(value, list | dict):
            continue
        if (spec := resolve(device, key)).kind not in READING_KINDS:
            flag_event_entity(device, spec, value)
            continue
        if key not in device.keys and not _may_add(device, key):
            continue
        if measured_at is not None:
            if measured_at < device.measured_at.get(key, measured_at):
                continue
            device.measured_at[key] = measured_at
        device.values[key] = value
        if key not in device.keys:
            device.keys.add(key)
            changes.new_entities.add(device.sn)
            changes.persist = True
    return changes


def set_online(device: DeviceState, online: bool, changes: Changes) -> None:
    """Record ONLINE/OFFLINE; persisted so an offline device stays so after a restart."""
    if device.online is not online:
        device.online = online
        changes.persist = True


def flag_event_entity(device: DeviceState, spec: KeySpec, value: Any) -> None:
    """An event key seen without firing (API reads, thing model): its event entity is due.

    With a value, the group of the event it stands for; without, every group the key can fire.
    """
    if spec.kind != KIND_EVENT:
        return
    if value is not None:
        types = {spec.event_type(value)} - {None}
    else:
        types = {v for v in spec.values.values() if isinstance(v, str)}
        if not types:
            types = {"short_press" if spec.key in BUTTON_KEYS else "alarm"}
    for event_type in types:
        if (group := event_group(str(event_type))) == GROUP_BUTTON:
            device.has_button = True
        elif group == GROUP_ALARM:
            device.has_alarm = True
        else:
            device.has_device_event = True


def event_attributes(spec: KeySpec, event_type: str, value: Any) -> dict[str, Any]:
    """What an event record tells besides its type: which button, which alarm and its value."""
    group = event_group(event_type)
    if group == GROUP_BUTTON:
        return {} if spec.index is None else {"button": spec.index}
    if group == GROUP_ALARM:
        return {"alarm": alarm_name(spec.key) or spec.key, "value": value}
    return {"value": value}


def _may_add(device: DeviceState, key: str) -> bool:
    """A key not seen before gets an entity unless it is an array element beyond what the
    thing model declares (Milesight's default size without one): payload arrays can be long."""
    return key in device.hints or all(
        position < DEFAULT_ARRAY_SIZE for position in array_positions(key)
    )


def _note_version(device: DeviceState, key: str, value: Any) -> None:
    """A version the device reports (`v1.3`) when it differs from the known one (`V1.3`)."""
    if not isinstance(value, str) or not value.strip():
        return
    known = getattr(device, key)
    if known is None or known.strip().lower().lstrip("v") != value.strip().lower().lstrip("v"):
        setattr(device, key, value.strip())

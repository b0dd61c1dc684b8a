"""Which writable property of a device becomes which control entity (HA-free).

Only the thing model (TSL, API entries) says what is writable (`accessMode` W/RW) and the API
needs its keys, so controls are built from it alone; webhook-only entries have none. Rules:
two-state properties (BOOL, or an ENUM whose two options are on/off, open/close, enable/disable)
are switches; numbers with a validator range are number entities; other ENUMs are selects; the
temperature keys of WT101/WT201 thermostats form one climate entity instead. The relays and
sockets (the reason to control a device at all) are primary entities; everything else is a
setting (entity category config), disabled by default unless it is a common one.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any, Final

from custom_components.minerva_iot.milesight.keys import key_name
from custom_components.minerva_iot.milesight.models import DeviceState, PropertyHint

KIND_SWITCH: Final = "switch"
KIND_NUMBER: Final = "number"
KIND_SELECT: Final = "select"

_NUMBER_TYPES: Final = frozenset({"INT", "LONG", "FLOAT", "DOUBLE"})
# (on, off) spellings of two-state enums in Milesight's decoders and thing models.
_ON_OFF: Final = (("on", "off"), ("open", "close"), ("enable", "disable"), ("1", "0"))
# Primary controls: sockets and relays (WS50x/WS52x/WS558, UC50x outputs, GS101 valve/relay).
_PRIMARY: Final = re.compile(
    r"socket_status|switch_\d+|switch|relay_output_status|valve_status|gpio_output_\d+"
    r"|output_\d+|relay_\d+|wires_relay\..+"
)
# Settings worth showing without enabling them first.
_ENABLED_SETTINGS: Final = re.compile(r"child_lock.*|.*child_lock_config\.enable")
# Thermostats (Milesight's WT series decoders: wt-series/wt101, wt-series/wt201).
CLIMATE_MODELS: Final = ("WT101", "WT201")
TARGET_KEY: Final = "target_temperature"
CURRENT_KEY: Final = "temperature"
MODE_KEYS: Final = ("temperature_control_mode",)
ENABLE_KEYS: Final = ("temperature_control_enable", "temperature_control.enable")
FAN_KEYS: Final = ("fan_mode",)


@dataclass(frozen=True, slots=True)
class ControlSpec:
    """One writable property as a control entity."""

    key: str
    kind: str
    name: str
    primary: bool
    enabled_default: bool
    hint: PropertyHint
    # Switches: the raw values written for on and off.
    on_value: Any = None
    off_value: Any = None

    @property
    def options(self) -> dict[str, str]:
        """Selects: raw value → label (the thing model's mappings)."""
        return dict(self.hint.enum)


def writable_hints(device: DeviceState) -> dict[str, PropertyHint]:
    """The visible, writable, scalar properties of the device's thing model."""
    return {
        key: hint
        for key, hint in device.hints.items()
        if hint.writable
        and not hint.hidden
        and (hint.data_type or "").upper() not in ("STRUCT", "ARRAY", "FILE", "IMAGE")
    }


def is_thermostat(device: DeviceState) -> bool:
    """A WT101/WT201 whose thing model lets the target temperature be written."""
    model = (device.model or "").upper()
    hint = device.hints.get(TARGET_KEY)
    return model.startswith(CLIMATE_MODELS) and hint is not None and hint.writable


def climate_keys(device: DeviceState) -> frozenset[str]:
    """The keys the climate entity owns (no number or select of their own)."""
    if not is_thermostat(device):
        return frozenset()
    return frozenset({TARGET_KEY, *MODE_KEYS, *ENABLE_KEYS, *FAN_KEYS})


def first_writable(device: DeviceState, keys: tuple[str, ...]) -> str | None:
    """The first of `keys` the device's thing model lets be written."""
    return next((key for key in keys if (h := device.hints.get(key)) and h.writable), None)


def on_off_values(hint: PropertyHint) -> tuple[Any, Any] | None:
    """The raw (on, off) values of a two-state property, None for anything else."""
    data_type = (hint.data_type or "").upper()
    if data_type == "BOOL" and not hint.enum:
        return 1, 0  # decoders send BOOL as 0/1 (field findings 9)
    if data_type not in ("BOOL", "ENUM") or len(hint.enum) != 2:
        return None
    spelled = {
        raw: {raw.strip().casefold(), label.strip().casefold()} for raw, label in hint.enum.items()
    }
    for on, off in _ON_OFF:
        raw_on = next((raw for raw, names in spelled.items() if on in names), None)
        raw_off = next((raw for raw, names in spelled.items() if off in names), None)
        if raw_on is not None and raw_off is not None and raw_on != raw_off:
            return _typed(raw_on, data_type), _typed(raw_off, data_type)
    if data_type == "BOOL":
        return 1, 0
    return None


def _typed(raw: str, data_type: str) -> Any:
    """BOOL mappings are keyed 0/1: write them as numbers (enum keys stay strings)."""
    return int(raw) if data_type == "BOOL" and raw in ("0", "1") else raw


def control_spec(device: DeviceState, key: str) -> ControlSpec | None:
    """What the writable property `key` of `device` becomes (None: no control)."""
    hint = writable_hints(device).get(key)
    if hint is None or key in climate_keys(device):
        return None
    primary = _PRIMARY.fullmatch(key) is not None
    enabled = primary or _ENABLED_SETTINGS.fullmatch(key) is not None
    name = hint.name or key_name(key)
    if (pair := on_off_values(hint)) is not None:
        return ControlSpec(key, KIND_SWITCH, name, primary, enabled, hint, *pair)
    data_type = (hint.data_type or "").upper()
    if data_type in _NUMBER_TYPES and hint.minimum is not None and hint.maximum is not None:
        return ControlSpec(key, KIND_NUMBER, name, primary, enabled, hint)
    if data_type == "ENUM" and hint.enum:
        return ControlSpec(key, KIND_SELECT, name, primary, enabled, hint)
    return None


def control_specs(device: DeviceState, kind: str) -> list[ControlSpec]:
    """The device's controls of one kind, in key order."""
    found = (control_spec(device, key) for key in sorted(writable_hints(device)))
    return [spec for spec in found if spec is not None and spec.kind == kind]


def same_value(a: Any, b: Any) -> bool:
    """Raw values compared as the wire mixes them ("1" and 1, 21 and 21.0, "On" and "on")."""
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = (int(x) if isinstance(x, bool) else x for x in (a, b))
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip().casefold() == str(b).strip().casefold()


def lorawan_class_a(device: DeviceState) -> bool:
    """Whether the device takes downlinks only after its own uplinks (LoRaWAN Class A).

    The `lorawan_class` a device echoes decides (decoders: 0/"Class A"…2/"Class C"); without
    it, mains-powered sockets and relays (WS50x, WS52x, WS558, UC50x) are taken as Class C and
    everything else as Class A. *unconfirmed*: per-model defaults are from the models' power
    supply, not from a published table.
    """
    echoed = device.values.get("lorawan_class")
    if echoed is not None:
        text = str(echoed).strip().casefold()
        return text not in ("2", "class c", "class_c", "c")
    model = (device.model or "").upper()
    return not model.startswith(("WS50", "WS52", "WS558", "UC50", "UC51"))

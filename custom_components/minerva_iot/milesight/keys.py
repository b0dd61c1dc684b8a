"""What each key a Milesight device reports becomes in Home Assistant (HA-free).

Lookup order: the device's thing model (TSL) when the API gave one, then the catalogue by the
device's model and firmware (catalogue/), then the generic key rules below, then a plain
sensor. The thing model knows units, labels and names but not what a key *is*; the catalogue
knows that per model (Milesight's decoders); the rules know the keys every Milesight decoder
spells the same way. The result is a `KeySpec`: the kind of entity (sensor, binary sensor,
event, diagnostic, or none), its unit and classes as plain strings, and how raw values map.
descriptions.py turns it into Home Assistant entity descriptions; fleet.py uses the kind to tell
readings from events and from keys that are not readings at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
import functools
import re
from typing import Any, Final

from .catalogue import CatalogueEntry, lookup, lookup_container, model_entries
from .device_events import BUTTON_KEYS, PRESS_TYPES, alarm_name, alarm_state, press_type
from .models import DeviceState, PropertyHint

KIND_SENSOR: Final = "sensor"
KIND_BINARY: Final = "binary_sensor"
KIND_EVENT: Final = "event"
KIND_DIAGNOSTIC: Final = "diagnostic"
KIND_IGNORE: Final = "ignore"
# Kinds whose values are kept as the device's state (the others fire events or are dropped).
READING_KINDS: Final = frozenset({KIND_SENSOR, KIND_BINARY, KIND_DIAGNOSTIC})


@dataclass(frozen=True, slots=True)
class KeySpec:
    """What one key of one device becomes; classes and units as Home Assistant spells them.

    `values` maps a decoded label to what Home Assistant shows (True/False, an option, an event
    type or None: no event); `codes` maps raw numbers to labels; `labels` are the thing model's
    raw → label mappings. `on_values` are the labels a generic binary rule reads as on.
    `ambiguous`: the model's firmware generations disagree about the key and nothing chose.
    """

    key: str
    kind: str
    source: str
    name: str | None = None
    translation_key: str | None = None
    index: str | None = None
    unit: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    diagnostic: bool = False
    enabled_default: bool = True
    values: Mapping[str, Any] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    on_values: frozenset[str] = frozenset()
    ambiguous: bool = False
    # The unit the device's thing model gives (as written there): it wins where it fits.
    thing_unit: str | None = None

    def label(self, raw: Any) -> str | None:
        """The label a raw value stands for (numbers through `codes` or the thing model)."""
        if raw is None:
            return None
        text = _raw_text(raw)
        for candidate in (text, self.codes.get(text), self.thing_label(raw)):
            if candidate is None:
                continue
            if candidate in self.values:
                return candidate
            folded = candidate.strip().casefold()
            for label in self.values:
                if label.casefold() == folded:
                    return label
        return None

    def thing_label(self, raw: Any) -> str | None:
        """The thing model's label of a raw value (BOOL mappings are keyed 0/1 or false/true)."""
        if raw is None or not self.labels:
            return None
        found = self.labels.get(_raw_text(raw))
        if found is None and isinstance(raw, bool):
            found = self.labels.get(str(raw).lower())
        return found

    def mapped(self, raw: Any) -> Any:
        """What Home Assistant shows for a raw value through `values` (None: unknown)."""
        label = self.label(raw)
        return None if label is None else self.values[label]

    def is_on(self, raw: Any) -> bool | None:
        """A binary sensor's state for a raw value."""
        if raw is None:
            return None
        if self.values:
            mapped = self.mapped(raw)
            if isinstance(mapped, bool) or not self.on_values:
                return mapped if isinstance(mapped, bool) else None
            # A label the catalogue does not list: read it as every decoder's spelling.
        if isinstance(raw, bool):
            return raw
        text = _raw_text(raw)
        label = self.thing_label(raw) or text
        return label.strip().casefold() in self.on_values or text.strip().casefold() in (
            self.on_values
        )

    def event_type(self, raw: Any) -> str | None:
        """The event type a raw value of an event key fires (None: no event)."""
        if raw is None:
            return None
        if self.values and (label := self.label(raw)) is not None:
            mapped = self.values[label]
            return mapped if isinstance(mapped, str) else None
        if self.key in BUTTON_KEYS or set(self.values.values()) & set(PRESS_TYPES):
            return press_type(self.thing_label(raw) or raw)
        return alarm_state(raw)


def _raw_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return str(int(raw))
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


# --- generic key rules (any model) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: str
    kind: str
    translation_key: str | None = None
    device_class: str | None = None
    unit: str | None = None
    state_class: str | None = "measurement"
    diagnostic: bool = False
    enabled_default: bool = True
    on_values: frozenset[str] = frozenset()


def _on(*labels: str) -> frozenset[str]:
    return frozenset({*labels, "1", "true"})


_S, _B = KIND_SENSOR, KIND_BINARY
_TOTAL = "total_increasing"
RULES: Final[tuple[_Rule, ...]] = (
    _Rule(r"temperature|celsius_temperature", _S, None, "temperature", "°C"),
    _Rule(r"temperature_chn(\d+)", _S, "temperature_channel", "temperature", "°C"),
    _Rule(r"humidity", _S, None, "humidity", "%"),
    _Rule(r"battery", _S, None, "battery", "%", diagnostic=True),
    _Rule(r"co2", _S, None, "carbon_dioxide", "ppm"),
    _Rule(r"pressure", _S, None, "atmospheric_pressure", "hPa"),
    _Rule(r"pm2_5", _S, None, "pm25", "µg/m³"),
    _Rule(r"pm10", _S, None, "pm10", "µg/m³"),
    _Rule(r"illumination", _S, None, "illuminance", "lx"),
    _Rule(r"light_level", _S, "light_level"),
    _Rule(r"hcho", _S, "hcho", None, "mg/m³"),
    _Rule(r"o3", _S, "o3", None, "ppm"),
    _Rule(r"tvoc", _S, "tvoc"),
    _Rule(r"distance", _S, None, "distance", "mm"),
    _Rule(r"voltage", _S, None, "voltage", "V"),
    _Rule(r"current", _S, None, "current", "mA"),
    _Rule(r"active_power|electric_power", _S, None, "power", "W"),
    _Rule(r"power_factor", _S, None, "power_factor", "%"),
    _Rule(r"power_consumption", _S, None, "energy", "Wh", _TOTAL),
    _Rule(r"people_count_all", _S, "people_count_all"),
    _Rule(r"people_count_max", _S, "people_count_max"),
    _Rule(r"region_(\d+)_count", _S, "region_count"),
    _Rule(r"line_(\d+)_total_in", _S, "line_total_in", state_class=_TOTAL),
    _Rule(r"line_(\d+)_total_out", _S, "line_total_out", state_class=_TOTAL),
    _Rule(r"line_(\d+)_period_in", _S, "line_period_in"),
    _Rule(r"line_(\d+)_period_out", _S, "line_period_out"),
    _Rule(r"pir", _B, None, "motion", on_values=_on("trigger")),
    _Rule(r"occupancy", _B, None, "occupancy", on_values=_on("occupied")),
    _Rule(r"region_(\d+)", _B, "region_occupancy", "occupancy", on_values=_on("occupied")),
    _Rule(r"magnet_status|magnet", _B, None, "door", on_values=_on("open")),
    _Rule(r"magnet_chn(\d+)", _B, "door_channel", "door", on_values=_on("open")),
    _Rule(r"leakage_status", _B, None, "moisture", on_values=_on("leak")),
    _Rule(
        r"tamper_status",
        _B,
        None,
        "tamper",
        diagnostic=True,
        on_values=_on("uninstalled", "triggered"),
    ),
    _Rule(r"daylight", _B, None, "light", on_values=_on("light")),
    _Rule(r"position", _B, "tilt", "problem", on_values=_on("tilt")),
    _Rule(r"socket_status", _B, None, "power", on_values=_on("on")),
    _Rule(r"switch_(\d+)", _B, "switch_channel", "power", on_values=_on("on")),
    # Keys that describe the device rather than its surroundings, and settings the device
    # echoes in its uplinks: diagnostic, disabled by default (they would clutter every page).
    _Rule(
        r"(sn|firmware_version|hardware_version|ipso_version|tsl_version|lorawan_class"
        r"|device_status|reset_event|power_on_event)(\..+)?",
        KIND_DIAGNOSTIC,
        state_class=None,
        diagnostic=True,
        enabled_default=False,
    ),
    _Rule(
        r"(report|reporting|collection|collecting)_interval|.*threshold.*|retransmi(t|ssion)_.*",
        KIND_DIAGNOSTIC,
        state_class=None,
        diagnostic=True,
        enabled_default=False,
    ),
)

# Catalogue keys common enough to deserve a translated name (index: the key's channel number).
# A key a generic rule matches is named by the rule instead.
TRANSLATION_KEYS: Final[Mapping[str, str]] = {
    "target_temperature": "target_temperature",
    "outside_temperature": "outside_temperature",
    "valve_opening": "valve_opening",
    "motor_position": "motor_position",
    "gpio_counter_{n}": "gpio_counter",
    "pt100_{n}": "pt100_channel",
    "region_{n}_avg_dwell": "region_avg_dwell",
    "region_{n}_max_dwell": "region_max_dwell",
    "line_{n}_child_total_in": "line_child_total_in",
    "line_{n}_child_total_out": "line_child_total_out",
    "line_{n}_child_period_in": "line_child_period_in",
    "line_{n}_child_period_out": "line_child_period_out",
    "depth": "liquid_depth",
    "total_current": "total_current",
    "life_remain": "life_remain",
    "valve_status": "valve",
    "relay_output_status": "relay_output",
    "gpio_input_{n}": "digital_input",
    "gpio_output_{n}": "digital_output",
    "freeze_protection": "freeze_protection",
}
# Catalogue keys whose Home Assistant device-class name says it best ("Gas", "Window").
DEVICE_CLASS_NAMED: Final = frozenset({"gas_status", "window_detection", "moisture", "electricity"})


def _match_rule(key: str) -> tuple[_Rule, str | None] | None:
    for rule in RULES:
        if match := re.fullmatch(rule.pattern, key):
            groups = [group for group in match.groups() if group and group.isdigit()]
            return rule, (groups[0] if groups else None)
    return None


def key_name(key: str) -> str:
    """`gps.fix` → "Gps fix"; `probes[1].value` → "Probes 1 value"."""
    text = re.sub(r"\[(\d+)\]", r" \1", key)
    return text.replace("_", " ").replace(".", " ").strip().capitalize()


def _from_rule(key: str, rule: _Rule, index: str | None) -> KeySpec:
    return KeySpec(
        key=key,
        kind=rule.kind,
        source="rule",
        name=key_name(key) if rule.kind == KIND_DIAGNOSTIC else None,
        translation_key=rule.translation_key,
        index=index,
        unit=rule.unit,
        device_class=rule.device_class,
        state_class=rule.state_class if rule.kind == KIND_SENSOR else None,
        diagnostic=rule.diagnostic,
        enabled_default=rule.enabled_default,
        on_values=rule.on_values,
    )


def _from_catalogue(key: str, entry: CatalogueEntry) -> KeySpec:
    found = _match_rule(key)
    rule = found[0] if found and found[0].kind == entry.kind else None
    pattern = entry.key
    translation_key = None if rule else TRANSLATION_KEYS.get(pattern)
    if rule is not None:
        name = None if rule.translation_key or entry.device_class else key_name(key)
        translation_key = rule.translation_key
    elif translation_key is not None or (pattern in DEVICE_CLASS_NAMED and entry.device_class):
        name = None
    else:
        name = key_name(key)
    return KeySpec(
        key=key,
        kind=entry.kind,
        source="catalogue",
        name=name,
        translation_key=translation_key,
        index=entry.index or (found[1] if found else None),
        unit=entry.unit,
        device_class=entry.device_class,
        state_class=entry.state_class,
        diagnostic=entry.entity_category == "diagnostic" or entry.kind == KIND_DIAGNOSTIC,
        enabled_default=entry.enabled_default,
        values=dict(entry.values),
        codes=dict(entry.codes),
        on_values=rule.on_values if rule else frozenset(),
        ambiguous=entry.ambiguous,
    )


@functools.lru_cache(maxsize=16384)
def _model_spec(model: str | None, firmware: str | None, key: str) -> KeySpec:
    """The spec of a key without the thing model's part (cached: a pure function of its args)."""
    if (entry := _catalogue_entry(model, key, firmware)) is not None:
        return _from_catalogue(key, entry)
    if key in BUTTON_KEYS:
        return KeySpec(key=key, kind=KIND_EVENT, source="rule")
    if alarm_name(key) is not None:
        return KeySpec(key=key, kind=KIND_EVENT, source="rule")
    if (found := _match_rule(key)) is not None:
        return _from_rule(key, *found)
    return KeySpec(key=key, kind=KIND_SENSOR, source="plain", name=key_name(key), state_class=None)


def _catalogue_entry(model: str | None, key: str, firmware: str | None) -> CatalogueEntry | None:
    entry = lookup(model, key, firmware)
    if entry is None and model and "[" in key:
        # Members of an array the catalogue ignores (stored history, decoder event lists).
        entry = lookup_container(model, key, firmware)
    return entry


def resolve(device: DeviceState, key: str) -> KeySpec:
    """What `key` of `device` becomes (thing model, catalogue, rules, plain sensor)."""
    spec = _model_spec(device.model, device.firmware_version, key)
    hint = device.hints.get(key)
    return spec if hint is None else _with_thing_model(spec, hint)


def _with_thing_model(spec: KeySpec, hint: PropertyHint) -> KeySpec:
    """The thing model's labels, name and unit on top of what the key is.

    A unit from the device's own thing model settles what the catalogue had to leave open
    (descriptions.py checks it against the device class). A writable property that nothing else
    knows is a setting.
    """
    changes: dict[str, Any] = {}
    if hint.enum:
        changes["labels"] = dict(hint.enum)
    if hint.name and spec.name is not None:
        changes["name"] = hint.name
    if hint.unit and hint.unit.strip():
        changes["thing_unit"] = hint.unit.strip()
    if spec.source == "plain" and (hint.access_mode or "R").upper() != "R":
        changes.update(kind=KIND_DIAGNOSTIC, diagnostic=True, enabled_default=False)
    if spec.source == "plain" and hint.enum:
        changes["state_class"] = None
    return replace(spec, **changes) if changes else spec


def catalogue_event_types(model: str | None, firmware: str | None = None) -> frozenset[str]:
    """Every event type the catalogue's rows of `model` can fire (empty: not catalogued)."""
    return _event_types(model, firmware) if model else frozenset()


@functools.lru_cache(maxsize=1024)
def _event_types(model: str, firmware: str | None) -> frozenset[str]:
    types: set[str] = set()
    for entry in model_entries(model, firmware):
        for row in entry.rows:
            if row.data.get("kind") == KIND_EVENT:
                types.update(v for v in (row.data.get("values") or {}).values() if v)
    return frozenset(types)

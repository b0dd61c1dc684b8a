"""Entity descriptions of Milesight properties (reference §8 table, refined by the TSL).

Known decoder keys get a device class, unit and state class; any other key becomes a plain
sensor named after the thing model (or the key) so nothing a device reports is lost. Keys that
only describe the device (serial, versions, LoRaWAN class...) are diagnostic and disabled by
default: they change rarely and would clutter every device page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import re
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    CONCENTRATION_PARTS_PER_BILLION,
    CONCENTRATION_PARTS_PER_MILLION,
    LIGHT_LUX,
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfPower,
    UnitOfPressure,
    UnitOfTemperature,
    UnitOfTime,
)

from .device_events import is_event_key
from .models import DeviceState, PropertyHint

CONNECTIVITY_KEY = "connectivity"

_UNIT_ALIASES: dict[str, str] = {
    "℃": UnitOfTemperature.CELSIUS,
    "°c": UnitOfTemperature.CELSIUS,
    "°f": UnitOfTemperature.FAHRENHEIT,
    "%": PERCENTAGE,
    "%rh": PERCENTAGE,
    "%r.h.": PERCENTAGE,
    "ppm": CONCENTRATION_PARTS_PER_MILLION,
    "ppb": CONCENTRATION_PARTS_PER_BILLION,
    "µg/m³": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "ug/m3": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "μg/m3": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "mg/m3": "mg/m³",
    "mg/m³": "mg/m³",
    "hpa": UnitOfPressure.HPA,
    "kpa": UnitOfPressure.KPA,
    "pa": UnitOfPressure.PA,
    "lux": LIGHT_LUX,
    "lx": LIGHT_LUX,
    "mm": UnitOfLength.MILLIMETERS,
    "cm": UnitOfLength.CENTIMETERS,
    "m": UnitOfLength.METERS,
    "v": UnitOfElectricPotential.VOLT,
    "ma": UnitOfElectricCurrent.MILLIAMPERE,
    "a": UnitOfElectricCurrent.AMPERE,
    "w": UnitOfPower.WATT,
    "wh": UnitOfEnergy.WATT_HOUR,
    "kwh": UnitOfEnergy.KILO_WATT_HOUR,
    "s": UnitOfTime.SECONDS,
    "min": UnitOfTime.MINUTES,
}


def normalize_unit(unit: str | None) -> str | None:
    """A TSL unit in Home Assistant's spelling (unknown units are kept as written)."""
    if not unit or not unit.strip():
        return None
    return _UNIT_ALIASES.get(unit.strip().lower(), unit.strip())


@dataclass(frozen=True, kw_only=True)
class MilesightSensorEntityDescription(SensorEntityDescription):
    """A sensor for one flattened property key; `enum` maps raw values to labels."""

    property_key: str
    enum: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class MilesightBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor for one property key (on for `on_values`), or read by `is_on_fn`."""

    property_key: str
    on_values: frozenset[str] = frozenset()
    enum: dict[str, str] = field(default_factory=dict)
    # A state the device does not report as a property (None: the property's latest value).
    is_on_fn: Callable[[DeviceState], bool | None] | None = None
    # Push-first: only an OFFLINE report (or API status) makes a device unavailable.
    available_fn: Callable[[DeviceState], bool] = lambda device: device.online is not False


@dataclass(frozen=True)
class _SensorRule:
    pattern: str
    translation_key: str | None
    device_class: SensorDeviceClass | None
    unit: str | None
    units: frozenset[str] = frozenset()
    state_class: SensorStateClass | None = SensorStateClass.MEASUREMENT
    category: EntityCategory | None = None


_TOTAL = SensorStateClass.TOTAL_INCREASING
SENSOR_RULES: tuple[_SensorRule, ...] = (
    _SensorRule(
        r"temperature|celsius_temperature",
        None,
        SensorDeviceClass.TEMPERATURE,
        "°C",
        frozenset({"°C", "°F"}),
    ),
    _SensorRule(
        r"temperature_chn(\d+)",
        "temperature_channel",
        SensorDeviceClass.TEMPERATURE,
        "°C",
        frozenset({"°C", "°F"}),
    ),
    _SensorRule(r"humidity", None, SensorDeviceClass.HUMIDITY, PERCENTAGE),
    _SensorRule(
        r"battery", None, SensorDeviceClass.BATTERY, PERCENTAGE, category=EntityCategory.DIAGNOSTIC
    ),
    _SensorRule(r"co2", None, SensorDeviceClass.CO2, CONCENTRATION_PARTS_PER_MILLION),
    _SensorRule(
        r"pressure",
        None,
        SensorDeviceClass.ATMOSPHERIC_PRESSURE,
        UnitOfPressure.HPA,
        frozenset({UnitOfPressure.HPA, UnitOfPressure.KPA, UnitOfPressure.PA}),
    ),
    _SensorRule(r"pm2_5", None, SensorDeviceClass.PM25, CONCENTRATION_MICROGRAMS_PER_CUBIC_METER),
    _SensorRule(r"pm10", None, SensorDeviceClass.PM10, CONCENTRATION_MICROGRAMS_PER_CUBIC_METER),
    _SensorRule(r"illumination", None, SensorDeviceClass.ILLUMINANCE, LIGHT_LUX),
    _SensorRule(r"light_level", "light_level", None, None),
    _SensorRule(r"hcho", "hcho", None, "mg/m³", frozenset({"mg/m³", "ppm"})),
    _SensorRule(
        r"o3",
        "o3",
        None,
        CONCENTRATION_PARTS_PER_MILLION,
        frozenset({CONCENTRATION_PARTS_PER_MILLION}),
    ),
    _SensorRule(
        r"distance",
        None,
        SensorDeviceClass.DISTANCE,
        UnitOfLength.MILLIMETERS,
        frozenset({UnitOfLength.MILLIMETERS, UnitOfLength.CENTIMETERS, UnitOfLength.METERS}),
    ),
    _SensorRule(r"voltage", None, SensorDeviceClass.VOLTAGE, UnitOfElectricPotential.VOLT),
    _SensorRule(
        r"current",
        None,
        SensorDeviceClass.CURRENT,
        UnitOfElectricCurrent.MILLIAMPERE,
        frozenset({UnitOfElectricCurrent.MILLIAMPERE, UnitOfElectricCurrent.AMPERE}),
    ),
    _SensorRule(r"active_power|electric_power", None, SensorDeviceClass.POWER, UnitOfPower.WATT),
    _SensorRule(r"power_factor", None, SensorDeviceClass.POWER_FACTOR, PERCENTAGE),
    _SensorRule(
        r"power_consumption",
        None,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.WATT_HOUR,
        frozenset({UnitOfEnergy.WATT_HOUR, UnitOfEnergy.KILO_WATT_HOUR}),
        _TOTAL,
    ),
    _SensorRule(r"people_count_all", "people_count_all", None, None),
    _SensorRule(r"people_count_max", "people_count_max", None, None),
    _SensorRule(r"region_(\d+)_count", "region_count", None, None),
    _SensorRule(r"line_(\d+)_total_in", "line_total_in", None, None, state_class=_TOTAL),
    _SensorRule(r"line_(\d+)_total_out", "line_total_out", None, None, state_class=_TOTAL),
    _SensorRule(r"line_(\d+)_period_in", "line_period_in", None, None),
    _SensorRule(r"line_(\d+)_period_out", "line_period_out", None, None),
)

# Decoder keys that describe the device rather than its surroundings.
DIAGNOSTIC_KEYS = frozenset(
    {
        "sn",
        "firmware_version",
        "hardware_version",
        "ipso_version",
        "tsl_version",
        "lorawan_class",
        "device_status",
        "reset_event",
        "power_on_event",
    }
)


@dataclass(frozen=True)
class _BinaryRule:
    pattern: str
    translation_key: str | None
    device_class: BinarySensorDeviceClass
    on_values: frozenset[str]
    category: EntityCategory | None = None


BINARY_RULES: tuple[_BinaryRule, ...] = (
    _BinaryRule(r"pir", None, BinarySensorDeviceClass.MOTION, frozenset({"trigger", "1", "true"})),
    _BinaryRule(
        r"occupancy", None, BinarySensorDeviceClass.OCCUPANCY, frozenset({"occupied", "1", "true"})
    ),
    _BinaryRule(
        r"region_(\d+)",
        "region_occupancy",
        BinarySensorDeviceClass.OCCUPANCY,
        frozenset({"occupied", "1", "true"}),
    ),
    _BinaryRule(
        r"magnet_status|magnet",
        None,
        BinarySensorDeviceClass.DOOR,
        frozenset({"open", "1", "true"}),
    ),
    _BinaryRule(
        r"magnet_chn(\d+)",
        "door_channel",
        BinarySensorDeviceClass.DOOR,
        frozenset({"open", "1", "true"}),
    ),
    _BinaryRule(
        r"leakage_status", None, BinarySensorDeviceClass.MOISTURE, frozenset({"leak", "1", "true"})
    ),
    _BinaryRule(
        r"tamper_status",
        None,
        BinarySensorDeviceClass.TAMPER,
        frozenset({"uninstalled", "triggered", "1", "true"}),
        EntityCategory.DIAGNOSTIC,
    ),
    _BinaryRule(
        r"daylight", None, BinarySensorDeviceClass.LIGHT, frozenset({"light", "1", "true"})
    ),
    _BinaryRule(
        r"position", "tilt", BinarySensorDeviceClass.PROBLEM, frozenset({"tilt", "1", "true"})
    ),
    _BinaryRule(
        r"socket_status", None, BinarySensorDeviceClass.POWER, frozenset({"on", "1", "true"})
    ),
    _BinaryRule(
        r"switch_(\d+)",
        "switch_channel",
        BinarySensorDeviceClass.POWER,
        frozenset({"on", "1", "true"}),
    ),
)

_VOC_CLASSES = {
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER: SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS,
    CONCENTRATION_PARTS_PER_BILLION: SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS,
}

# ONLINE/OFFLINE as reported by MDP; always available, so that "offline" can be seen.
CONNECTIVITY_DESCRIPTION = MilesightBinarySensorEntityDescription(
    key=CONNECTIVITY_KEY,
    property_key=CONNECTIVITY_KEY,
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda device: device.online,
    available_fn=lambda device: True,
)


def _match[RuleT: (_SensorRule, _BinaryRule)](
    rules: tuple[RuleT, ...], key: str
) -> tuple[RuleT, dict[str, str]] | None:
    for rule in rules:
        if match := re.fullmatch(rule.pattern, key):
            return rule, ({"index": match.group(1)} if match.groups() else {})
    return None


def binary_sensor_description(
    key: str, hint: PropertyHint | None
) -> MilesightBinarySensorEntityDescription | None:
    """The binary sensor for a key, or None when the key is not an on/off property."""
    found = _match(BINARY_RULES, key)
    if found is None:
        return None
    rule, placeholders = found
    return MilesightBinarySensorEntityDescription(
        key=key,
        property_key=key,
        translation_key=rule.translation_key,
        translation_placeholders=placeholders or None,
        device_class=rule.device_class,
        entity_category=rule.category,
        on_values=rule.on_values,
        enum=dict(hint.enum) if hint else {},
    )


def sensor_description(
    key: str, hint: PropertyHint | None
) -> MilesightSensorEntityDescription | None:
    """The sensor for a key (None for binary-sensor and event keys)."""
    if is_event_key(key) or binary_sensor_description(key, hint) is not None:
        return None
    tsl_unit = normalize_unit(hint.unit) if hint else None
    enum = dict(hint.enum) if hint else {}
    if found := _match(SENSOR_RULES, key):
        rule, placeholders = found
        unit = rule.unit
        if tsl_unit and (tsl_unit in rule.units or (not rule.units and rule.unit is None)):
            unit = tsl_unit
        return MilesightSensorEntityDescription(
            key=key,
            property_key=key,
            translation_key=rule.translation_key,
            translation_placeholders=placeholders or None,
            device_class=rule.device_class,
            native_unit_of_measurement=unit,
            state_class=rule.state_class,
            entity_category=rule.category,
        )
    if key == "tvoc":
        # TVOC is an IAQ index (or mg/m³) on some models: a device class only with a unit
        # Home Assistant's VOC classes accept; a measurement in every case.
        voc_class = _VOC_CLASSES.get(tsl_unit or "")
        return MilesightSensorEntityDescription(
            key=key,
            property_key=key,
            translation_key=None if voc_class else "tvoc",
            device_class=voc_class,
            native_unit_of_measurement=tsl_unit,
            state_class=SensorStateClass.MEASUREMENT,
        )
    diagnostic = key.split(".", 1)[0] in DIAGNOSTIC_KEYS
    return MilesightSensorEntityDescription(
        key=key,
        property_key=key,
        name=(
            hint.name
            if hint and hint.name
            else key.replace("_", " ").replace(".", " ").capitalize()
        ),
        native_unit_of_measurement=None if enum else tsl_unit,
        device_class=SensorDeviceClass.ENUM if enum else None,
        options=sorted(set(enum.values())) if enum else None,
        entity_category=EntityCategory.DIAGNOSTIC if diagnostic else None,
        entity_registry_enabled_default=not diagnostic,
        enum=enum,
    )


def on_state(description: MilesightBinarySensorEntityDescription, value: Any) -> bool | None:
    """Interpret a raw on/off value (string, number or TSL enum key)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    raw = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    label = description.enum.get(raw, raw)
    return label.strip().lower() in description.on_values or raw.strip().lower() in (
        description.on_values
    )

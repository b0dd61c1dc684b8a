"""Entity descriptions of Milesight properties, from what keys.py resolved for each key.

keys.py says what a key is (thing model, catalogue, generic rules, plain sensor); this module
says it in Home Assistant's terms: device classes and units Home Assistant accepts together,
state classes, categories, enum options, names. A unit the device's own thing model gives wins
when the device class accepts it; when the catalogue could not settle a unit (firmware
generations that disagree, nothing to choose) the sensor gets neither unit nor device class:
a number shown as it comes is better than one a thousand times off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.sensor.const import DEVICE_CLASS_UNITS
from homeassistant.const import (
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    LIGHT_LUX,
    MAX_LENGTH_STATE_STATE,
    PERCENTAGE,
    EntityCategory,
    UnitOfConductivity,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfPower,
    UnitOfPressure,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.helpers.typing import UNDEFINED, UndefinedType

from .keys import KIND_BINARY, KIND_DIAGNOSTIC, KIND_SENSOR, KeySpec, key_name
from .models import DeviceState

CONNECTIVITY_KEY = "connectivity"
LAST_SEEN_KEY = "last_seen"

_UNIT_ALIASES: dict[str, str] = {
    "℃": UnitOfTemperature.CELSIUS,
    "°c": UnitOfTemperature.CELSIUS,
    "°f": UnitOfTemperature.FAHRENHEIT,
    "%": PERCENTAGE,
    "%rh": PERCENTAGE,
    "%r.h.": PERCENTAGE,
    # Plain strings: the CONCENTRATION_PARTS_PER_* constants are deprecated in newer releases.
    "ppm": "ppm",
    "ppb": "ppb",
    "µg/m³": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "ug/m3": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "μg/m3": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    "µg/m3": CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
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
    "µs/cm": UnitOfConductivity.MICROSIEMENS_PER_CM,
    "μs/cm": UnitOfConductivity.MICROSIEMENS_PER_CM,
    "us/cm": UnitOfConductivity.MICROSIEMENS_PER_CM,
}
_SENSOR_CLASSES = {device_class.value: device_class for device_class in SensorDeviceClass}
_BINARY_CLASSES = {device_class.value: device_class for device_class in BinarySensorDeviceClass}
_STATE_CLASSES = {state_class.value: state_class for state_class in SensorStateClass}
# TVOC is an IAQ index on some models: a VOC device class only with a unit it accepts.
_VOC_CLASSES = {
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER: SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS,
    "ppb": SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS,
}


def normalize_unit(unit: str | None) -> str | None:
    """A unit in Home Assistant's spelling (unknown units are kept as written)."""
    if not unit or not unit.strip():
        return None
    return _UNIT_ALIASES.get(unit.strip().lower(), unit.strip())


@dataclass(frozen=True, kw_only=True)
class MilesightSensorEntityDescription(SensorEntityDescription):
    """A sensor for one property key (mapped through `spec`), or read by `value_fn`."""

    property_key: str
    spec: KeySpec | None = None
    # A value the device does not report as a property (None: the property's latest value,
    # restored across restarts until the device reports it again).
    value_fn: Callable[[DeviceState], datetime | None] | None = None
    # Push-first: an OFFLINE report (or API status), or the watchdog finding the device
    # overdue, makes a device unavailable.
    available_fn: Callable[[DeviceState], bool] = lambda device: device.reachable
    # Changes with every delivery: written at most every entity.THROTTLE.
    throttled: bool = False


@dataclass(frozen=True, kw_only=True)
class MilesightBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor for one property key (read through `spec`), or read by `is_on_fn`."""

    property_key: str
    spec: KeySpec | None = None
    # A state the device does not report as a property (None: the property's latest value).
    is_on_fn: Callable[[DeviceState], bool | None] | None = None
    # Push-first: an OFFLINE report (or API status), or the watchdog finding the device
    # overdue, makes a device unavailable.
    available_fn: Callable[[DeviceState], bool] = lambda device: device.reachable


# ONLINE/OFFLINE as reported by MDP, off while the watchdog finds the device overdue; always
# available, so that "offline" can be seen.
CONNECTIVITY_DESCRIPTION = MilesightBinarySensorEntityDescription(
    key=CONNECTIVITY_KEY,
    property_key=CONNECTIVITY_KEY,
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda device: device.connected,
    available_fn=lambda device: True,
)


# When the device's latest uplink arrived (disabled by default, throttled: it moves with every
# delivery); available while the device exists, it matters most when the device is overdue.
LAST_SEEN_DESCRIPTION = MilesightSensorEntityDescription(
    key=LAST_SEEN_KEY,
    property_key=LAST_SEEN_KEY,
    translation_key=LAST_SEEN_KEY,
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=lambda device: device.last_seen,
    available_fn=lambda device: True,
    throttled=True,
)


def _unit_and_class(spec: KeySpec) -> tuple[str | None, SensorDeviceClass | None]:
    """The unit and device class to show, checked against each other."""
    unit = normalize_unit(spec.unit)
    device_class = _SENSOR_CLASSES.get(spec.device_class or "")
    thing_unit = normalize_unit(spec.thing_unit)
    if device_class == SensorDeviceClass.ENUM:
        return None, device_class
    if thing_unit is not None:
        if device_class is None or thing_unit in DEVICE_CLASS_UNITS.get(device_class, ()):
            unit = thing_unit
        elif spec.ambiguous:
            return thing_unit, None
    elif spec.ambiguous:
        return None, None
    if device_class is None and spec.key == "tvoc":
        device_class = _VOC_CLASSES.get(unit or "")
    if device_class is not None and unit not in DEVICE_CLASS_UNITS.get(device_class, {unit}):
        device_class = None
    return unit, device_class


def _name(spec: KeySpec, has_class: bool) -> tuple[str | UndefinedType, str | None]:
    """(name, translation key): translated, named after the device class, or plain.

    UNDEFINED lets Home Assistant name the entity after its translation key or device class
    (None would give it no name of its own).
    """
    if spec.translation_key is not None:
        return UNDEFINED, spec.translation_key
    if spec.name is None:
        return (UNDEFINED if has_class else key_name(spec.key)), None
    return spec.name, None


def _placeholders(spec: KeySpec, translation_key: str | None) -> dict[str, str] | None:
    return {"index": spec.index} if translation_key and spec.index else None


def sensor_description(spec: KeySpec) -> MilesightSensorEntityDescription | None:
    """The sensor of a key (None for binary-sensor, event and ignored keys)."""
    if spec.kind not in (KIND_SENSOR, KIND_DIAGNOSTIC):
        return None
    unit, device_class = _unit_and_class(spec)
    options: list[str] | None = None
    if device_class == SensorDeviceClass.ENUM:
        options = list(dict.fromkeys(str(value) for value in spec.values.values()))
    elif device_class is None and spec.labels and not spec.values and unit is None:
        device_class = SensorDeviceClass.ENUM
        options = sorted(set(spec.labels.values()))
    state_class = _STATE_CLASSES.get(spec.state_class or "")
    if device_class == SensorDeviceClass.ENUM or (
        device_class is not None
        and state_class is not None
        and state_class not in DEVICE_CLASS_STATE_CLASSES.get(device_class, {state_class})
    ):
        state_class = None
    common = _common_fields(spec, device_class is not None)
    if (
        device_class == SensorDeviceClass.ENUM
        and common["translation_key"] is None
        and common["name"] is UNDEFINED
    ):
        common["name"] = key_name(spec.key)  # Home Assistant has no name for the enum class
    return MilesightSensorEntityDescription(
        **common,
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=state_class,
        options=options,
    )


def binary_sensor_description(spec: KeySpec) -> MilesightBinarySensorEntityDescription | None:
    """The binary sensor of a key, or None when the key is not an on/off property."""
    if spec.kind != KIND_BINARY:
        return None
    device_class = _BINARY_CLASSES.get(spec.device_class or "")
    return MilesightBinarySensorEntityDescription(
        **_common_fields(spec, device_class is not None), device_class=device_class
    )


def _common_fields(spec: KeySpec, has_device_class: bool) -> dict[str, Any]:
    """What a key's sensor and binary sensor descriptions share: ids, name, category."""
    name, translation_key = _name(spec, has_device_class)
    return {
        "key": spec.key,
        "property_key": spec.key,
        "spec": spec,
        "name": name,
        "translation_key": translation_key,
        "translation_placeholders": _placeholders(spec, translation_key),
        "entity_category": EntityCategory.DIAGNOSTIC if spec.diagnostic else None,
        "entity_registry_enabled_default": spec.enabled_default,
    }


def sensor_state(description: MilesightSensorEntityDescription, value: Any) -> Any:
    """A raw payload value in a form Home Assistant accepts for this sensor.

    Home Assistant refuses (and logs an error for) a non-numeric state on a sensor with a
    unit or state class and an enum state outside `options`: such values read as unknown.
    """
    spec = description.spec
    if spec is None:
        return value
    if description.device_class == SensorDeviceClass.ENUM:
        option = spec.mapped(value) if spec.values else spec.thing_label(value)
        return option if option in (description.options or ()) else None
    numeric = description.native_unit_of_measurement or description.state_class
    if numeric or description.device_class is not None:
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return value[:MAX_LENGTH_STATE_STATE]  # Home Assistant refuses longer states
    return value


def on_state(description: MilesightBinarySensorEntityDescription, value: Any) -> bool | None:
    """A binary sensor's state for a raw value (string, number, boolean or TSL enum key)."""
    return None if description.spec is None else description.spec.is_on(value)

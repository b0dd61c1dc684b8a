"""Mapping of decoder keys and raw values (pure functions of the Milesight package)."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import CONCENTRATION_MICROGRAMS_PER_CUBIC_METER
import pytest

from custom_components.minerva_iot.milesight.descriptions import (
    binary_sensor_description,
    normalize_unit,
    on_state,
    sensor_description,
)
from custom_components.minerva_iot.milesight.device_events import alarm_state, button_press
from custom_components.minerva_iot.milesight.models import PropertyHint
from custom_components.minerva_iot.milesight.validation import dropped_part


@pytest.mark.parametrize(
    ("key", "device_class", "unit", "state_class"),
    [
        ("temperature_chn2", SensorDeviceClass.TEMPERATURE, "°C", SensorStateClass.MEASUREMENT),
        ("co2", SensorDeviceClass.CO2, "ppm", SensorStateClass.MEASUREMENT),
        (
            "pm2_5",
            SensorDeviceClass.PM25,
            CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
            SensorStateClass.MEASUREMENT,
        ),
        ("distance", SensorDeviceClass.DISTANCE, "mm", SensorStateClass.MEASUREMENT),
        ("power_consumption", SensorDeviceClass.ENERGY, "Wh", SensorStateClass.TOTAL_INCREASING),
        ("line_1_total_in", None, None, SensorStateClass.TOTAL_INCREASING),
        ("illumination", SensorDeviceClass.ILLUMINANCE, "lx", SensorStateClass.MEASUREMENT),
    ],
)
def test_sensor_table(
    key: str, device_class: SensorDeviceClass | None, unit: str | None, state_class: str
) -> None:
    """Reference §8 keys get their device class, unit and state class."""
    description = sensor_description(key, None)
    assert description is not None
    assert description.device_class == device_class
    assert description.native_unit_of_measurement == unit
    assert description.state_class == state_class


def test_tsl_unit_overrides_when_compatible() -> None:
    """A compatible TSL unit wins (kWh); an incompatible one is ignored (lx for temperature)."""
    energy = sensor_description("power_consumption", PropertyHint(unit="kWh"))
    assert energy is not None
    assert energy.native_unit_of_measurement == "kWh"
    temperature = sensor_description("temperature", PropertyHint(unit="lux"))
    assert temperature is not None
    assert temperature.native_unit_of_measurement == "°C"


def test_event_and_binary_keys_are_not_sensors() -> None:
    """Buttons, alarms and on/off keys never become plain sensors."""
    assert sensor_description("button_event.status", None) is None
    assert sensor_description("temperature_alarm", None) is None
    assert sensor_description("pir", None) is None
    door = binary_sensor_description("magnet_chn2", None)
    assert door is not None
    assert door.device_class == BinarySensorDeviceClass.DOOR
    assert door.translation_placeholders == {"index": "2"}


def test_on_state_values() -> None:
    """Strings, numbers, booleans and TSL enum keys."""
    description = binary_sensor_description("pir", PropertyHint(enum={"7": "Trigger"}))
    assert description is not None
    assert on_state(description, None) is None
    assert on_state(description, True) is True
    assert on_state(description, 1.0) is True
    assert on_state(description, "idle") is False
    assert on_state(description, 7) is True


def test_units_and_values() -> None:
    """Units in HA spelling; alarms and presses from any decoder generation."""
    assert normalize_unit(" %RH ") == "%"
    assert normalize_unit("") is None
    assert normalize_unit("furlong") == "furlong"
    assert alarm_state(True) == "alarm"
    assert alarm_state(0) == "alarm_cleared"
    assert alarm_state(2) == "alarm"
    assert alarm_state("threshold alarm release") == "alarm_cleared"
    assert button_press({"press": "triple"}) is None
    assert button_press({}) is None


def test_dropped_part_of_pasted_address() -> None:
    """What normalisation throws away is shown to the user."""
    assert dropped_part("eu-openapi.milesight.com/uc/account/api/?x=1") == "/uc/account/api?x=1"
    assert dropped_part("https://eu-openapi.milesight.com/") == ""


def test_tvoc_device_class_only_with_a_real_unit() -> None:
    """µg/m³ and ppb give the VOC classes; an IAQ index stays a plain sensor."""
    micrograms = sensor_description("tvoc", PropertyHint(unit="ug/m3"))
    assert micrograms is not None
    assert micrograms.device_class == SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS
    parts = sensor_description("tvoc", PropertyHint(unit="ppb"))
    assert parts is not None
    assert parts.device_class == SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS
    index = sensor_description("tvoc", None)
    assert index is not None
    assert index.device_class is None
    assert index.translation_key == "tvoc"
    assert index.state_class == SensorStateClass.MEASUREMENT


def test_thing_model_readings() -> None:
    """Only visible read-only leaf properties are readings that get an entity up front."""
    assert PropertyHint(access_mode="R", data_type="FLOAT").is_reading
    assert PropertyHint().is_reading  # no access mode: a reading
    assert not PropertyHint(access_mode="RW", data_type="INT").is_reading
    assert not PropertyHint(access_mode="R", hidden=True).is_reading
    assert not PropertyHint(access_mode="R", data_type="STRUCT").is_reading
    restored = PropertyHint.from_dict(PropertyHint(access_mode="RW", hidden=True).as_dict())
    assert (restored.access_mode, restored.hidden) == ("RW", True)

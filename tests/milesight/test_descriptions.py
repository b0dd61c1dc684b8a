"""Mapping of decoder keys and raw values (pure functions of the Milesight package)."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    CONCENTRATION_MICROGRAMS_PER_CUBIC_METER,
    EntityCategory,
    UnitOfConductivity,
)
from homeassistant.helpers.typing import UNDEFINED
import pytest

from custom_components.minerva_iot.milesight.descriptions import (
    MilesightBinarySensorEntityDescription,
    MilesightSensorEntityDescription,
    binary_sensor_description,
    normalize_unit,
    on_state,
    sensor_description,
    sensor_state,
)
from custom_components.minerva_iot.milesight.device_events import (
    alarm_name,
    alarm_state,
    bus_event_type,
    event_state,
    press_type,
)
from custom_components.minerva_iot.milesight.keys import KeySpec, resolve
from custom_components.minerva_iot.milesight.models import DeviceState, PropertyHint
from custom_components.minerva_iot.milesight.validation import dropped_part


def spec(
    key: str,
    model: str | None = None,
    hint: PropertyHint | None = None,
    firmware: str | None = None,
) -> KeySpec:
    """What `key` of a device of `model` (with an optional thing-model hint) becomes."""
    device = DeviceState(sn="X", model=model, firmware_version=firmware)
    if hint is not None:
        device.hints[key] = hint
    return resolve(device, key)


def sensor(
    key: str, model: str | None = None, **kwargs: object
) -> MilesightSensorEntityDescription:
    """The sensor description of a key (asserted to exist)."""
    description = sensor_description(spec(key, model, **kwargs))  # type: ignore[arg-type]
    assert description is not None, key
    return description


def binary(key: str, model: str | None = None) -> MilesightBinarySensorEntityDescription:
    """The binary sensor description of a key (asserted to exist)."""
    description = binary_sensor_description(spec(key, model))
    assert description is not None, key
    return description


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
def test_generic_rules(
    key: str, device_class: SensorDeviceClass | None, unit: str | None, state_class: str
) -> None:
    """Keys every decoder spells the same way, for a model the catalogue does not know."""
    description = sensor(key)
    assert description.device_class == device_class
    assert description.native_unit_of_measurement == unit
    assert description.state_class == state_class


@pytest.mark.parametrize(
    ("model", "firmware", "key", "unit", "device_class"),
    [
        ("CT101", None, "current", "A", SensorDeviceClass.CURRENT),
        ("WS523", None, "current", "mA", SensorDeviceClass.CURRENT),
        ("WS523", None, "power_consumption", "Wh", SensorDeviceClass.ENERGY),
        ("WS513", "v3.1", "power_consumption", "kWh", SensorDeviceClass.ENERGY),
        ("WS515", "v3.0", "power_consumption", "kWh", SensorDeviceClass.ENERGY),
        ("WS501", "v4.2", "power_consumption", "kWh", SensorDeviceClass.ENERGY),
        ("EM500-PP", None, "pressure", "kPa", SensorDeviceClass.PRESSURE),
        ("UC511", None, "pressure", "kPa", SensorDeviceClass.PRESSURE),
        ("AM319-HCHO-WELL", None, "hcho", "ppm", None),
        ("UC300", None, "pt100_2", "°C", SensorDeviceClass.TEMPERATURE),
        ("EM500-SWL", None, "depth", "cm", SensorDeviceClass.DISTANCE),
        (
            "EM500-SMTC",
            None,
            "electricity",
            UnitOfConductivity.MICROSIEMENS_PER_CM,
            SensorDeviceClass.CONDUCTIVITY,
        ),
    ],
)
def test_catalogue_units_per_model(
    model: str,
    firmware: str | None,
    key: str,
    unit: str,
    device_class: SensorDeviceClass | None,
) -> None:
    """The same key means different units on different models (and firmware generations)."""
    description = sensor(key, model, firmware=firmware)
    assert (description.native_unit_of_measurement, description.device_class) == (
        unit,
        device_class,
    )


@pytest.mark.parametrize(
    ("model", "key"),
    [("WS513", "power_consumption"), ("WS515", "power_consumption"), ("AM319-HCHO", "hcho")],
)
def test_ambiguous_units_are_not_guessed(model: str, key: str) -> None:
    """Generations that disagree and no firmware to choose: a number without unit or class."""
    description = sensor(key, model)
    assert description.native_unit_of_measurement is None
    assert description.device_class is None
    assert description.state_class is not None  # still a number with statistics
    chosen = sensor(key, model, hint=PropertyHint(unit="kWh" if "power" in key else "ppm"))
    assert chosen.native_unit_of_measurement in ("kWh", "ppm")


def test_thing_model_unit_wins_when_it_fits() -> None:
    """A compatible TSL unit wins (kWh); an incompatible one is ignored (lx for temperature)."""
    energy = sensor("power_consumption", hint=PropertyHint(unit="kWh"))
    assert energy.native_unit_of_measurement == "kWh"
    temperature = sensor("temperature", hint=PropertyHint(unit="lux"))
    assert temperature.native_unit_of_measurement == "°C"
    plain = sensor("mystery", hint=PropertyHint(unit="%RH", name="Mystery"))
    assert (plain.native_unit_of_measurement, plain.name) == ("%", "Mystery")


def test_event_and_binary_keys_are_not_sensors() -> None:
    """Buttons, alarms and on/off keys never become plain sensors."""
    assert sensor_description(spec("button_event.status")) is None
    assert sensor_description(spec("temperature_alarm")) is None
    assert sensor_description(spec("pir")) is None
    assert sensor_description(spec("button_event.msgid", "WS101")) is None  # ignored
    door = binary("magnet_chn2")
    assert door.device_class == BinarySensorDeviceClass.DOOR
    assert door.translation_placeholders == {"index": "2"}
    gas = binary("gas_status", "GS101")
    assert (gas.device_class, gas.name, gas.translation_key) == (
        BinarySensorDeviceClass.GAS,
        UNDEFINED,  # named after its device class
        None,
    )
    gpio = binary("gpio_input_3", "UC300")
    assert (gpio.translation_key, gpio.translation_placeholders) == (
        "digital_input",
        {"index": "3"},
    )


def test_on_state_values() -> None:
    """Strings, numbers, booleans and TSL enum keys (generic rules and catalogue maps)."""
    pir = binary_sensor_description(spec("pir", hint=PropertyHint(enum={"7": "Trigger"})))
    assert pir is not None
    assert on_state(pir, None) is None
    assert on_state(pir, True) is True
    assert on_state(pir, 1.0) is True
    assert on_state(pir, "idle") is False
    assert on_state(pir, 7) is True
    gas = binary("gas_status", "GS101")
    assert (on_state(gas, "alarm"), on_state(gas, 0), on_state(gas, "odd")) == (True, False, None)
    bare = MilesightBinarySensorEntityDescription(key="x", property_key="x")
    assert on_state(bare, "on") is None


def test_sensor_states() -> None:
    """Numbers stay numbers, catalogue enums become options, strings are cut to 255."""
    interval = sensor("report_interval", "EM300-TH")
    assert sensor_state(interval, "600") == 600.0
    assert sensor_state(interval, "ten") is None
    assert sensor_state(interval, True) is None
    status = sensor("current_sensor_status", "CT101")
    assert status.device_class == SensorDeviceClass.ENUM
    assert sensor_state(status, "read failed") in (status.options or ())
    assert sensor_state(status, "exploded") is None
    text = sensor("gps.fix")
    assert sensor_state(text, "x" * 300) == "x" * 255
    assert sensor_state(text, False) == "false"
    enum = sensor("mode", hint=PropertyHint(enum={"0": "Auto", "true": "On"}))
    assert enum.options == ["Auto", "On"]
    assert (sensor_state(enum, 0), sensor_state(enum, True)) == ("Auto", "On")


def test_settings_and_device_information_are_disabled_diagnostics() -> None:
    """Echoed settings and versions: diagnostic, disabled, never clutter on the device page."""
    for key, model in (
        ("reporting_interval", "EM300-TH"),
        ("reporting_interval", None),
        ("threshold_high", None),
        ("retransmission_interval", None),
        ("firmware_version", None),
        ("firmware_version", "CT101"),
    ):
        description = sensor(key, model)
        assert description.entity_category == EntityCategory.DIAGNOSTIC, key
        assert description.entity_registry_enabled_default is False, key
    writable = sensor("fan_mode", hint=PropertyHint(access_mode="RW"))
    assert writable.entity_registry_enabled_default is False


def test_units_and_values() -> None:
    """Units in HA spelling; alarms and presses from any decoder generation."""
    assert normalize_unit(" %RH ") == "%"
    assert normalize_unit("") is None
    assert normalize_unit("furlong") == "furlong"
    assert alarm_state(True) == "alarm"
    assert alarm_state(0) == "alarm_cleared"
    assert alarm_state(2) == "alarm"
    assert alarm_state("threshold alarm release") == "alarm_cleared"
    assert press_type("triple") is None
    assert press_type(2) == "long_press"
    assert alarm_name("temperature_alarm.alarm_type") == "temperature_alarm"
    assert alarm_name("gps.fix") is None
    assert bus_event_type("fault") == "alarm"
    assert bus_event_type("fault_cleared") == "alarm_cleared"
    assert bus_event_type("power_on") is None
    assert bus_event_type("single_press") == "button_single_press"


def test_event_state_of_a_tsl_alarm_payload() -> None:
    """Its state field decides; a payload of readings only is the alarm itself."""
    assert event_state({"status": "threshold alarm release"}) == (
        "alarm_cleared",
        "threshold alarm release",
    )
    assert event_state({"temperature": 0}) == ("alarm", None)
    assert event_state({"state": "released"}) == ("alarm_cleared", "released")
    assert event_state({}) == ("alarm", None)


def test_dropped_part_of_pasted_address() -> None:
    """What normalisation throws away is shown to the user."""
    assert dropped_part("eu-openapi.milesight.com/uc/account/api/?x=1") == "/uc/account/api?x=1"
    assert dropped_part("https://eu-openapi.milesight.com/") == ""


def test_tvoc_device_class_only_with_a_real_unit() -> None:
    """µg/m³ and ppb give the VOC classes; an IAQ index stays a plain sensor."""
    micrograms = sensor("tvoc", hint=PropertyHint(unit="ug/m3"))
    assert micrograms.device_class == SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS
    parts = sensor("tvoc", hint=PropertyHint(unit="ppb"))
    assert parts.device_class == SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS
    index = sensor("tvoc")
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

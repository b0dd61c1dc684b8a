"""The Milesight device catalogue: its data and its HA-free loader.

The example payloads (tests/milesight/catalogue_examples/) are the outputs of Milesight's own
decoders for their documented example uplinks, each with the file it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.minerva_iot.milesight import catalogue
from custom_components.minerva_iot.milesight.catalogue import CatalogueEntry, lookup

CATALOGUE_DIR = Path(catalogue.__file__).parent
EXAMPLES_DIR = Path(__file__).parent / "catalogue_examples"

UNITS = {
    "°C", "°F", "%", "ppm", "ppb", "µg/m³", "mg/m³", "lx", "s", "ms", "min", "h", "d", "mm",
    "cm", "m", "V", "A", "mA", "W", "kW", "Wh", "kWh", "kPa", "hPa", "dB", "dBA", "°", "K",
    "Ah", "µS/cm",
}  # fmt: skip
SENSOR_CLASSES = {
    "temperature", "humidity", "moisture", "battery", "carbon_dioxide", "pm1", "pm25", "pm10",
    "volatile_organic_compounds", "volatile_organic_compounds_parts", "atmospheric_pressure",
    "pressure", "illuminance", "distance", "current", "voltage", "power", "power_factor",
    "energy", "sound_pressure", "duration", "conductivity", "enum",
}  # fmt: skip
BINARY_CLASSES = {
    "motion", "occupancy", "door", "moisture", "tamper", "light", "problem", "gas", "window",
    "cold", "power", "opening", "sound", "running",
}  # fmt: skip
# Units Home Assistant accepts per sensor device class (the subset the catalogue uses).
CLASS_UNITS: dict[str, set[str | None]] = {
    "temperature": {"°C", "°F"},
    "humidity": {"%"},
    "moisture": {"%"},
    "battery": {"%"},
    "carbon_dioxide": {"ppm"},
    "pm25": {"µg/m³"},
    "pm10": {"µg/m³"},
    "volatile_organic_compounds": {"µg/m³"},
    "volatile_organic_compounds_parts": {"ppb", "ppm"},
    "atmospheric_pressure": {"hPa", "kPa"},
    "pressure": {"kPa", "hPa"},
    "illuminance": {"lx"},
    "distance": {"mm", "cm", "m"},
    "current": {"A", "mA"},
    "voltage": {"V"},
    "power": {"W", "kW"},
    "power_factor": {"%", None},
    "energy": {"Wh", "kWh"},
    "sound_pressure": {"dB", "dBA"},
    "duration": {"s", "ms", "min", "h", "d"},
    "conductivity": {"µS/cm"},
    "enum": {None},
}
EVENT_TYPES = {
    "short_press", "long_press", "double_press", "single_press", "press", "release", "alarm",
    "alarm_cleared", "power_on", "power_off", "fault", "fault_cleared", "end_of_life_soon",
    "end_of_life", "reset",
}  # fmt: skip


def _documents(directory: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(directory.glob("*.json")):
        yield path.name, json.loads(path.read_text(encoding="utf-8"))


def _rows() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for name, document in _documents(CATALOGUE_DIR):
        for model in document["models"]:
            for row in model["keys"]:
                yield name, model, row


def _flatten(payload: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as ``a.b`` keys, lists kept whole: as the integration flattens them."""
    flat: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# Firmware that selects each generation's decoder (the catalogue's firmware_major_at_least).
_GENERATION_FIRMWARE = {"v2": "v2.1", "v3": "v3.1", "v4": "v4.1"}


def _examples() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, document in _documents(EXAMPLES_DIR):
        for example in document["examples"]:
            yield name, example


def _example_id(item: tuple[str, dict[str, Any]]) -> str:
    name, example = item
    return f"{name}:{example['model']}:{example.get('generation', '')}:{example['uplink']}"


EXAMPLES = list(_examples())


# --- the data ------------------------------------------------------------------------------


def test_every_family_file_has_models_and_names_its_snapshot() -> None:
    """Each file says which decoder snapshot it comes from; the loader reads them all."""
    documents = dict(_documents(CATALOGUE_DIR))
    assert len(documents) >= 15
    for document in documents.values():
        assert document["decoders"].startswith("Milesight-IoT/SensorDecoders@")
        assert document["models"]
    loaded = list(catalogue.models())
    assert len(loaded) == sum(len(d["models"]) for d in documents.values())


def test_every_row_names_its_decoder_file() -> None:
    """A source on every row, in the folder of the model's decoder."""
    for _, model, row in _rows():
        assert row["source"] == model["decoder"], (model["model"], row["key"])
        assert row["source"].endswith("-decoder.js")


def test_rows_are_well_formed() -> None:
    """Kinds, units, classes and value maps fit the platform each row asks for."""
    for name, model, row in _rows():
        where = f"{name} {model['model']} {model.get('generation')} {row['key']}"
        kind = row["kind"]
        assert kind in catalogue.KINDS, where
        assert isinstance(row["enabled_default"], bool), where
        unit = row.get("unit")
        assert unit is None or unit in UNITS, where
        device_class = row.get("device_class")
        values = row.get("values")
        if kind in ("sensor", "diagnostic"):
            assert device_class is None or device_class in SENSOR_CLASSES, where
            if device_class is not None:
                assert unit in CLASS_UNITS[device_class], where
            if device_class == "enum":
                assert values, where
                assert all(isinstance(v, str) for v in values.values()), where
                assert "state_class" not in row, where
        elif kind == "binary_sensor":
            assert device_class is None or device_class in BINARY_CLASSES, where
            assert values, where
            assert all(isinstance(v, bool) for v in values.values()), where
            assert True in values.values(), where
        elif kind == "event":
            assert values, where
            assert set(values.values()) - {None} <= EVENT_TYPES, where
        if kind != "sensor":
            assert "state_class" not in row, where
        assert row.get("state_class") in (None, "measurement", "total_increasing"), where
        assert row.get("entity_category") in (None, "diagnostic"), where
        if kind == "ignore":
            assert row["enabled_default"] is False, where
        if row.get("writable") and kind == "diagnostic":
            assert row["enabled_default"] is False, where


def test_no_key_twice_in_a_model() -> None:
    """One row per key (or key pattern) and decoder."""
    for name, document in _documents(CATALOGUE_DIR):
        for model in document["models"]:
            keys = [row["key"] for row in model["keys"]]
            assert len(keys) == len(set(keys)), (name, model["model"])


@pytest.mark.parametrize(
    ("model", "key", "firmware", "unit", "device_class", "state_class"),
    [
        ("CT101", "current", None, "A", "current", "measurement"),
        ("CT103", "current", None, "A", "current", "measurement"),
        ("CT105", "current", "v2.0", "A", "current", "measurement"),
        ("CT101", "total_current", None, "Ah", None, "total_increasing"),
        ("WS523", "current", None, "mA", "current", "measurement"),
        ("WS525", "current", None, "mA", "current", "measurement"),
        ("WS523", "power_consumption", None, "Wh", "energy", "total_increasing"),
        ("WS523", "power_factor", None, "%", "power_factor", "measurement"),
        ("WS501", "power_consumption", "v4.2", "kWh", "energy", "total_increasing"),
        ("WS513", "power_consumption", "v3.1", "kWh", "energy", "total_increasing"),
        ("WS515", "power_consumption", "v3.0", "kWh", "energy", "total_increasing"),
        ("WS513", "power_consumption", "v1.2", "Wh", "energy", "total_increasing"),
        ("WS558", "power_consumption", None, "Wh", "energy", "total_increasing"),
        ("EM500-PP", "pressure", None, "kPa", "pressure", "measurement"),
        ("UC511", "pressure", None, "kPa", "pressure", "measurement"),
        ("UC512", "pressure", None, "kPa", "pressure", "measurement"),
        ("AM319-HCHO-IR", "pressure", None, "hPa", "atmospheric_pressure", "measurement"),
        ("AM319-HCHO-WELL", "hcho", None, "ppm", None, "measurement"),
        ("AM319-HCHO", "hcho", None, "mg/m³", None, "measurement"),
        ("UC300", "pt100_2", None, "°C", "temperature", "measurement"),
        ("UC300", "gpio_counter_4", None, None, None, "total_increasing"),
        ("WT101", "target_temperature", None, "°C", "temperature", "measurement"),
        ("WT101", "valve_opening", None, "%", None, "measurement"),
        ("VS133", "region_3_avg_dwell", None, "s", "duration", "measurement"),
        ("VS133", "region_1_max_dwell", None, "s", "duration", "measurement"),
        ("VS133", "line_2_child_total_in", None, None, None, "total_increasing"),
        ("VS133", "line_4_total_in", None, None, None, "total_increasing"),
        ("VS133", "line_1_period_out", None, None, None, "measurement"),
        ("EM500-SWL", "depth", None, "cm", "distance", "measurement"),
        ("EM500-SMTC", "moisture", None, "%", "moisture", "measurement"),
        ("EM500-SMTC", "electricity", None, "µS/cm", "conductivity", "measurement"),
        ("EM310-UDL", "distance", None, "mm", "distance", "measurement"),
        ("AM107", "tvoc", None, "ppb", "volatile_organic_compounds_parts", "measurement"),
    ],
)
def test_units_that_differ_per_model(
    model: str,
    key: str,
    firmware: str | None,
    unit: str | None,
    device_class: str | None,
    state_class: str | None,
) -> None:
    """The units the field gets wrong without a per-model table."""
    entry = lookup(model, key, firmware)
    assert entry is not None
    assert (entry.kind, entry.unit, entry.device_class, entry.state_class) == (
        "sensor",
        unit,
        device_class,
        state_class,
    )


def test_known_shapes_become_the_right_entities() -> None:
    """Gas, buttons, GPIO, thermostat flags and counters that must not be text sensors."""
    gas = lookup("GS101", "gas_status")
    assert gas is not None
    assert (gas.kind, gas.device_class) == ("binary_sensor", "gas")
    assert (gas.map_value("alarm"), gas.map_value("normal"), gas.map_value(1)) == (
        True,
        False,
        True,
    )

    alarm = lookup("GS101", "alarm")
    assert alarm is not None
    assert alarm.kind == "event"
    assert alarm.map_value("power on") == "power_on"  # not an alarm
    assert alarm.map_value("device fault") == "fault"
    assert "alarm" not in alarm.event_types

    button = lookup("DS3604", "button_status")
    assert button is not None
    assert (button.kind, button.device_class) == ("event", "button")
    assert set(button.event_types) == {"single_press", "double_press", "short_press", "long_press"}

    gpio = lookup("UC300", "gpio_input_3")
    assert gpio is not None
    assert gpio.kind == "binary_sensor"
    assert gpio.index == "3"
    assert (gpio.map_value("high"), gpio.map_value("low")) == (True, False)

    for key, device_class, raw_on in (
        ("window_detection", "window", "open"),
        ("freeze_protection", "cold", "triggered"),
    ):
        entry = lookup("WT101", key)
        assert entry is not None
        assert (entry.kind, entry.device_class, entry.map_value(raw_on)) == (
            "binary_sensor",
            device_class,
            True,
        )

    msgid = lookup("WS101", "button_event.msgid")
    assert msgid is not None
    assert msgid.kind == "ignore"
    press = lookup("WS101", "button_event.status")
    assert press is not None
    assert press.map_value("double press") == "double_press"

    plug = lookup("WS523", "socket_status")
    assert plug is not None
    assert (plug.kind, plug.device_class, plug.writable) == ("binary_sensor", "power", True)

    occupancy = lookup("VS121-P", "region_2")
    assert occupancy is not None
    assert (occupancy.kind, occupancy.map_value(1)) == ("binary_sensor", True)


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("EM300-TH", "reporting_interval"),
        ("EM300-TH", "report_interval"),
        ("CT101", "current_alarm_config.threshold_max"),
        ("AM319-HCHO", "retransmit_enable"),
        ("WS101", "reporting_interval"),
        ("EM320-TH", "collection_interval"),
    ],
)
def test_settings_echoed_in_uplinks_are_disabled_diagnostics(model: str, key: str) -> None:
    """reporting_interval, threshold_*, retransmission_*: configuration, not readings."""
    entry = lookup(model, key)
    assert entry is not None
    assert (entry.kind, entry.entity_category, entry.enabled_default, entry.writable) == (
        "diagnostic",
        "diagnostic",
        False,
        True,
    )


def test_device_information_is_disabled_diagnostic() -> None:
    """Versions and serials belong to the device registry, not to the device page."""
    for key in ("firmware_version", "hardware_version", "sn", "lorawan_class"):
        entry = lookup("CT101", key)
        assert entry is not None
        assert (entry.kind, entry.enabled_default) == ("diagnostic", False)


# --- the loader's rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "model"),
    [
        ("CT101", "CT101"),
        ("ct101", "CT101"),
        ("VS121-P", "VS121"),
        ("WS523-868M", "WS523"),
        ("EM300-TH 915M", "EM300-TH"),
        ("AM319-HCHO-WELL", "AM319-HCHO"),
        ("AM103L", "AM103L"),
        ("WS526", "WS523"),  # WS52x family
        ("CT399", "CT303"),  # CT3xx family
        ("AM319", "AM319-HCHO"),  # AM319 family
    ],
)
def test_model_matching(reported: str, model: str) -> None:
    """Exact, then longest prefix with a separator, then the family pattern."""
    assert catalogue.resolve_model(reported) == model


@pytest.mark.parametrize("reported", ["", "   ", "UG65", "XYZ", "CT1", "WS5"])
def test_unknown_models_are_not_catalogued(reported: str) -> None:
    """Nothing matches: the generic key rules decide."""
    assert catalogue.resolve_model(reported) is None
    assert lookup(reported, "temperature") is None


def test_no_model_and_unknown_keys() -> None:
    """No model, or a key the model does not have: not catalogued."""
    assert lookup(None, "temperature") is None
    assert lookup("CT101", "no_such_key") is None


def test_family_match_answers_only_where_the_family_agrees() -> None:
    """AM319 builds disagree about hcho (mg/m³ or ppm): a bare AM319 gets no answer."""
    assert lookup("AM319", "hcho") is None
    entry = lookup("AM319", "co2")
    assert entry is not None
    assert entry.unit == "ppm"
    wide = lookup("WS526", "current")
    assert wide is not None
    assert wide.unit == "mA"


def test_firmware_chooses_the_generation() -> None:
    """Generations that disagree: firmware decides; without it the answer is flagged."""
    old = lookup("WS513", "power_consumption")
    assert old is not None
    assert (old.unit, old.generation, old.ambiguous) == ("Wh", "v1", True)
    new = lookup("WS513", "power_consumption", "V3.0.2")
    assert new is not None
    assert (new.unit, new.generation, new.ambiguous) == ("kWh", "v3", False)
    stale = lookup("WS513", "power_consumption", "v1.5")
    assert stale is not None
    assert stale.generation == "v1"
    assert lookup("WS513", "power_consumption", "unknown") == old
    # A key only the old generation has is still found with new firmware.
    socket = lookup("WS513", "socket_status", "v3.1")
    assert socket is not None
    assert socket.generation == "v1"
    # Generations that agree are not ambiguous.
    current = lookup("CT101", "current")
    assert current is not None
    assert current.ambiguous is False


def test_keys_are_normalised() -> None:
    """Array positions and MDP's spellings of settings."""
    stored = lookup("EM320-TH", "history[3].temperature", "v2.0")
    assert stored is not None
    assert stored.kind == "ignore"
    assert lookup("EM300-TH", "history.0.temperature") is not None
    aliased = lookup("CT101", "reporting_interval")
    assert aliased is not None
    assert (aliased.key, aliased.unit, aliased.kind) == ("reporting_interval", "s", "diagnostic")
    assert aliased.unconfirmed
    assert lookup("CT101", "retransmission_enable") is None  # the CT101 decoder has no such key
    command = lookup("CT101", "reboot")
    assert command is not None
    assert command.kind == "ignore"


def test_entry_values() -> None:
    """Labels, raw numbers and unknown values."""
    entry = lookup("WS301", "magnet_status")
    assert isinstance(entry, CatalogueEntry)
    assert entry.label("OPEN") == "open"
    assert entry.label(None) is None
    assert entry.map_value("ajar") is None
    assert entry.map_value(True) is True  # bool → code "1" → open
    assert entry.map_value(0.0) is False
    assert entry.options == ()
    plain = lookup("WS301", "battery")
    assert plain is not None
    assert plain.map_value(97) == 97
    assert plain.event_types == ()
    enum = lookup("CT101", "current_sensor_status")
    assert enum is not None
    assert enum.options == ("normal", "over_range_alarm", "read_failed")


# --- the example payloads ------------------------------------------------------------------


def test_examples_cover_every_family_file() -> None:
    """Each family has documented payloads, each with the file it comes from."""
    families = {name for name, _ in _documents(CATALOGUE_DIR)}
    assert {name for name, _ in EXAMPLES} == families
    assert len(EXAMPLES) > 250
    for _, example in EXAMPLES:
        assert example["source"].split("/")[0].endswith("-series")
        assert example["decoder"].endswith("-decoder.js")
        assert example["payload"]
        assert catalogue.resolve_model(example["model"]) == example["model"]


@pytest.mark.parametrize("item", EXAMPLES, ids=[_example_id(item) for item in EXAMPLES])
def test_every_example_key_resolves(item: tuple[str, dict[str, Any]]) -> None:
    """Each key of each documented payload has a row (or an explicit ignore), and its value
    fits: numbers for plain sensors, a known label for maps."""
    _, example = item
    firmware = _GENERATION_FIRMWARE.get(example.get("generation", ""))
    for key, value in _flatten(example["payload"]).items():
        entry = lookup(example["model"], key, firmware)
        assert entry is not None, key
        if entry.kind == "ignore" or isinstance(value, list):
            continue
        if entry.values:
            assert entry.label(value) is not None, (key, value)
        elif entry.kind == "sensor":
            assert isinstance(value, int | float), (key, value)
        assert entry.kind not in ("binary_sensor", "event") or entry.values, key

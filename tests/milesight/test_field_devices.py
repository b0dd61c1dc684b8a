"""Field models through a webhook-only entry: what the catalogue makes of their real payloads.

The devices are the simulator's field scenario (simulators/milesight/field.py: CT101, WS523,
GS101, VS133, UC300, WT101, DS3604, EM500-SWL, EM500-SMTC, EM320-TH), sending their decoders'
payloads as signed deliveries; other models are sent the same way from a device built here.
Every check goes through hass.states, the registries, the bus and the device triggers.
"""

from __future__ import annotations

import time
from typing import Any

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    UnitOfConductivity,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    async_get_device_automations,
)

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from simulators.milesight import MilesightSimulator, SimulatedDevice
from simulators.milesight.events import device_data

from .conftest import Deliver, ha_device, setup_entry, webhook_entry

CT101 = "6746D38802580101"
WS523 = "6752D0000000F101"
GS101 = "6730D0000000F102"
VS133 = "6756D0000000F103"
UC300 = "6742D0000000F104"
WT101 = "6729D0000000F105"
DS3604 = "6766D0000000F106"
EM500_SWL = "6148D0000000F107"
EM500_SMTC = "6149D0000000F108"
BUTTON = "6785D0000000CD34"


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """The field scenario: the catalogue's field models beside the classic six."""
    return {"seed": 3, "scenario": "field"}


@pytest.fixture
async def entry(hass: HomeAssistant, external_url: str) -> str:
    """A webhook-only entry, set up; returns its entry id."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    return mock.entry_id


def entity_id(hass: HomeAssistant, domain: str, sn: str, key: str) -> str | None:
    """The entity of a device's key (or event entity) on a platform."""
    return er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"milesight_device_{sn}_{key}")


def state(hass: HomeAssistant, domain: str, sn: str, key: str) -> State:
    """The state of a device's key on a platform (asserted to exist)."""
    found = entity_id(hass, domain, sn, key)
    assert found is not None, f"no {domain} for {sn} {key}"
    result = hass.states.get(found)
    assert result is not None, found
    return result


def sensor(hass: HomeAssistant, sn: str, key: str) -> tuple[str, str | None, str | None, Any]:
    """(state, unit, device class, state class) of a sensor."""
    found = state(hass, "sensor", sn, key)
    return (
        found.state,
        found.attributes.get(ATTR_UNIT_OF_MEASUREMENT),
        found.attributes.get(ATTR_DEVICE_CLASS),
        found.attributes.get("state_class"),
    )


def other_device(sn: str, model: str) -> SimulatedDevice:
    """A device of a model the simulator does not run."""
    return SimulatedDevice(device_id=f"199{int(sn, 16) % 10**16:016d}", sn=sn, dev_eui=sn,
                           name=f"{model} {sn[-2:]}", model=model)  # fmt: skip


def uplink(device: SimulatedDevice, payload: dict[str, Any]) -> dict[str, Any]:
    """A PROPERTY uplink of a device built here."""
    return device_data(device, "PROPERTY", payload, ts_ms=int(time.time() * 1000))


async def test_gas_detector(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """GS101: gas_status is a gas binary sensor; faults are alarms, power on/off are not."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.uplink_event(GS101, {"gas_status": "alarm", "valve_status": "off"}))
    gas = state(hass, "binary_sensor", GS101, "gas_status")
    assert (gas.state, gas.attributes[ATTR_DEVICE_CLASS]) == (STATE_ON, "gas")
    assert gas.name == "Kitchen gas detector Gas"
    assert state(hass, "binary_sensor", GS101, "valve_status").state == STATE_OFF
    await deliver(sim.uplink_event(GS101, {"gas_status": "normal", "life_remain": 864000}))
    assert state(hass, "binary_sensor", GS101, "gas_status").state == STATE_OFF
    assert sensor(hass, GS101, "life_remain")[1:3] == ("s", "duration")
    assert entity_id(hass, "sensor", GS101, "gas_status") is None  # not also a text sensor

    await deliver(sim.uplink_event(GS101, {"alarm": "power on"}))
    status = state(hass, "event", GS101, "device_event")
    assert status.attributes["event_type"] == "power_on"
    assert entity_id(hass, "event", GS101, "alarm") is None  # no alarm so far
    assert not [event for event in events if event.data["type"].startswith("alarm")]

    await deliver(sim.uplink_event(GS101, {"alarm": "device fault"}))
    alarm = state(hass, "event", GS101, "alarm")
    assert alarm.attributes["event_type"] == "fault"
    assert alarm.attributes["value"] == "device fault"
    assert "end_of_life" in alarm.attributes["event_types"]
    await deliver(sim.uplink_event(GS101, {"alarm": "device fault recovered"}))
    assert state(hass, "event", GS101, "alarm").attributes["event_type"] == "fault_cleared"
    assert [event.data["type"] for event in events] == ["alarm", "alarm_cleared"]
    assert entity_id(hass, "sensor", GS101, "alarm") is None


async def test_display_button_presses_and_triggers(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """DS3604: button_status presses fire its button event entity and its device triggers."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.uplink_event(DS3604, {"battery": 90}))
    button = state(hass, "event", DS3604, "button")  # a button device from its first uplink
    assert button.attributes["event_types"] == [
        "short_press",
        "long_press",
        "double_press",
        "single_press",
    ]
    device = ha_device(hass, DS3604)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device.id)
    assert {t["type"] for t in triggers if t["domain"] == DOMAIN} == {
        "button_single_press",
        "button_double_press",
        "button_short_press",
        "button_long_press",
        "alarm",
        "alarm_cleared",
    }
    for raw, event_type in (("single_click", "single_press"), ("long_press", "long_press")):
        await deliver(sim.uplink_event(DS3604, {"button_status": raw}))
        assert state(hass, "event", DS3604, "button").attributes["event_type"] == event_type
    assert [event.data["type"] for event in events] == [
        "button_single_press",
        "button_long_press",
    ]
    assert entity_id(hass, "sensor", DS3604, "button_status") is None


async def test_controller_thermostat_counter_and_soil(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """UC300 GPIO and PT100, WT101 thermostat, VS133 counters, EM500 level and soil."""
    await deliver(
        [
            sim.uplink_event(
                UC300,
                {"gpio_input_1": "high", "gpio_counter_2": 42, "pt100_1": 63.5, "adc_1": 12.5},
            ),
            sim.uplink_event(
                WT101,
                {
                    "target_temperature": 21.0,
                    "valve_opening": 35,
                    "window_detection": "open",
                    "freeze_protection": "normal",
                    "motor_position": 245,
                },
            ),
            sim.uplink_event(
                VS133,
                {
                    "region_1_avg_dwell": 120,
                    "region_1_max_dwell": 610,
                    "line_1_child_total_in": 4,
                    "line_1_total_in": 80,
                    "line_1_period_in": 3,
                },
            ),
            sim.uplink_event(EM500_SWL, {"depth": 152}),
            sim.uplink_event(EM500_SMTC, {"moisture": 31.5, "electricity": 420}),
        ]
    )
    gpio = state(hass, "binary_sensor", UC300, "gpio_input_1")
    assert (gpio.state, gpio.name) == (STATE_ON, "Pump controller Digital input 1")
    assert sensor(hass, UC300, "gpio_counter_2") == ("42", None, None, "total_increasing")
    assert sensor(hass, UC300, "pt100_1") == ("63.5", "°C", "temperature", "measurement")
    assert sensor(hass, WT101, "target_temperature") == (
        "21.0",
        "°C",
        "temperature",
        "measurement",
    )
    assert state(hass, "sensor", WT101, "target_temperature").name == (
        "Office radiator Target temperature"
    )
    assert sensor(hass, WT101, "valve_opening") == ("35", "%", None, "measurement")
    window = state(hass, "binary_sensor", WT101, "window_detection")
    assert (window.state, window.attributes[ATTR_DEVICE_CLASS]) == (STATE_ON, "window")
    freeze = state(hass, "binary_sensor", WT101, "freeze_protection")
    assert (freeze.state, freeze.attributes[ATTR_DEVICE_CLASS]) == (STATE_OFF, "cold")
    assert sensor(hass, VS133, "region_1_avg_dwell") == ("120", "s", "duration", "measurement")
    assert sensor(hass, VS133, "region_1_max_dwell")[1:3] == ("s", "duration")
    assert sensor(hass, VS133, "line_1_child_total_in") == ("4", None, None, "total_increasing")
    assert sensor(hass, VS133, "line_1_total_in")[3] == "total_increasing"
    assert sensor(hass, EM500_SWL, "depth") == ("152", "cm", "distance", "measurement")
    assert sensor(hass, EM500_SMTC, "moisture") == ("31.5", "%", "moisture", "measurement")
    assert sensor(hass, EM500_SMTC, "electricity") == (
        "420",
        UnitOfConductivity.MICROSIEMENS_PER_CM,
        "conductivity",
        "measurement",
    )


async def test_message_counters_and_echoed_settings(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """WS101 msgid is no sensor; settings echoed in uplinks are disabled diagnostics."""
    await deliver(
        [
            sim.uplink_event(BUTTON, {"button_event": {"status": "short press", "msgid": 17}}),
            sim.uplink_event(
                CT101,
                {
                    "reporting_interval": 600,
                    "current_alarm_config": {"threshold_max": 20},
                    "current": 7.5,
                },
            ),
            sim.uplink_event(GS101, {"retransmission_interval": 300}),
        ]
    )
    assert state(hass, "event", BUTTON, "button").attributes["event_type"] == "short_press"
    assert entity_id(hass, "sensor", BUTTON, "button_event.msgid") is None
    registry = er.async_get(hass)
    for sn, key in (
        (CT101, "reporting_interval"),
        (CT101, "current_alarm_config.threshold_max"),
        (GS101, "retransmission_interval"),
    ):
        found = entity_id(hass, "sensor", sn, key)
        assert found is not None, key
        setting = registry.async_get(found)
        assert setting is not None
        assert (setting.entity_category, setting.disabled_by) == (
            er.EntityCategory.DIAGNOSTIC,
            er.RegistryEntryDisabler.INTEGRATION,
        ), key


async def test_units_differ_per_model_and_firmware(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """current A on CT101, mA on WS523; kWh only where the firmware says so; kPa pipes."""
    ws513 = other_device("6753D0000000F201", "WS513")
    ws501 = other_device("6754D0000000F202", "WS501")
    pipe = other_device("6150D0000000F203", "EM500-PP")
    hcho = other_device("6724D0000000F204", "AM319-HCHO")
    well = other_device("6725D0000000F205", "AM319-HCHO-WELL")
    await deliver(
        [
            sim.uplink_event(CT101, {"current": 7.51}),
            sim.uplink_event(WS523, {"current": 1250, "power_consumption": 26121}),
            uplink(ws513, {"power_consumption": 12}),
            uplink(ws501, {"firmware_version": "v4.2"}),
            uplink(ws501, {"power_consumption": 3}),
            uplink(pipe, {"pressure": 310}),
            uplink(hcho, {"hcho": 0.03}),
            uplink(well, {"hcho": 0.02}),
        ]
    )
    assert sensor(hass, CT101, "current")[:3] == ("7.51", "A", "current")
    assert sensor(hass, WS523, "current")[:3] == ("1250", "mA", "current")
    assert sensor(hass, WS523, "power_consumption") == ("26121", "Wh", "energy", "total_increasing")
    assert sensor(hass, ws501.sn, "power_consumption")[:3] == ("3", "kWh", "energy")
    assert sensor(hass, pipe.sn, "pressure")[:3] == ("310", "kPa", "pressure")
    assert sensor(hass, well.sn, "hcho")[1] == "ppm"
    # Standard and WELL builds both report AM319-HCHO (mg/m³ or ppm): no unit is guessed.
    assert sensor(hass, hcho.sn, "hcho") == ("0.03", None, None, "measurement")
    # WS513 v1 counts Wh, v3 kWh: unknown firmware, no unit; the firmware report settles it
    # on the same entity.
    before = entity_id(hass, "sensor", ws513.sn, "power_consumption")
    assert sensor(hass, ws513.sn, "power_consumption") == ("12", None, None, "total_increasing")
    await deliver(uplink(ws513, {"firmware_version": "v3.1"}))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entity_id(hass, "sensor", ws513.sn, "power_consumption") == before
    assert sensor(hass, ws513.sn, "power_consumption") == (
        "12",
        "kWh",
        "energy",
        "total_increasing",
    )
    assert ha_device(hass, ws513.sn).sw_version == "v3.1"


async def test_model_known_later_keeps_one_entity_per_key(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """First without a model (generic rules), then as a GS101 / CT101: no duplicates."""
    anonymous = sim.uplink_event(GS101, {"gas_status": "alarm", "current": 3})
    del anonymous["data"]["deviceProfile"]["model"]
    await deliver(anonymous)
    text = entity_id(hass, "sensor", GS101, "gas_status")
    assert text is not None  # nothing tells what it is yet
    assert sensor(hass, GS101, "current")[1] == "mA"  # the generic rule's unit
    current = entity_id(hass, "sensor", GS101, "current")
    await deliver(sim.uplink_event(GS101, {"gas_status": "alarm"}))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entity_id(hass, "sensor", GS101, "gas_status") is None
    assert hass.states.get(text) is None
    assert state(hass, "binary_sensor", GS101, "gas_status").state == STATE_ON
    # Same key, same platform, another look: the same entity, re-described (GS101 has no
    # current: still the generic rule).
    assert entity_id(hass, "sensor", GS101, "current") == current
    unique_ids = [
        entry.unique_id
        for entry in er.async_entries_for_config_entry(er.async_get(hass), entry)
        if entry.unique_id.startswith(f"milesight_device_{GS101}_")
    ]
    assert len(unique_ids) == len(set(unique_ids))
    assert sum(uid.endswith("_gas_status") for uid in unique_ids) == 1


async def test_event_deliveries_update_readings(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A people counter's line crossing (an EVENT) updates its counters and reaches the bus."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.uplink_event(VS133, {"line_1_total_in": 72, "line_1_total_out": 200}))
    await deliver(
        sim.telemetry_event(
            VS133, "line_crossing", {"line_1_total_in": 73, "line_1_total_out": 200}
        )
    )
    assert sensor(hass, VS133, "line_1_total_in")[0] == "73"
    assert [(event.data["type"], event.data.get("tsl_id")) for event in events] == [
        ("device_event", "line_crossing")
    ]
    # A key that only an EVENT ever carried gets its entity too.
    await deliver(sim.telemetry_event(VS133, "line_crossing", {"line_2_total_in": 5}))
    assert sensor(hass, VS133, "line_2_total_in")[0] == "5"
    # Not the namespaced key: no `line_crossing.*` entities.
    assert entity_id(hass, "sensor", VS133, "line_crossing.line_2_total_in") is None


@pytest.mark.parametrize(
    ("payload", "event_type", "value"),
    [
        ({"alarm_status": "release alarm", "pressure": 101.5}, "alarm_cleared", "release alarm"),
        ({"alarm": "threshold alarm release"}, "alarm_cleared", "threshold alarm release"),
        ({"pressure": 99.0}, "alarm", None),
        ({"alarm_type": "threshold alarm", "pressure": 120.0}, "alarm", "threshold alarm"),
    ],
)
async def test_tsl_alarm_events_report_their_own_state(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    payload: dict[str, Any],
    event_type: str,
    value: Any,
) -> None:
    """An alarm EVENT is raised or released as its payload says, never by its id alone."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.telemetry_event(EM500_SWL, "pressure_alarm", payload))
    alarm = state(hass, "event", EM500_SWL, "alarm")
    assert (alarm.attributes["event_type"], alarm.attributes["value"]) == (event_type, value)
    assert alarm.attributes["alarm"] == "pressure_alarm"
    assert [event.data["type"] for event in events] == ["device_event", event_type]
    if "pressure" in payload:  # the readings the event carries are applied
        assert state(hass, "sensor", EM500_SWL, "pressure").state == str(payload["pressure"])

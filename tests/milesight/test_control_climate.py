"""A thermostat with modes, on/off and fan (WT201-style thing model), and a plug that reports
another value than the one written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import ClimateEntityFeature, HVACMode
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.minerva_iot.const import EVENT_MINERVA
from simulators.milesight import MilesightSimulator
from simulators.milesight.catalogue import thing_properties
from simulators.milesight.device import prop

from .conftest import Deliver
from .test_control import (  # the fixtures too: the same field scenario, Class C by hand
    WRITES,
    WS523,
    WT101,
    deliver_events,
    entity,
    manual_class_c,  # noqa: F401
    milesight_sim_options,  # noqa: F401
    setup_api,
    setup_with_plug_on,
)


def _enum(key: str, labels: dict[str, str]) -> dict[str, Any]:
    return prop(key, key.replace("_", " ").title(), "ENUM", mappings=labels, access="RW")


async def test_thermostat_modes_off_and_fan(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Mode, off (temperature control disabled) and fan are writes of their own properties
    (key names of Milesight's WT201 decoder)."""
    sim.set_thing_properties(
        "WT101",
        [
            *thing_properties("WT101", field=True),
            _enum(
                "temperature_control_mode", {"0": "heat", "1": "em_heat", "2": "cool", "3": "auto"}
            ),
            _enum("temperature_control_enable", {"0": "disable", "1": "enable"}),
            _enum("fan_mode", {"0": "auto", "1": "on", "2": "circulate"}),
        ],
    )
    await setup_api(hass, sim)
    climate = entity(hass, "climate", WT101, "climate")
    await deliver_events(
        deliver,
        [
            sim.uplink_event(
                WT101,
                {
                    "temperature": 21.0,
                    "target_temperature": 21.0,
                    "temperature_control_mode": "0",
                    "temperature_control_enable": "1",
                    "fan_mode": "0",
                },
            )
        ],
    )
    state = hass.states.get(climate)
    assert state.state == HVACMode.HEAT
    assert state.attributes["hvac_modes"] == [
        HVACMode.HEAT,
        HVACMode.COOL,
        HVACMode.HEAT_COOL,
        HVACMode.OFF,
    ]
    assert state.attributes["fan_modes"] == ["auto", "on", "circulate"]
    assert state.attributes["supported_features"] & ClimateEntityFeature.FAN_MODE
    assert (state.attributes["min_temp"], state.attributes["max_temp"]) == (5, 35)

    await hass.services.async_call(
        "climate", "set_hvac_mode", {ATTR_ENTITY_ID: climate, "hvac_mode": "off"}, blocking=True
    )
    state = hass.states.get(climate)
    assert state.state == HVACMode.OFF
    assert state.attributes["pending_keys"] == ["temperature_control_enable"]

    await hass.services.async_call(
        "climate", "set_hvac_mode", {ATTR_ENTITY_ID: climate, "hvac_mode": "cool"}, blocking=True
    )
    assert hass.states.get(climate).state == HVACMode.COOL
    await hass.services.async_call(
        "climate", "set_fan_mode", {ATTR_ENTITY_ID: climate, "fan_mode": "circulate"}, blocking=True
    )
    await hass.services.async_call(
        "climate",
        "set_temperature",
        {ATTR_ENTITY_ID: climate, "temperature": 18.5, "hvac_mode": "cool"},
        blocking=True,
    )
    # off, then on + cool, fan, target: one call each.
    assert sim.calls[WRITES] == 5
    await hass.services.async_call("climate", "turn_off", {ATTR_ENTITY_ID: climate}, blocking=True)
    assert sim.calls[WRITES] == 6

    await deliver_events(deliver, [sim.uplink_event(WT101), *sim.downlinks.take_outbox()])
    state = hass.states.get(climate)
    assert "pending" not in state.attributes
    assert state.state == HVACMode.OFF
    assert state.attributes["fan_mode"] == "circulate"
    assert state.attributes["temperature"] == 18.5


async def test_plug_reporting_another_value_reverts(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Class C plug that still reports "on" well after it should have switched off: the
    switch shows "on" again and the failure is reported; a report within seconds is not
    taken as the answer."""
    switch = await setup_with_plug_on(hass, sim, deliver)
    events = async_capture_events(hass, EVENT_MINERVA)
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)

    await deliver_events(deliver, [sim.uplink_event(WS523, {"socket_status": "on"})])
    assert hass.states.get(switch).attributes["pending"] is True
    freezer.tick(timedelta(minutes=1))
    await deliver_events(deliver, [sim.uplink_event(WS523, {"socket_status": "on"})])

    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert "pending" not in state.attributes
    failed = [e.data for e in events if e.data["type"] == "write_failed"]
    assert [(e["key"], e["value"], e["reason"]) for e in failed] == [
        ("socket_status", "off", "reported_other")
    ]

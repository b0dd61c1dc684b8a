"""Controlling Milesight devices through Home Assistant: writes pending until the device confirms.

The simulator's field scenario (simulators/milesight/downlinks.py): a WS523 plug (Class C:
takes a write when the test says `apply_now`), a WT101 thermostat and the classic devices
(Class A: take a write with their next uplink). Every check goes through Home Assistant's
services, states, registries, bus and repairs; deliveries are signed and posted to the webhook.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from simulators.milesight import MilesightSimulator
from simulators.milesight.catalogue import thing_properties
from simulators.milesight.device import prop

from .conftest import Deliver, api_entry, ha_device, webhook_entry

WS523 = "6752D0000000F101"
WT101 = "6729D0000000F105"
GARAGE_DOOR = "6611D0000000A1B2"
WRITES = "device/properties-update"
CALLS = "device/services-call"


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """The field scenario: WS523 plug and WT101 thermostat beside the classic six."""
    return {"seed": 5, "scenario": "field"}


@pytest.fixture(autouse=True)
def manual_class_c(sim: MilesightSimulator) -> None:
    """Class C devices take their writes only when a test calls apply_now (no timing)."""
    sim.downlinks.class_c_delay = None


def unique_id(sn: str, key: str) -> str:
    """The unique id of a device's entity."""
    return f"milesight_device_{sn}_{key}"


async def setup_api(
    hass: HomeAssistant, sim: MilesightSimulator, enabled: tuple[tuple[str, ...], ...] = ()
) -> MockConfigEntry:
    """Set up an API entry; (domain, unique id[, object id]) are enabled in the registry first."""
    entry = api_entry(sim)
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for domain, uid, *object_id in enabled:
        registry.async_get_or_create(
            domain,
            DOMAIN,
            uid,
            config_entry=entry,
            disabled_by=None,
            suggested_object_id=object_id[0] if object_id else None,
        )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def setup_with_interval_number(hass: HomeAssistant, sim: MilesightSimulator) -> str:
    """An API entry with the garage door's (disabled by default) reporting interval enabled."""
    uid = unique_id(GARAGE_DOOR, "reporting_interval")
    await setup_api(hass, sim, (("number", uid, "garage_door_reporting_interval"),))
    return entity(hass, "number", GARAGE_DOOR, "reporting_interval")


async def setup_with_plug_on(hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver) -> str:
    """An API entry whose WS523 plug reported "on"; its switch's entity id."""
    await setup_api(hass, sim)
    switch = entity(hass, "switch", WS523, "socket_status")
    await deliver_events(deliver, [sim.uplink_event(WS523, {"socket_status": "on"})])
    return switch


def write_failed_issues(hass: HomeAssistant) -> list[ir.IssueEntry]:
    """The "setting not applied" repair issues."""
    return [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.translation_key == "milesight_write_failed"
    ]


def entity(hass: HomeAssistant, domain: str, sn: str, key: str) -> str:
    """The entity id of a device's control (asserted to exist)."""
    found = er.async_get(hass).async_get_entity_id(domain, DOMAIN, unique_id(sn, key))
    assert found is not None, f"no {domain} for {sn} {key}"
    return found


async def call_service(
    hass: HomeAssistant, sn: str, service_id: str, inputs: dict[str, Any] | None = None
) -> Any:
    """The milesight_call_service action on a device, with its response."""
    data: dict[str, Any] = {"device_id": ha_device(hass, sn).id, "service_id": service_id}
    if inputs is not None:
        data["inputs"] = inputs
    return await hass.services.async_call(
        DOMAIN, "milesight_call_service", data, blocking=True, return_response=True
    )


async def deliver_events(deliver: Deliver, events: list[dict[str, Any]]) -> None:
    """Post what the simulated cloud pushed (task results, reports) to the webhook."""
    if events:
        status, _ = await deliver(events)
        assert status == 200


async def test_switch_is_pending_until_the_plug_confirms(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Off is shown at once, marked pending; the task result and report confirm it; the plug's
    power reading follows."""
    entry = await setup_api(hass, sim)
    switch = entity(hass, "switch", WS523, "socket_status")
    await deliver_events(deliver, [sim.uplink_event(WS523, {"socket_status": "on"})])
    assert hass.states.get(switch).state == STATE_ON
    before = entry.runtime_data.api_calls.last_24h()

    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)

    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert state.attributes["pending"] is True
    assert "pending_since" in state.attributes
    assert "waits_for_next_report" not in state.attributes  # a Class C plug
    # One write, one API call: counted by the API-calls counter, nothing polled.
    assert sim.calls[WRITES] == 1
    assert entry.runtime_data.api_calls.last_24h() == before + 1

    await deliver_events(deliver, sim.downlinks.apply_now(WS523))
    state = hass.states.get(switch)
    assert state.state == STATE_OFF
    assert "pending" not in state.attributes
    await deliver_events(deliver, [sim.uplink_event(WS523)])
    power = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, unique_id(WS523, "active_power")
    )
    assert power is not None
    assert float(hass.states.get(power).state) == 0
    assert hass.states.get(switch).state == STATE_OFF
    assert sim.calls[WRITES] == 1


async def test_thermostat_write_waits_for_the_next_report(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A Class A thermostat's target is pending until its next uplink, which shows it."""
    await setup_api(hass, sim)
    climate = entity(hass, "climate", WT101, "climate")
    await deliver_events(
        deliver, [sim.uplink_event(WT101, {"temperature": 19.5, "target_temperature": 20.0})]
    )
    assert hass.states.get(climate).attributes["current_temperature"] == 19.5

    await hass.services.async_call(
        "climate", "set_temperature", {ATTR_ENTITY_ID: climate, "temperature": 22.5}, blocking=True
    )
    state = hass.states.get(climate)
    assert state.attributes["temperature"] == 22.5
    assert state.attributes["pending"] is True
    assert state.attributes["waits_for_next_report"] is True
    assert state.attributes["report_interval_min"] > 0

    await deliver_events(deliver, [sim.uplink_event(WT101), *sim.downlinks.take_outbox()])
    state = hass.states.get(climate)
    assert state.attributes["temperature"] == 22.5
    assert "pending" not in state.attributes
    assert sim.calls[WRITES] == 1


async def test_failed_setting_reverts_and_raises_a_repair(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """The device refuses a setting: the number shows its own value again, a repair says so."""
    number = await setup_with_interval_number(hass, sim)
    await deliver_events(deliver, [sim.uplink_event(GARAGE_DOOR, {"reporting_interval": 10})])
    assert float(hass.states.get(number).state) == 10
    events = async_capture_events(hass, EVENT_MINERVA)

    await hass.services.async_call(
        "number", "set_value", {ATTR_ENTITY_ID: number, "value": 30}, blocking=True
    )
    assert float(hass.states.get(number).state) == 30
    sim.downlinks.fail_next(GARAGE_DOOR)
    await deliver_events(deliver, [sim.uplink_event(GARAGE_DOOR), *sim.downlinks.take_outbox()])

    state = hass.states.get(number)
    assert float(state.state) == 10
    assert "pending" not in state.attributes
    failed = [event for event in events if event.data["type"] == "write_failed"]
    assert len(failed) == 1
    assert failed[0].data["reason"] == "task_failed"
    assert failed[0].data["device_id"] == ha_device(hass, GARAGE_DOOR).id
    assert len(write_failed_issues(hass)) == 1


async def test_unconfirmed_write_reverts_after_three_report_intervals(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No task result, no report: after 3 report intervals the switch shows the device's value."""
    switch = await setup_with_plug_on(hass, sim, deliver)
    events = async_capture_events(hass, EVENT_MINERVA)
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert hass.states.get(switch).attributes["pending"] is True

    freezer.tick(timedelta(minutes=29))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not [e for e in events if e.data["type"] == "write_failed"]
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    failed = [e for e in events if e.data["type"] == "write_failed"]
    assert [e.data["reason"] for e in failed] == ["timeout"]
    await deliver_events(deliver, [sim.uplink_event(WS523, {"socket_status": "on"})])
    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert "pending" not in state.attributes
    # The socket is a primary control, not a setting: no repair issue.
    assert not write_failed_issues(hass)


async def test_last_write_wins(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Off then on before the plug answers: only "on" is pending and only its outcome counts."""
    switch = await setup_with_plug_on(hass, sim, deliver)
    events = async_capture_events(hass, EVENT_MINERVA)
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert hass.states.get(switch).state == STATE_ON
    assert hass.states.get(switch).attributes["pending"] is True
    assert sim.calls[WRITES] == 2
    sim.downlinks.queues[WS523][0].fail = True  # the superseded "off" fails on the device

    await deliver_events(deliver, sim.downlinks.apply_now(WS523))

    state = hass.states.get(switch)
    assert state.state == STATE_ON
    assert "pending" not in state.attributes
    assert not [e for e in events if e.data["type"] == "write_failed"]


async def test_select_writes_the_raw_option(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A writable enum of more than two options is a select; its label is shown, its key
    written."""
    led = prop(
        "led_indicator_mode",
        "LED Indicator",
        "ENUM",
        mappings={"0": "Off", "1": "On", "2": "Blink"},
        access="RW",
    )
    sim.set_thing_properties("WS523", [*thing_properties("WS523", field=True), led])
    await setup_api(hass, sim, (("select", unique_id(WS523, "led_indicator_mode")),))
    select = entity(hass, "select", WS523, "led_indicator_mode")
    assert hass.states.get(select).attributes["options"] == ["Off", "On", "Blink"]

    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: select, "option": "Blink"}, blocking=True
    )
    assert hass.states.get(select).state == "Blink"
    await deliver_events(deliver, sim.downlinks.apply_now(WS523))
    state = hass.states.get(select)
    assert state.state == "Blink"
    assert "pending" not in state.attributes
    assert next(d for d in sim.devices if d.sn == WS523).settings["led_indicator_mode"] == "2"


async def test_service_button_and_action(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A service without inputs is a button; one with inputs goes through the action, whose
    response names the service; each is one API call."""
    await setup_api(hass, sim, (("button", unique_id(WS523, "service_power_consumption_clear")),))
    button = entity(hass, "button", WS523, "service_power_consumption_clear")
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: button}, blocking=True)
    assert sim.calls[CALLS] == 1
    assert sim.downlinks.queues[WS523][0].service_id == "power_consumption_clear"
    # A service with inputs has no button.
    assert (
        er.async_get(hass).async_get_entity_id(
            "button", DOMAIN, unique_id(WS523, "service_set_delay_work")
        )
        is None
    )

    response = await call_service(hass, WS523, "set_delay_work", {"delay_time": 1200, "status1": 1})
    assert response == {"task_id": None, "service_id": "set_delay_work", "sn": WS523}
    assert sim.calls[CALLS] == 2
    assert sim.downlinks.queues[WS523][1].inputs == {"delay_time": 1200, "status1": 1}
    results = async_capture_events(hass, EVENT_MINERVA)
    await deliver_events(deliver, sim.downlinks.apply_now(WS523))
    assert [e.data["type"] for e in results].count("task_result") == 2

    with pytest.raises(ServiceValidationError) as err:
        await call_service(hass, WS523, "self_destruct")
    assert err.value.translation_key == "milesight_unknown_service"
    assert sim.calls[CALLS] == 2


async def test_refusals_are_translated_errors(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Out of range and offline are refused before any call; a 429 pauses the API."""
    number = await setup_with_interval_number(hass, sim)
    switch = entity(hass, "switch", WS523, "socket_status")

    with pytest.raises(ServiceValidationError):  # HA's own range check (1-1440)
        await hass.services.async_call(
            "number", "set_value", {ATTR_ENTITY_ID: number, "value": 5000}, blocking=True
        )
    sim.fail_next(1, "error:400:device_offline", endpoint=WRITES)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert err.value.translation_key == "milesight_device_offline"
    assert "pending" not in hass.states.get(switch).attributes

    sim.fail_next(1, "429", endpoint=WRITES)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert err.value.translation_key == "milesight_write_rate_limited"
    assert sim.calls[WRITES] == 2
    # While the pause lasts no call is made at all.
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True)
    assert err.value.translation_key == "milesight_write_rate_limited"
    assert sim.calls[WRITES] == 2

    await deliver_events(deliver, [sim.event("OFFLINE", GARAGE_DOOR)])
    assert hass.states.get(number).state == "unavailable"


async def test_offline_device_is_refused_without_a_call(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A device MDP reported OFFLINE: the error says so and nothing is sent."""
    await setup_api(hass, sim)
    await deliver_events(deliver, [sim.event("OFFLINE", WS523)])
    with pytest.raises(HomeAssistantError) as err:
        await call_service(hass, WS523, "reboot")
    assert err.value.translation_key == "milesight_device_offline"
    assert sim.calls[CALLS] == 0


async def test_webhook_only_entries_get_no_controls(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, external_url: str
) -> None:
    """Without API credentials nothing can be written: no control entity, the action refuses."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await deliver_events(deliver, [sim.uplink_event(WS523), sim.uplink_event(WT101)])
    controls = [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain in ("switch", "number", "select", "climate")
        or (e.domain == "button" and "service_" in e.unique_id)
    ]
    assert controls == []
    with pytest.raises(ServiceValidationError) as err:
        await call_service(hass, WS523, "reboot")
    assert err.value.translation_key == "milesight_control_needs_api"

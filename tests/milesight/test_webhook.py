"""The webhook through Home Assistant's HTTP server: verification, parsing, effects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import time
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
    mock_restore_cache_with_extra_data,
)

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from custom_components.minerva_iot.webhook_body import BODY_TOO_LARGE_TEXT, MAX_PUSH_BODY_BYTES
from simulators.milesight import MilesightSimulator

from .conftest import WEBHOOK_ID, Deliver, ha_device, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
GARAGE_DOOR = "6611D0000000A1B2"
BUTTON = "6785D0000000CD34"


@pytest.fixture
async def entry(hass: HomeAssistant, external_url: str) -> str:
    """A webhook-only entry, set up; returns its entry id."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    return mock.entry_id


async def test_uplink_creates_device_and_entities_without_api(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Webhook-only: the first uplink creates the device and its entities, zero API calls."""
    status, text = await deliver(
        sim.uplink_event(COLD_STORE, {"temperature": 4.6, "humidity": 71.5, "battery": 92})
    )
    assert (status, text) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "4.6"
    humidity = hass.states.get("sensor.cold_store_humidity")
    assert humidity.state == "71.5"
    assert humidity.attributes["unit_of_measurement"] == "%"
    assert hass.states.get("sensor.cold_store_battery").state == "92"
    device = ha_device(hass, COLD_STORE)
    assert device is not None
    assert device.model == "EM300-TH"
    assert device.serial_number == COLD_STORE
    assert sum(sim.calls.values()) == 0
    assert hass.states.get("binary_sensor.milesight_webhook_webhook").attributes["status"] == (
        "receiving"
    )


async def test_binary_sensors_nested_and_unknown_keys(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Door/tamper binary sensors, numeric enums, nested keys flattened, unknown keys kept."""
    await deliver(
        sim.uplink_event(
            GARAGE_DOOR,
            {
                "magnet_status": "open",
                "tamper_status": "installed",
                "battery": 100,
                "gps": {"fix": "3d"},
                "neighbours": [1, 2],
                "firmware_version": "v1.3",
            },
        )
    )
    assert hass.states.get("binary_sensor.garage_door_door").state == STATE_ON
    assert hass.states.get("binary_sensor.garage_door_tamper").state == STATE_OFF
    assert hass.states.get("sensor.garage_door_gps_fix").state == "3d"
    assert hass.states.get("sensor.garage_door_neighbours") is None  # lists are not states
    await deliver(sim.uplink_event(GARAGE_DOOR, {"gps": {"fix": "x" * 300}}))
    assert hass.states.get("sensor.garage_door_gps_fix").state == "x" * 255
    # Device-describing keys are diagnostic and disabled by default.
    assert hass.states.get("sensor.garage_door_firmware_version") is None
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": 0}))
    assert hass.states.get("binary_sensor.garage_door_door").state == STATE_OFF


async def test_single_object_body_and_duplicate_event_id(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A single object is accepted; the same eventId is applied once."""
    event = sim.uplink_event(COLD_STORE, {"temperature": 5.0})
    assert await deliver(event) == (200, "success")
    duplicate = {**event, "data": {**event["data"], "payload": {"temperature": 9.9}}}
    assert await deliver([duplicate]) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "5.0"
    # A late delivery (measured a minute earlier) does not replace the newer value.
    late = sim.uplink_event(COLD_STORE, {"temperature": 1.0, "humidity": 60})
    late["data"]["ts"] = event["data"]["ts"] - 60_000
    assert await deliver(late) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "5.0"
    assert hass.states.get("sensor.cold_store_humidity").state == "60"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong-secret"}, 401),
        ({"timestamp_offset": -3600}, 400),
        ({"timestamp_offset": 3600}, 400),
    ],
)
async def test_bad_deliveries_are_rejected(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    kwargs: dict[str, object],
    status: int,
) -> None:
    """Wrong signature → 401; stale or future timestamp → 400; nothing is applied."""
    if "timestamp_offset" in kwargs:
        # Computed now, not when the tests were collected (which may be long before).
        kwargs = {"timestamp": int(time.time()) + int(str(kwargs["timestamp_offset"]))}
    result = await deliver(sim.uplink_event(COLD_STORE, {"temperature": 1.0}), **kwargs)
    assert result[0] == status
    assert hass.states.get("sensor.cold_store_temperature") is None
    assert hass.states.get("sensor.milesight_webhook_rejected_webhook_deliveries").state == "1"


async def test_replayed_nonce_and_raw_errors(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    hass_client_no_auth,
) -> None:
    """A replayed nonce, an unsigned POST, a non-JSON or oversized (413) body are refused."""
    assert (await deliver(sim.uplink_event(COLD_STORE), nonce="n-1"))[0] == 200
    assert (await deliver(sim.uplink_event(COLD_STORE), nonce="n-1"))[0] == 400
    client = await hass_client_no_auth()
    url = f"/api/webhook/{WEBHOOK_ID}"
    assert (await client.post(url, data=b"[]")).status == 401
    headers, _ = sim.build_delivery([])
    assert (await client.post(url, data=b"not json", headers=headers)).status == 400
    headers, _ = sim.build_delivery([])
    assert (await client.post(url, data=b"[1, 2]", headers=headers)).status == 400
    headers, _ = sim.build_delivery([])
    big = b"[" + b" " * MAX_PUSH_BODY_BYTES + b"]"
    response = await client.post(url, data=big, headers=headers)
    assert (response.status, await response.text()) == (413, BODY_TOO_LARGE_TEXT)
    assert (await client.get(url)).status == 200
    assert (await client.head(url)).status == 200


async def test_chunked_oversized_body_is_refused(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, hass_client_no_auth
) -> None:
    """Without Content-Length the stream itself is capped (no 16 MB read into memory): 413."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_PUSH_BODY_BYTES // 10240 + 1):
            yield b" " * 10240

    client = await hass_client_no_auth()
    headers, _ = sim.build_delivery([])
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=chunks(), headers=headers)
    assert (response.status, await response.text()) == (413, BODY_TOO_LARGE_TEXT)


async def test_rejections_raise_an_issue_cleared_by_a_valid_delivery(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    hass_client_no_auth,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Five signature or timestamp failures in a row, once MDP was heard, raise an issue.

    Requests from anyone else cannot raise it: failures before the first signed delivery, and
    malformed bodies, do not count.
    """
    issue_id = f"milesight_rejected_deliveries_{entry}"
    for _ in range(6):
        assert (await deliver(sim.uplink_event(COLD_STORE), secret="rotated"))[0] == 401
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)
    assert await deliver(sim.uplink_event(COLD_STORE)) == (200, "success")
    client = await hass_client_no_auth()
    for _ in range(6):
        headers, _ = sim.build_delivery([])
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"{", headers=headers)
        assert (response.status, await response.text()) == (400, "rejected")
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)
    for _ in range(4):
        await deliver(sim.uplink_event(COLD_STORE), secret="rotated")
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)
    await deliver(sim.uplink_event(COLD_STORE), timestamp=int(time.time()) - 3600)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"count": "5"}
    await deliver(sim.uplink_event(COLD_STORE))
    assert not issue_registry.async_get_issue(DOMAIN, issue_id)
    # "MDP was heard" survives a restart.
    await hass.config_entries.async_reload(entry)
    await hass.async_block_till_done()
    for _ in range(5):
        await deliver(sim.uplink_event(COLD_STORE), secret="rotated")
    assert issue_registry.async_get_issue(DOMAIN, issue_id)


async def test_non_ascii_signature_is_refused_quietly(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    hass_client_no_auth,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A signature aiohttp decodes to non-ASCII text is a 401, not a logged traceback."""
    client = await hass_client_no_auth()
    headers, body = sim.build_delivery([sim.uplink_event(COLD_STORE, {"temperature": 9.0})])
    signature = headers.pop("x-msc-request-signature")
    nonce = headers.pop("x-msc-request-nonce")
    head = "".join(f"{key}: {value}\r\n" for key, value in headers.items())
    cases = [
        # A UTF-8 "é" in the signature; undecodable bytes in the nonce.
        f"x-msc-request-signature: {'é' * len(signature)}\r\nx-msc-request-nonce: {nonce}".encode(),
        f"x-msc-request-signature: {signature}\r\n".encode() + b"x-msc-request-nonce: \xff\xfe",
    ]
    for signed in cases:
        # aiohttp's client refuses such headers: write the request by hand.
        reader, writer = await asyncio.open_connection(client.host, client.port)
        writer.write(
            f"POST /api/webhook/{WEBHOOK_ID} HTTP/1.1\r\nHost: {client.host}\r\n{head}".encode()
            + signed
            + f"\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        status_line = await reader.readline()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert status_line.split()[1] == b"401"
        assert answer.endswith(b"rejected")
    await hass.async_block_till_done()
    assert "Traceback" not in caplog.text
    assert "Unexpected error" not in caplog.text
    assert hass.states.get("sensor.cold_store_temperature") is None
    assert hass.states.get("sensor.milesight_webhook_rejected_webhook_deliveries").state == "2"


async def test_setup_issue_until_webhook_test(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The setup issue shows the URL until a WEBHOOK_TEST (or any valid delivery) arrives."""
    issue = issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry}")
    assert issue is not None
    assert issue.translation_placeholders["webhook_url"].endswith(f"/api/webhook/{WEBHOOK_ID}")
    assert await deliver(sim.event("WEBHOOK_TEST")) == (200, "success")
    assert not issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry}")
    # Verified once is verified for good: a reload does not bring the issue back.
    await hass.config_entries.async_reload(entry)
    await hass.async_block_till_done()
    assert not issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry}")


async def test_unsigned_webhook_test_proves_reachability_only(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    hass_client_no_auth,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An unsigned WEBHOOK_TEST resolves the setup issue; unsigned data is still refused."""
    client = await hass_client_no_auth()
    url = f"/api/webhook/{WEBHOOK_ID}"
    response = await client.post(url, data=json.dumps([sim.event("WEBHOOK_TEST")]))
    assert (response.status, await response.text()) == (200, "success")
    assert not issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{entry}")
    response = await client.post(url, data=json.dumps([sim.uplink_event(COLD_STORE)]))
    assert response.status == 401


async def test_no_external_url_issue(hass: HomeAssistant, issue_registry: ir.IssueRegistry) -> None:
    """Without a public URL a clear issue asks for one."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    assert issue_registry.async_get_issue(DOMAIN, f"milesight_no_external_url_{mock.entry_id}")
    assert not issue_registry.async_get_issue(DOMAIN, f"milesight_webhook_setup_{mock.entry_id}")


@pytest.mark.parametrize(
    ("message_type", "issue_key"),
    [
        ("SERVICE_NOTICE", "milesight_push_limit"),
        ("SYSTEM_ALERT", "milesight_deliveries_suspended"),
        ("OTHER", "milesight_system_message"),
    ],
)
async def test_system_messages_raise_issues(
    hass: HomeAssistant,
    entry: str,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
    message_type: str,
    issue_key: str,
) -> None:
    """Quota and suspension notices become repair issues until readings flow again."""
    await deliver(sim.event("SYSTEM_MESSAGES", message_type=message_type, info="limit"))
    issue = issue_registry.async_get_issue(DOMAIN, f"{issue_key}_{entry}")
    assert issue is not None
    assert issue.translation_placeholders["info"] == "limit"
    await deliver(sim.uplink_event(COLD_STORE))
    assert not issue_registry.async_get_issue(DOMAIN, f"{issue_key}_{entry}")


async def test_historical_data_never_overwrites(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Back-filled readings do not replace the current state; they reach the bus only."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    events = async_capture_events(hass, EVENT_MINERVA)
    backfill = sim.event("HISTORICAL_DATA", COLD_STORE, data={"temperature": 99.9})
    assert await deliver(backfill) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "4.0"
    assert [(e.data["type"], e.data["tsl_id"]) for e in events] == [
        ("device_event", "historical_data")
    ]
    assert events[0].data["payload"]["temperature"] == 99.9
    assert events[0].data["device_id"] == ha_device(hass, COLD_STORE).id


async def test_offline_online(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """OFFLINE makes the device's entities unavailable; the connectivity sensor shows it."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert hass.states.get("binary_sensor.cold_store_connectivity").state == STATE_ON
    await deliver(sim.event("OFFLINE", COLD_STORE))
    assert hass.states.get("sensor.cold_store_temperature").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.cold_store_connectivity").state == STATE_OFF
    # Still offline after a restart, until the device reports again.
    await hass.config_entries.async_reload(entry)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cold_store_temperature").state == STATE_UNAVAILABLE
    await deliver(sim.event("ONLINE", COLD_STORE))
    assert hass.states.get("sensor.cold_store_temperature").state == "4.0"


async def test_button_press_event_entity_and_bus_event(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A WS101 press fires the event entity and `minerva_iot_event` with the HA device id."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.uplink_event(BUTTON, {"button_event": {"status": "double press"}}))
    state = hass.states.get("event.desk_button_button")
    assert state.attributes["event_type"] == "double_press"
    device = ha_device(hass, BUTTON)
    assert [(e.data["type"], e.data["device_id"]) for e in events] == [
        ("button_double_press", device.id)
    ]
    assert events[0].data["vendor"] == "milesight"
    assert events[0].data["payload"] == {"button_event": {"status": "double press"}}
    # Old decoders send numbers.
    await deliver(sim.uplink_event(BUTTON, {"press": 2}))
    assert hass.states.get("event.desk_button_button").attributes["event_type"] == "long_press"
    assert events[-1].data["type"] == "button_long_press"
    # The registry device went away behind our back: the next press names a device again.
    dr.async_get(hass).async_remove_device(device.id)
    await deliver(sim.uplink_event(BUTTON, {"press": 1}))
    assert events[-1].data["device_id"] == ha_device(hass, BUTTON).id


async def test_alarms_and_device_events(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Alarm keys fire the alarm event entity; TSL events and results reach the bus."""
    events = async_capture_events(hass, EVENT_MINERVA)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature_alarm": "threshold alarm"}))
    state = hass.states.get("event.cold_store_alarm")
    assert state.attributes["event_type"] == "alarm"
    assert state.attributes["alarm"] == "temperature_alarm"
    await deliver(sim.uplink_event(COLD_STORE, {"temperature_alarm": "threshold alarm release"}))
    assert hass.states.get("event.cold_store_alarm").attributes["event_type"] == "alarm_cleared"

    tsl_event = sim.uplink_event(COLD_STORE, {"threshold": 30})
    tsl_event["data"].update({"type": "EVENT", "tslId": "humidity_alarm"})
    tsl_event["eventId"] = "tsl-event-1"
    await deliver(tsl_event)
    service = sim.uplink_event(COLD_STORE, {"result": "ok"})
    service["data"].update({"type": "SERVICE", "tslId": "reboot"})
    service["eventId"] = "service-1"
    await deliver(service)
    await deliver(sim.event("TASK_DATA", COLD_STORE, status="FAILED"))
    types = [event.data["type"] for event in events]
    assert types == [
        "alarm",
        "alarm_cleared",
        "device_event",
        "alarm",
        "service_result",
        "task_result",
    ]
    assert events[3].data["alarm"] == "humidity_alarm"
    # The task names the API deviceId, learnt from the uplinks' deviceProfile.
    device = ha_device(hass, COLD_STORE)
    assert events[-1].data["device_id"] == device.id
    # A device that never reported: the result still reaches the bus, without a device.
    await deliver(sim.event("TASK_DATA", GARAGE_DOOR))
    assert (events[-1].data["type"], events[-1].data["device_id"]) == ("task_result", None)


async def test_tsl_event_with_struct_payload(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A press sent as EVENT `button_event` with `{"status": ...}` is still a press."""
    events = async_capture_events(hass, EVENT_MINERVA)
    press = sim.uplink_event(BUTTON, {"status": "short press"})
    press["data"].update({"type": "EVENT", "tslId": "button_event"})
    await deliver(press)
    assert hass.states.get("event.desk_button_button").attributes["event_type"] == "short_press"
    assert [event.data["type"] for event in events] == ["device_event", "button_short_press"]


async def test_non_numeric_values_of_numeric_sensors(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A sensor with a unit shows unknown for text, and numbers sent as text as numbers."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": "4.5"}))
    assert hass.states.get("sensor.cold_store_temperature").state == "4.5"
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": "sensor error"}))
    assert hass.states.get("sensor.cold_store_temperature").state == "unknown"
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": True}))
    assert hass.states.get("sensor.cold_store_temperature").state == "unknown"


async def test_ignored_events(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Unknown event types, data types and profiles are ignored without error."""
    odd_type = {"eventId": "odd-1", "eventType": "NEW_KIND", "data": {}}
    odd_data = sim.uplink_event(COLD_STORE, {"temperature": 3.0})
    odd_data["data"]["type"] = "SOMETHING"
    odd_data["eventId"] = "odd-2"
    no_profile = {"eventId": "odd-3", "eventType": "DEVICE_DATA", "data": {"type": "PROPERTY"}}
    assert await deliver([odd_type, odd_data, no_profile]) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature") is None


async def test_restart_restores_entities_and_values(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """After a reload the known entities come back with their last values, before any uplink."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.2}))
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": "open"}))
    await hass.config_entries.async_reload(entry)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cold_store_temperature").state == "4.2"
    assert hass.states.get("binary_sensor.garage_door_door").state == STATE_ON


async def test_handler_never_raises(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A bug while applying a delivery still answers 200 (MDP must not suspend us)."""
    from unittest.mock import patch

    with patch(
        "custom_components.minerva_iot.milesight.delivery.DeliveryProcessor.async_process",
        side_effect=RuntimeError("boom"),
    ):
        assert await deliver(sim.uplink_event(COLD_STORE)) == (200, "success")


async def test_cloudhook_delivery(hass: HomeAssistant, entry: str, sim: MilesightSimulator) -> None:
    """Nabu Casa relays deliveries as a MockRequest with the original headers and body."""
    from homeassistant.components.webhook import async_handle_webhook
    from homeassistant.util.aiohttp import MockRequest

    headers, body = sim.build_delivery([sim.uplink_event(COLD_STORE, {"temperature": 6.1})])
    request = MockRequest(content=body, mock_source="cloud", method="POST", headers=headers)
    response = await async_handle_webhook(hass, WEBHOOK_ID, request)
    await hass.async_block_till_done()
    assert (response.status, response.text) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "6.1"


async def test_unload_unregisters_the_webhook(
    hass: HomeAssistant, entry: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """After unloading, deliveries reach no handler: HA's empty 200, nothing is applied."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert await hass.config_entries.async_unload(entry)
    await hass.async_block_till_done()
    before = hass.states.get("sensor.cold_store_temperature").state
    assert await deliver(sim.uplink_event(COLD_STORE, {"temperature": 9.9})) == (200, "")
    assert hass.states.get("sensor.cold_store_temperature").state == before != "9.9"


async def test_real_restart_restores_the_last_value(
    hass: HomeAssistant, hass_storage: dict[str, Any], external_url: str
) -> None:
    """After a Home Assistant restart the stored value is shown before any delivery."""
    mock = webhook_entry()
    store_key = f"{DOMAIN}.milesight_{mock.entry_id}"
    hass_storage[store_key] = {
        "version": 1,
        "minor_version": 1,
        "key": store_key,
        "data": {
            "devices": [
                {
                    "sn": COLD_STORE,
                    "name": "Cold store",
                    "model": "EM300-TH",
                    "keys": ["temperature"],
                }
            ]
        },
    }
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.cold_store_temperature", "4.2"),
                {"native_value": 4.2, "native_unit_of_measurement": "°C"},
            )
        ],
    )
    await setup_entry(hass, mock)
    state = hass.states.get("sensor.cold_store_temperature")
    assert state.state == "4.2"
    assert state.attributes["unit_of_measurement"] == "°C"

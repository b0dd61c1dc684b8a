"""Redeliveries (the same headers and body again) are answered like the first and applied once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import json

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.minerva_iot.const import EVENT_MINERVA
from simulators.milesight import MilesightSimulator

from .conftest import WEBHOOK_ID, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
BUTTON = "6785D0000000CD34"
REJECTED = "sensor.milesight_webhook_rejected_webhook_deliveries"


@pytest.fixture
async def client(
    hass: HomeAssistant,
    external_url: str,
    hass_client_no_auth: Callable[[], Awaitable[TestClient]],
) -> TestClient:
    """A webhook-only entry, and an HTTP client of Home Assistant's server."""
    await setup_entry(hass, webhook_entry())
    return await hass_client_no_auth()


async def test_simulator_redelivery_is_answered_and_applied_once(
    hass: HomeAssistant, client: TestClient, sim: MilesightSimulator
) -> None:
    """MDP (the simulator) sends a press again with the same headers and body: 200, one event."""
    sim.webhook_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    presses = async_capture_events(hass, EVENT_MINERVA)
    press = sim.uplink_event(BUTTON, {"button_event": {"status": "short press"}})
    assert await sim.deliver([press]) == 200
    await hass.async_block_till_done()
    assert await sim.redeliver() == 200
    assert await sim.redeliver() == 200
    await hass.async_block_till_done()
    assert [event.data["type"] for event in presses] == ["button_short_press"]
    assert hass.states.get(REJECTED).state == "0"
    assert sim.sender.consecutive_failures == 0


async def test_redelivery_without_event_ids_is_still_applied_once(
    hass: HomeAssistant, client: TestClient, sim: MilesightSimulator
) -> None:
    """The headers and body, not only the eventId, identify a redelivery."""
    event = sim.uplink_event(BUTTON, {"button_event": {"status": "short press"}})
    del event["eventId"]
    presses = async_capture_events(hass, EVENT_MINERVA)
    headers, body = sim.build_delivery([event])
    for _ in range(2):
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers)
        assert (response.status, await response.text()) == (200, "success")
    await hass.async_block_till_done()
    assert len(presses) == 1


async def test_reused_headers_with_another_body_are_refused(
    hass: HomeAssistant, client: TestClient, sim: MilesightSimulator
) -> None:
    """A captured request replayed with another body is a replay: 400, nothing applied."""
    headers, body = sim.build_delivery([sim.uplink_event(COLD_STORE, {"temperature": 4.0})])
    assert (
        await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers)
    ).status == 200
    forged = json.dumps([sim.uplink_event(COLD_STORE, {"temperature": 40.0})]).encode()
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=forged, headers=headers)
    assert (response.status, await response.text()) == (400, "rejected")
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cold_store_temperature").state == "4.0"
    assert hass.states.get(REJECTED).state == "1"


async def test_redelivery_outside_the_freshness_window_is_refused(
    hass: HomeAssistant, client: TestClient, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """The freshness window stays: a redelivery 5 minutes late is refused as stale."""
    headers, body = sim.build_delivery([sim.uplink_event(COLD_STORE, {"temperature": 4.0})])
    url = f"/api/webhook/{WEBHOOK_ID}"
    assert (await client.post(url, data=body, headers=headers)).status == 200
    freezer.tick(timedelta(seconds=299))
    assert (await client.post(url, data=body, headers=headers)).status == 200
    freezer.tick(timedelta(seconds=2))
    assert (await client.post(url, data=body, headers=headers)).status == 400


async def test_redelivered_bad_body_is_refused_again(
    hass: HomeAssistant, client: TestClient, sim: MilesightSimulator
) -> None:
    """A signed delivery whose body was refused is refused again when it comes back."""
    headers, _ = sim.build_delivery([])
    for _ in range(2):
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"[1]", headers=headers)
        assert response.status == 400

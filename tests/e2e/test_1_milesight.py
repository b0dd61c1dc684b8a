"""Milesight against a real Home Assistant: the config flow over REST, then signed deliveries."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from .conftest import Simulator
from .entries import wait_entry_state, wait_saved_entry, wait_state
from .hass_client import HomeAssistantClient, form_fields
from .processes import HassProcess
from .provision_demo import (
    MILESIGHT_CLIENT_ID,
    MILESIGHT_CLIENT_SECRET,
    MILESIGHT_WEBHOOK_SECRET,
)
from .simulated_things import (
    milesight_cold_store,
    milesight_sensor,
    post_signed_reading,
    value_other_than,
)
from .wire import post_json

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_milesight_flow_shows_invalid_auth_then_creates_entry(
    ha: HomeAssistantClient, hass_process: HassProcess, milesight_sim: Simulator
) -> None:
    """Wrong secret → invalid_auth on the form; a pasted endpoint path is dropped from the address."""
    menu = await ha.flow_start()
    assert menu["type"] == "menu"
    assert {"milesight", "milesight_webhook", "ttlock"} <= set(menu["menu_options"])

    form = await ha.flow_step(menu["flow_id"], {"next_step_id": "milesight"})
    assert form["type"] == "form"
    assert {"server_address", "client_id", "client_secret", "webhook_secret"} <= set(
        form_fields(form)
    )

    pasted_address = f"{milesight_sim.url}/uc/account/api"
    answers = {
        "server_address": pasted_address,
        "client_id": MILESIGHT_CLIENT_ID,
        "client_secret": "not-the-secret",
        "webhook_secret": MILESIGHT_WEBHOOK_SECRET,
    }
    refused = await ha.flow_step(form["flow_id"], answers)
    assert refused["type"] == "form"
    assert refused["step_id"] == form["step_id"]
    assert "invalid_auth" in refused["errors"].values()

    step = await ha.flow_step(
        form["flow_id"], {**answers, "client_secret": MILESIGHT_CLIENT_SECRET}
    )
    # The integration shows the webhook URL to paste into the console before creating the entry.
    while step["type"] == "form":
        assert not step.get("errors"), step
        step = await ha.flow_step(step["flow_id"], {})
    assert step["type"] == "create_entry", step
    entry_id = step["result"]["entry_id"]

    saved = await wait_saved_entry(hass_process.config_dir, entry_id)
    assert saved["data"]["vendor"] == "milesight"
    assert saved["data"]["server_address"] == milesight_sim.url
    assert saved["data"]["webhook_id"]
    await wait_entry_state(ha, entry_id, "loaded")


async def test_signed_delivery_updates_sensor_and_bad_signature_is_refused(
    ha: HomeAssistantClient,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    milesight_entry: dict[str, Any],
) -> None:
    """A delivery signed with the webhook secret moves the sensor; a forged one does not."""
    device = await milesight_cold_store(http_session, milesight_sim.url)
    entity_id = await milesight_sensor(ha, milesight_entry["entry_id"], device, "temperature")
    webhook_url = f"{ha.base_url}/api/webhook/{milesight_entry['data']['webhook_id']}"

    before = await ha.state(entity_id)
    assert before is not None
    forged_reply = await post_signed_reading(
        http_session,
        webhook_url,
        device,
        {"temperature": value_other_than(before["state"])},
        "someone-elses-secret",
    )
    # The handler's one answer to a bad signature (the reason stays in its debug log); a 200
    # here would also be what Home Assistant answers for a webhook id nobody registered.
    assert forged_reply == (401, "rejected")
    after_forged = await ha.state(entity_id)
    assert after_forged is not None
    assert after_forged["state"] == before["state"]

    value = value_other_than(before["state"])
    reply = await post_signed_reading(
        http_session,
        webhook_url,
        device,
        {"temperature": value, "humidity": 55.5},
        MILESIGHT_WEBHOOK_SECRET,
    )
    assert reply == (200, "success")
    await wait_state(
        ha, entity_id, lambda state: state["state"] == str(value), f"{entity_id} = {value}"
    )


async def test_simulator_uplink_reaches_home_assistant(
    ha: HomeAssistantClient,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    milesight_entry: dict[str, Any],
) -> None:
    """The simulator, pointed at the entry's webhook, signs and delivers an uplink by itself."""
    device = await milesight_cold_store(http_session, milesight_sim.url)
    entity_id = await milesight_sensor(ha, milesight_entry["entry_id"], device, "temperature")
    webhook_url = f"{ha.base_url}/api/webhook/{milesight_entry['data']['webhook_id']}"
    await post_json(
        http_session,
        f"{milesight_sim.url}/_sim/webhook",
        {"url": webhook_url, "secret": MILESIGHT_WEBHOOK_SECRET},
    )
    current = await ha.state(entity_id)
    value = value_other_than(current["state"] if current else None)
    reply = await post_json(
        http_session,
        f"{milesight_sim.url}/_sim/uplink",
        {"sn": device["sn"], "data": {"temperature": value}},
    )
    assert reply["delivered_status"] == 200
    await wait_state(
        ha, entity_id, lambda state: state["state"] == str(value), f"{entity_id} = {value}"
    )

"""Restart the real Home Assistant: entries, entities and last values survive; logs stay clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from .conftest import Simulator
from .entries import wait_entry_state, wait_state
from .hass_client import HomeAssistantClient, poll
from .log_scan import assert_clean_logs
from .processes import HassProcess
from .provision_demo import MILESIGHT_WEBHOOK_SECRET
from .simulated_things import (
    milesight_cold_store,
    milesight_sensor,
    value_other_than,
)
from .wire import post_json

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _snapshot(ha: HomeAssistantClient, entry_ids: list[str]) -> dict[str, str]:
    """entity_id -> state of every entity of the entries."""
    states: dict[str, str] = {}
    for entry_id in entry_ids:
        for registered in await ha.entity_registry(entry_id):
            state = await ha.state(registered["entity_id"])
            if state is not None:
                states[registered["entity_id"]] = state["state"]
    return states


async def _deliver_fresh_reading(
    ha: HomeAssistantClient,
    session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    entry: dict[str, Any],
) -> dict[str, str]:
    """Have the cloud push new temperature and humidity values; entity_id -> the state shown.

    Sent by the simulator (signed, and kept in its history as the real cloud keeps what it
    delivered): a reading the cloud never stored could rightly be replaced by the cloud's
    history when the entry seeds its values at start-up.
    """
    device = await milesight_cold_store(session, milesight_sim.url)
    sensors = {
        key: await milesight_sensor(ha, entry["entry_id"], device, key)
        for key in ("temperature", "humidity")
    }
    values: dict[str, str] = {}
    payload: dict[str, float] = {}
    for key, entity_id in sensors.items():
        current = await ha.state(entity_id)
        payload[key] = value_other_than(current["state"] if current else None)
        values[entity_id] = str(payload[key])
    webhook_url = f"{ha.base_url}/api/webhook/{entry['data']['webhook_id']}"
    await post_json(
        session,
        f"{milesight_sim.url}/_sim/webhook",
        {"url": webhook_url, "secret": MILESIGHT_WEBHOOK_SECRET},
    )
    reply = await post_json(
        session, f"{milesight_sim.url}/_sim/uplink", {"sn": device["sn"], "data": payload}
    )
    assert reply["delivered_status"] == 200
    for entity_id, value in values.items():
        await wait_state(ha, entity_id, _has_state(value), f"{entity_id} = {value}")
    return values


async def test_restart_keeps_entries_entities_and_values(
    ha: HomeAssistantClient,
    hass_process: HassProcess,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    milesight_entry: dict[str, Any],
    ttlock_entry: dict[str, Any],
) -> None:
    """After a clean stop and start the same entries load, with the same entities and values."""
    entry_ids = [milesight_entry["entry_id"], ttlock_entry["entry_id"]]
    delivered = await _deliver_fresh_reading(ha, http_session, milesight_sim, milesight_entry)
    before_entries = {e["entry_id"]: e["title"] for e in await ha.config_entries()}
    before_entities = {
        entry_id: sorted(e["entity_id"] for e in await ha.entity_registry(entry_id))
        for entry_id in entry_ids
    }
    before_states = await _snapshot(ha, entry_ids)
    locks = {k: v for k, v in before_states.items() if k.startswith("lock.")}
    assert locks, "no lock entity to compare"

    await ha.close()
    hass_process.restart()
    await poll(ha.api_running, within=120, what="the REST API after the restart")

    for entry_id in entry_ids:
        await wait_entry_state(ha, entry_id, "loaded")
    assert {e["entry_id"]: e["title"] for e in await ha.config_entries()} == before_entries
    for entry_id, entity_ids in before_entities.items():
        after = sorted(e["entity_id"] for e in await ha.entity_registry(entry_id))
        assert after == entity_ids
    assert {entity_id: before_states.get(entity_id) for entity_id in delivered} == delivered
    for entity_id, value in {**locks, **delivered}.items():
        await wait_state(ha, entity_id, _has_state(value), f"{entity_id} back to {value}")


def _has_state(value: str) -> Callable[[dict[str, Any]], bool]:
    def accept(state: dict[str, Any]) -> bool:
        return bool(state["state"] == value)

    return accept


async def test_logs_have_no_errors(hass_process: HassProcess) -> None:
    """No traceback, failed setup, blocking call or API misuse in any run's log."""
    assert_clean_logs(hass_process.log_files())

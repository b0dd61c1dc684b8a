"""Restart the real Home Assistant in the middle of a scenario (issue 15 part 4).

A lock was just unlocked from Home Assistant (its 5 s auto-relock pending) and a Milesight
device just reported when `hass` is stopped and started again. Afterwards: the same entries,
devices and entities (none twice), the last values, the auto-relock honoured (the lock relocked
by itself while Home Assistant was down: shown locked without asking the lock), the learned
values and the delivery watchdog's last-seen times as before the restart.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import aiohttp
import pytest

from .conftest import Simulator
from .entries import devices_of_entry, wait_entry_state
from .hass_client import HomeAssistantClient, poll
from .processes import HassProcess
from .provision_demo import MILESIGHT_WEBHOOK_SECRET
from .simulated_things import (
    milesight_cold_store,
    milesight_sensor,
    ttlock_lock_entity,
    value_other_than,
    wait_lock_entity,
)
from .wire import get_json, post_json

pytestmark = pytest.mark.asyncio(loop_scope="session")

# The states compared: readings and learned values (counters, token expiries and the lock,
# which relocked meanwhile, rightly move across a restart).
COMPARED = ("temperature", "humidity", "battery", "learned")


async def _registry(ha: HomeAssistantClient, entry_ids: list[str]) -> dict[str, Any]:
    devices = [device for entry_id in entry_ids for device in await devices_of_entry(ha, entry_id)]
    entities = [entity for entry_id in entry_ids for entity in await ha.entity_registry(entry_id)]
    return {
        "devices": sorted(tuple(map(tuple, device["identifiers"])) for device in devices),
        "device_ids": sorted(device["id"] for device in devices),
        "entities": sorted(entity["entity_id"] for entity in entities),
    }


async def _states(ha: HomeAssistantClient, entity_ids: list[str]) -> dict[str, str]:
    states = {}
    for entity_id in entity_ids:
        if entity_id.startswith(("lock.", "event.")) or not any(
            part in entity_id for part in COMPARED
        ):
            continue
        state = await ha.state(entity_id)
        if state is not None:
            states[entity_id] = state["state"]
    return states


async def _last_seen(ha: HomeAssistantClient, entry_id: str) -> dict[str, str | None]:
    diagnostics = await ha.rest("GET", f"/api/diagnostics/config_entry/{entry_id}")
    return {device["sn"]: device["last_seen"] for device in diagnostics["data"]["devices"]}


async def test_restart_in_the_middle_of_a_scenario(
    ha: HomeAssistantClient,
    hass_process: HassProcess,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    ttlock_sim: Simulator,
    milesight_entry: dict[str, Any],
    ttlock_entry: dict[str, Any],
) -> None:
    """Stop and start hass right after an unlock and a delivery: everything comes back once."""
    entry_ids = [milesight_entry["entry_id"], ttlock_entry["entry_id"]]
    # A fresh reading, pushed by the simulated cloud.
    device = await milesight_cold_store(http_session, milesight_sim.url)
    sensor = await milesight_sensor(ha, milesight_entry["entry_id"], device, "temperature")
    current = await ha.state(sensor)
    reading = value_other_than(current["state"] if current else None)
    webhook_url = f"{ha.base_url}/api/webhook/{milesight_entry['data']['webhook_id']}"
    await post_json(
        http_session,
        f"{milesight_sim.url}/_sim/webhook",
        {"url": webhook_url, "secret": MILESIGHT_WEBHOOK_SECRET},
    )
    reply = await post_json(
        http_session,
        f"{milesight_sim.url}/_sim/uplink",
        {"sn": device["sn"], "data": {"temperature": reading}},
    )
    assert reply["delivered_status"] == 200
    # The lock with a 5 s auto-lock, unlocked from Home Assistant: its relock is pending.
    locks = await get_json(http_session, f"{ttlock_sim.url}/_sim/locks")
    lock = next(lock for lock in locks.values() if lock["autoLockTime"])
    lock_entity = await ttlock_lock_entity(ha, ttlock_entry["entry_id"], lock)
    await wait_lock_entity(ha, lock_entity, "locked")
    await ha.call_service("lock", "unlock", {"entity_id": lock_entity})
    await wait_lock_entity(ha, lock_entity, "unlocked")

    before = await _registry(ha, entry_ids)
    states = await _states(ha, before["entities"])
    assert states[sensor] == str(reading)
    last_seen = await _last_seen(ha, milesight_entry["entry_id"])
    assert last_seen.get(device["sn"]), last_seen

    await ha.close()
    hass_process.restart()
    await poll(ha.api_running, within=120, what="the REST API after the restart")
    for entry_id in entry_ids:
        await wait_entry_state(ha, entry_id, "loaded")

    after = await _registry(ha, entry_ids)
    assert after == before
    assert not [key for key, count in Counter(after["devices"]).items() if count > 1]
    assert not [key for key, count in Counter(after["entities"]).items() if count > 1]
    assert await _states(ha, after["entities"]) == states
    # The relock fell due while Home Assistant was down: honoured, shown without a new push.
    await wait_lock_entity(ha, lock_entity, "locked")
    assert await _last_seen(ha, milesight_entry["entry_id"]) == last_seen

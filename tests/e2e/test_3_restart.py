"""Restart the real Home Assistant: entries, entities and last values survive; logs stay clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .entries import wait_entry_state, wait_state
from .hass_client import HomeAssistantClient, poll
from .log_scan import assert_clean_logs
from .processes import HassProcess
from .test_1_milesight import LAST_VALUES

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


async def test_restart_keeps_entries_entities_and_values(
    ha: HomeAssistantClient,
    hass_process: HassProcess,
    milesight_entry: dict[str, Any],
    ttlock_entry: dict[str, Any],
) -> None:
    """After a clean stop and start the same entries load, with the same entities and values."""
    entry_ids = [milesight_entry["entry_id"], ttlock_entry["entry_id"]]
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
    for entity_id, value in {**locks, **LAST_VALUES}.items():
        await wait_state(ha, entity_id, _has_state(value), f"{entity_id} back to {value}")


def _has_state(value: str) -> Callable[[dict[str, Any]], bool]:
    def accept(state: dict[str, Any]) -> bool:
        return bool(state["state"] == value)

    return accept


async def test_logs_have_no_errors(hass_process: HassProcess) -> None:
    """No traceback, failed setup, blocking call or API misuse in any run's log."""
    assert_clean_logs(hass_process.log_files())

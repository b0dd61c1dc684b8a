"""A damaged store file gives a clean start with a repair issue, never a failed set-up (part 4).

Each store of an entry (the Milesight entry's store; TTLock's learned values, observations and
API-call counter) is damaged in Home Assistant's storage between two set-ups: cut before its
data (what a truncated file leaves), or holding data of the wrong shape. The entry loads, keeps
its entities, shows the translated `store_unreadable` repair naming the file, logs no traceback,
and the issue is gone once the file was written again and loads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.issues import ISSUE_STORE_UNREADABLE, entry_issue_id
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .faults import no_tracebacks
from .harness import (
    async_add_milesight_api_entry,
    async_add_ttlock_entry,
    log_problems,
    our_entity_ids,
)
from .results import Results

pytestmark = pytest.mark.usefixtures("external_url")

STRINGS = Path(__file__).parents[2] / "custom_components" / DOMAIN / "strings.json"

# What is left of a store: the wrapper cut before its data, data of another shape.
DAMAGE: dict[str, Any] = {
    "truncated (no data)": lambda version: {"version": version},
    "not an object": lambda version: {"version": version, "data": ["\x00", 3]},
    "garbage text": lambda version: '{"version": 1, "data": {"devi',
}
TTLOCK_STORES = {
    "ttlock_learned": "minerva_iot.ttlock_learned.{entry_id}",
    "ttlock_observed": "minerva_iot.ttlock_observed.{entry_id}",
    "ttlock_usage": "minerva_iot.ttlock_usage.{entry_id}",
}


def _issue_translated(issue: ir.IssueEntry) -> bool:
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    text = strings["issues"].get(issue.translation_key or "", {})
    return bool(text.get("title")) and "{store}" in text.get("description", "")


async def _damage_and_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: ConfigEntry,
    key: str,
    damage: str,
) -> list[str]:
    entities = our_entity_ids(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    version = (hass_storage.get(key) or {}).get("version", 1)
    hass_storage[key] = DAMAGE[damage](version)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entities


async def _check_clean_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: ConfigEntry,
    name: str,
    key: str,
    entities: list[str],
) -> None:
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities
    issue_id = entry_issue_id(ISSUE_STORE_UNREADABLE, entry.entry_id, name)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"store": key}
    assert _issue_translated(issue)
    # Written again (at the latest on unload), the file loads and the issue goes.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    if key in hass_storage:
        assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("name", list(TTLOCK_STORES))
async def test_damaged_ttlock_store_starts_afresh_with_a_repair(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    name: str,
    damage: str,
) -> None:
    """A TTLock store cut short or of the wrong shape: loaded afresh, repair shown."""
    results.durable(
        name, damage, "entry LOADED, same entities, translated repair, gone once re-saved"
    )
    entry = await async_add_ttlock_entry(
        hass, ttlock_cloud.url, ttlock_cloud.username, ttlock_cloud.password
    )
    key = TTLOCK_STORES[name].format(entry_id=entry.entry_id)
    with no_tracebacks(caplog):
        entities = await _damage_and_restart(hass, hass_storage, entry, key, damage)
        await _check_clean_start(hass, hass_storage, entry, name, key, entities)
    assert log_problems(caplog.records) == []


@pytest.mark.parametrize("damage", list(DAMAGE))
async def test_damaged_milesight_store_starts_afresh_with_a_repair(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    milesight_cloud: MilesightSimulator,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    damage: str,
) -> None:
    """The Milesight store (devices, webhook health, API calls) cut short or of the wrong shape."""
    results.durable(
        "milesight", damage, "entry LOADED, same entities, translated repair, gone once re-saved"
    )
    entry = await async_add_milesight_api_entry(
        hass,
        milesight_cloud.url,
        milesight_cloud.client_id,
        milesight_cloud.client_secret,
        milesight_cloud.webhook_secret,
    )
    key = f"minerva_iot.milesight_{entry.entry_id}"
    with no_tracebacks(caplog):
        entities = await _damage_and_restart(hass, hass_storage, entry, key, damage)
        await _check_clean_start(hass, hass_storage, entry, "milesight", key, entities)
    assert log_problems(caplog.records) == []

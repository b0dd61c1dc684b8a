"""Rate limits: HTTP 429 pauses every API call (Retry-After, else a growing pause) and says so."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.minerva_iot.clients.milesight import (
    MilesightClient,
    MilesightRateLimitError,
)
from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator

from .conftest import api_entry, setup_entry
from .test_api_entry import setup_with_api_call_counter

API_CALLS = "sensor.milesight_simulator_api_calls_last_24_h"


def rate_limit_issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    """The entry's rate-limit repair issue, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"milesight_rate_limited_{entry_id}")


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Let `delta` pass on Home Assistant's clock."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_retry_after_pauses_the_api_and_a_repair_says_so(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """429 with Retry-After 120 s at start-up: push-only for two minutes, an issue, the
    API-calls sensor's attribute; then the sync runs and both are cleared."""
    entry = api_entry(sim)
    limited = AsyncMock(side_effect=MilesightRateLimitError("busy", status=429, retry_after=120))
    with patch.object(MilesightClient, "async_search_devices", limited):
        await setup_with_api_call_counter(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        issue = rate_limit_issue(hass, entry.entry_id)
        assert issue is not None
        assert issue.translation_placeholders == {"minutes": "2"}
        until = dt_util.parse_datetime(hass.states.get(API_CALLS).attributes["rate_limited_until"])
        assert until == dt_util.utcnow() + timedelta(seconds=120)
        await advance(hass, freezer, timedelta(seconds=60))
        assert limited.await_count == 1  # no call during the pause
    await advance(hass, freezer, timedelta(seconds=61))
    assert rate_limit_issue(hass, entry.entry_id) is None
    assert hass.states.get(API_CALLS).attributes["rate_limited_until"] is None
    assert hass.states.get("sensor.meeting_room_temperature") is not None


async def test_without_retry_after_the_pause_grows(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """No Retry-After: 30 minutes, then 60 for the next limit in a row; a success resets."""
    entry = api_entry(sim, refresh_minutes=15)
    await setup_entry(hass, entry)
    limited = AsyncMock(side_effect=MilesightRateLimitError("quota", status=429))
    with patch.object(MilesightClient, "async_search_devices", limited):
        await advance(hass, freezer, timedelta(minutes=16))
        assert rate_limit_issue(hass, entry.entry_id).translation_placeholders == {"minutes": "30"}
        await advance(hass, freezer, timedelta(minutes=31))
        # The pause ended (the issue went with it); the next refresh is limited again.
        await advance(hass, freezer, timedelta(minutes=16))
        assert limited.await_count == 2
        assert rate_limit_issue(hass, entry.entry_id).translation_placeholders == {"minutes": "60"}
    await advance(hass, freezer, timedelta(minutes=61))
    await advance(hass, freezer, timedelta(minutes=16))
    assert entry.runtime_data.coordinator.last_update_success
    assert rate_limit_issue(hass, entry.entry_id) is None
    assert entry.runtime_data.coordinator.backoff.paused_until is None


async def test_an_error_code_is_not_guessed_into_a_rate_limit(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """HTTP 400 `rate_limit_exceeded` is an API error like any other: no pause, no issue."""
    entry = api_entry(sim, refresh_minutes=15)
    await setup_entry(hass, entry)
    sim.fail_next(1, "error:400:rate_limit_exceeded", endpoint="device/search")
    await advance(hass, freezer, timedelta(minutes=16))
    coordinator = entry.runtime_data.coordinator
    assert not coordinator.last_update_success
    assert coordinator.last_exception.translation_key == "milesight_api_error"
    assert coordinator.backoff.paused_until is None
    assert rate_limit_issue(hass, entry.entry_id) is None


async def test_a_pause_pending_at_unload_is_dropped(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Unloading during a pause leaves no timer behind."""
    entry = api_entry(sim)
    limited = AsyncMock(side_effect=MilesightRateLimitError("busy", status=429, retry_after=600))
    with patch.object(MilesightClient, "async_search_devices", limited):
        await setup_entry(hass, entry)
    assert rate_limit_issue(hass, entry.entry_id) is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

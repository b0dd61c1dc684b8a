"""Polling, token health, quota and clock problems, and locks that come and go."""

from __future__ import annotations

from datetime import timedelta
import time
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_entry_oauth2_flow,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.stale_devices import LISTINGS_BEFORE_GONE
from custom_components.minerva_iot.ttlock.auth import ImplementationUnavailableError
from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import SimulatedLock, feature_value
from tests.plugins.device_removal import async_delete_device

from .conftest import BACK_DOOR, FIRST_SETUP_STATE_QUERIES, FRONT_DOOR, PostCallback, find_device

POLL = timedelta(minutes=DEFAULT_POLL_MINUTES + 1)
BATTERY = "sensor.front_door_battery"


async def _poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = POLL
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    # Scheduled refreshes run as background tasks doing real I/O with the simulator.
    await hass.async_block_till_done(wait_background_tasks=True)


def _reauth_started(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    return any(
        flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
        for flow in hass.config_entries.flow.async_progress()
    )


async def test_poll_is_two_calls_and_details_on_the_slow_tier(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """A regular poll lists locks and gateways only; details wait for the slow interval.

    With the default options even the slow tier never wakes a lock (no queryOpenState).
    """
    sim.locks[FRONT_DOOR].battery = 40
    await _poll(hass, freezer)
    assert sim.calls["lock/list"] == 2
    assert sim.calls["gateway/list"] == 2
    assert sim.calls["lock/detail"] == 2
    assert hass.states.get(BATTERY).state == "40"
    await _poll(hass, freezer, timedelta(hours=6))
    assert sim.calls["lock/detail"] == 4
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES


async def test_gateway_goes_offline(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """The gateway list drives the connectivity sensor."""
    sim.set_gateway_online(9001, False)
    await _poll(hass, freezer)
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "off"


async def test_expired_access_token_is_refreshed_once(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """10004: refresh, retry, keep uid and host in the stored token, no reload."""
    old_token = dict(loaded_entry.data["token"])
    sim.expire_access_tokens()
    await _poll(hass, freezer)
    new_token = loaded_entry.data["token"]
    assert new_token["access_token"] != old_token["access_token"]
    assert new_token["refresh_token"] != old_token["refresh_token"]
    assert new_token["uid"] == old_token["uid"]
    assert new_token["api_host"] == sim.url
    assert hass.states.get(BATTERY).state != STATE_UNAVAILABLE
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert not _reauth_started(hass, loaded_entry)
    # Persisting the new token did not reload the entry (no second round of details).
    assert sim.calls["lock/detail"] == 2


async def test_refused_refresh_starts_reauth(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """10004 and then a refused refresh (10011): reauthentication, no error body stored."""
    old_token = dict(loaded_entry.data["token"])
    sim.expire_access_tokens()
    sim.revoke_refresh_tokens()
    await _poll(hass, freezer)
    assert _reauth_started(hass, loaded_entry)
    assert loaded_entry.data["token"] == old_token
    # Without a working login nothing can be operated: the entities say so.
    assert hass.states.get(BATTERY).state == STATE_UNAVAILABLE
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == STATE_UNAVAILABLE


async def test_token_about_to_expire_is_refreshed_before_use(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """An expiring token is refreshed through the OAuth session before the first call."""
    token = {**entry.data["token"], "expires_at": time.time() - 10}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.data["token"]["access_token"] != token["access_token"]
    assert entry.data["token"]["expires_at"] > time.time()
    assert entry.data["token"]["uid"] == token["uid"]
    assert sim.calls["oauth2/token"] == 1


async def test_refresh_refused_at_setup_starts_reauth(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """A dead refresh token at start-up: set-up error with a reauth flow."""
    token = {**entry.data["token"], "expires_at": time.time() - 10}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})
    sim.revoke_refresh_tokens()
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert _reauth_started(hass, entry)


async def test_deleted_credential_is_a_setup_error(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """The application credential was deleted: no endless retry, a message saying what to do."""
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "auth_implementation": "gone"}
    )
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "ttlock_credential_missing"


async def test_credential_of_another_kind_is_a_setup_error(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """An implementation that cannot do TTLock's password grant will not start working later."""
    config_entry_oauth2_flow.async_register_implementation(
        hass,
        DOMAIN,
        config_entry_oauth2_flow.LocalOAuth2Implementation(
            hass,
            "browser_oauth",
            "id",
            "secret",
            "https://authorize.invalid",
            "https://token.invalid",
        ),
    )
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "auth_implementation": "browser_oauth"}
    )
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "ttlock_credential_missing"


async def test_unavailable_credential_provider_retries(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """HA ≥ 2025.12: the credential's provider is down for now, so setup is retried."""
    with patch(
        "homeassistant.helpers.config_entry_oauth2_flow.async_get_config_entry_implementation",
        side_effect=ImplementationUnavailableError,
    ):
        assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "ttlock_credential_unavailable"


async def test_quota_exceeded_backs_off_with_a_repair(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """30006: repair issue, no calls for hours, then normal again and the issue goes."""
    issue_id = f"ttlock_quota_exceeded_{loaded_entry.entry_id}"
    sim.fail_next(1, "quota")
    await _poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    # Push-first: the pause does not blank the entities.
    assert hass.states.get(BATTERY).state == "87"
    calls = sum(sim.calls.values())
    await _poll(hass, freezer)
    assert sum(sim.calls.values()) == calls
    await _poll(hass, freezer, timedelta(hours=6))
    assert sum(sim.calls.values()) > calls
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert hass.states.get(BATTERY).state != STATE_UNAVAILABLE


async def test_clock_skew_raises_a_repair(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """80000: the Home Assistant clock is wrong; the issue goes once calls work again."""
    issue_id = f"ttlock_clock_skew_{loaded_entry.entry_id}"
    real_clock = sim.clock
    sim.clock = lambda: real_clock() + 3600
    await _poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    sim.clock = real_clock
    await _poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.parametrize(
    ("failure", "logged"),
    [
        ("gateway_offline", "Could not update the TTLock locks (-3002). Retrying later"),
        ("quota", "The TTLock API call quota is used up; polling pauses for a few hours"),
        ("errcode:-1", "Could not update the TTLock locks (-1). Retrying later"),
    ],
)
async def test_failed_poll_keeps_locks_available_and_controllable(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    caplog: pytest.LogCaptureFixture,
    failure: str,
    logged: str,
) -> None:
    """Push-first: a failed poll is logged (translated) but blanks nothing; actions still work."""
    sim.fail_next(1, failure, endpoint="lock/list")  # none of these is retried: the poll fails
    await _poll(hass, freezer)
    assert sim.pending_failures == 0
    assert logged in caplog.text
    assert hass.states.get(BATTERY).state == "87"
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "on"
    await hass.services.async_call(
        "lock", "unlock", {ATTR_ENTITY_ID: "lock.front_door"}, blocking=True
    )
    assert sim.locks[FRONT_DOOR].locked is False
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    await post_callback(sim.build_callback(FRONT_DOOR, 47))  # locked with the lock's button
    assert hass.states.get("lock.front_door").state == LockState.LOCKED


async def test_clock_skew_keeps_locks_available(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """A poll refused for the clock (80000) does not make the locks unavailable."""
    real_clock = sim.clock
    sim.clock = lambda: real_clock() + 3600
    await _poll(hass, freezer)
    assert sim.calls["lock/list"] == 2
    assert hass.states.get("lock.front_door").state == LockState.LOCKED


async def test_locks_appear_and_disappear_without_reload(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """A new lock gets its entities; a removed lock becomes unavailable, its device kept."""
    sim.locks[4711003] = SimulatedLock(
        lock_id=4711003,
        name="S2",
        alias="Garage door",
        mac="AA:BB:CC:99:99:99",
        feature_value=feature_value((0, 8, 10)),
        gateway_id=9001,
    )
    await _poll(hass, freezer)
    assert hass.states.get("lock.garage_door") is not None
    # Its featureValue has neither passage mode (22) nor sound (15): no switches.
    assert hass.states.get("switch.garage_door_passage_mode") is None
    assert hass.states.get("switch.garage_door_sound") is None
    # Only the new lock's details were read, not every lock's again.
    assert sim.calls["lock/detail"] == 3

    # Gone from the account: believed after a few lists in a row, then unavailable; Home
    # Assistant keeps the device (the user deletes it: test_remove_device_only_when_gone).
    del sim.locks[BACK_DOOR]
    for _ in range(LISTINGS_BEFORE_GONE - 1):
        await _poll(hass, freezer)
        assert hass.states.get("lock.back_door").state != STATE_UNAVAILABLE
    await _poll(hass, freezer)
    assert hass.states.get("lock.back_door").state == STATE_UNAVAILABLE
    assert find_device(hass, f"ttlock_lock_{BACK_DOOR}") is not None


async def test_remove_device_only_when_gone(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Users may delete a lock device the cloud no longer lists, not a live one."""
    assert await async_setup_component(hass, "config", {})
    devices = dr.async_get(hass)
    live = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    stale = devices.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "ttlock_lock_123")}
    )
    stale_gateway = devices.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "ttlock_gateway_77")}
    )
    account = devices.async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "ttlock_account_1001")}
    )
    client = await hass_ws_client(hass)
    results = {}
    live_gateway = find_device(hass, "ttlock_gateway_9001")
    for name, device in (
        ("live", live),
        ("live_gateway", live_gateway),
        ("stale", stale),
        ("stale_gateway", stale_gateway),
        ("account", account),
    ):
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": loaded_entry.entry_id,
                "device_id": device.id,
            }
        )
        results[name] = (await client.receive_json())["success"]
    assert results == {
        "live": False,
        "live_gateway": False,
        "stale": True,
        "stale_gateway": True,
        "account": False,
    }


async def test_a_lock_deleted_before_it_is_believed_gone_stays_deleted(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Missed by one list (still shown): the user may delete it, and no poll brings it back."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)  # connected before the clock moves past the token's life
    del sim.locks[BACK_DOOR]
    await _poll(hass, freezer)
    assert hass.states.get("lock.back_door").state != STATE_UNAVAILABLE
    device = find_device(hass, f"ttlock_lock_{BACK_DOOR}")
    assert device is not None
    assert await async_delete_device(hass, client, loaded_entry, device)
    for _ in range(LISTINGS_BEFORE_GONE):
        await _poll(hass, freezer)
    assert find_device(hass, f"ttlock_lock_{BACK_DOOR}") is None
    assert hass.states.get("lock.back_door") is None
    assert hass.states.get("lock.front_door").state != STATE_UNAVAILABLE


async def test_remove_device_of_an_unloaded_entry_is_refused(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Disabled or retrying entry: the cloud list is unknown, so a refusal, not a crash."""
    assert await async_setup_component(hass, "config", {})
    stale = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "ttlock_lock_123")}
    )
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": loaded_entry.entry_id,
            "device_id": stale.id,
        }
    )
    response = await client.receive_json()
    assert not response["success"]
    # Rejected by the integration (a crash would answer "unknown_error").
    assert response["error"]["code"] == "home_assistant_error"
    assert find_device(hass, "ttlock_lock_123") is not None

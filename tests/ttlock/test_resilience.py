"""Per-lock failures that must not break the account, token edge cases, reauth, stale devices."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.ttlock import DEFAULT_PASSWORD, DEFAULT_USERNAME, TTLockSimulator
from tests.plugins.device_removal import async_delete_device

from .conftest import BACK_DOOR, FRONT_DOOR, GATEWAY, PostCallback, find_device

POLL = timedelta(minutes=DEFAULT_POLL_MINUTES + 1)


async def _poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = POLL
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


async def test_lock_without_permission_is_skipped_not_fatal(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """-2018 on one lock's details: the others load, that lock waits for the next slow tier."""
    sim.locks[BACK_DOOR].is_admin = False
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert float(hass.states.get("number.front_door_auto_lock_time").state) == 5
    # Listed, so it has entities, but its settings are unknown.
    assert hass.states.get("number.back_door_auto_lock_time").state == STATE_UNKNOWN
    assert hass.states.get("sensor.back_door_battery").state == "64"

    # A regular poll does not retry the refused lock (the quota is precious).
    await _poll(hass, freezer)
    assert sim.calls["lock/detail"] == 2
    assert hass.states.get("number.back_door_auto_lock_time").state == STATE_UNKNOWN

    # The next slow tier asks again; now the account may read it.
    sim.locks[BACK_DOOR].is_admin = True
    await _poll(hass, freezer, timedelta(hours=6))
    assert float(hass.states.get("number.back_door_auto_lock_time").state) == 0


async def test_unreachable_lock_does_not_fail_the_safety_recheck(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """Gateway offline during the re-check: entities stay available, the tier is not repeated."""
    hass.config_entries.async_update_entry(entry, options={"safety_recheck": True})
    sim.set_gateway_online(GATEWAY, False)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    # Asked by the re-check: the first-sight query does not wake the locks a second time.
    assert sim.calls["lock/queryOpenState"] == 2
    assert hass.states.get("lock.front_door").state == STATE_UNKNOWN
    assert hass.states.get("sensor.front_door_battery").state == "87"

    # The next regular poll costs two calls, not the whole slow tier again.
    await _poll(hass, freezer)
    assert sim.calls["lock/queryOpenState"] == 2
    assert sim.calls["lock/detail"] == 2
    assert hass.states.get("sensor.front_door_battery").state != STATE_UNAVAILABLE


async def test_refused_again_after_refresh_starts_reauth(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """10004, a refresh that works, and 10004 again: reauthentication, not an endless loop."""
    rotate = sim.tokens.rotate

    def rotate_to_a_dead_token(*args: Any) -> dict[str, Any] | None:
        token = rotate(*args)
        if token is not None:
            sim.tokens.access[token["access_token"]].expired = True
        return token

    sim.tokens.rotate = rotate_to_a_dead_token  # type: ignore[method-assign]
    sim.expire_access_tokens()
    before = sim.calls["oauth2/token"]
    await _poll(hass, freezer)
    assert sim.calls["oauth2/token"] == before + 1
    assert _reauth_flows(hass, loaded_entry)
    assert hass.states.get("sensor.front_door_battery").state == STATE_UNAVAILABLE


CONCURRENT_ACTIONS = 100


async def _list_passcodes_many_times(hass: HomeAssistant) -> list[Any]:
    device = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert device is not None
    return await asyncio.gather(
        *(
            hass.services.async_call(
                DOMAIN,
                "ttlock_list_passcodes",
                {"device_id": device.id},
                blocking=True,
                return_response=True,
            )
            for _ in range(CONCURRENT_ACTIONS)
        )
    )


async def test_concurrent_rejections_refresh_once(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """100 actions refused with 10004 at once: one refresh, every one retried with the new token."""
    sim.expire_access_tokens()
    before = sim.calls["oauth2/token"]
    results = await _list_passcodes_many_times(hass)
    assert sim.calls["oauth2/token"] == before + 1
    assert results == [{"passcodes": []}] * CONCURRENT_ACTIONS
    assert loaded_entry.data["token"]["access_token"] in sim.tokens.access


async def test_concurrent_calls_with_an_expiring_token_refresh_once(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The stored token about to expire: 100 actions at once, one refresh before the calls."""
    token = {**loaded_entry.data["token"], "expires_at": time.time() - 10}
    hass.config_entries.async_update_entry(loaded_entry, data={**loaded_entry.data, "token": token})
    before = sim.calls["oauth2/token"]
    results = await _list_passcodes_many_times(hass)
    assert sim.calls["oauth2/token"] == before + 1
    assert results == [{"passcodes": []}] * CONCURRENT_ACTIONS


async def test_reauth_after_expired_token_keeps_devices_and_entities(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """10004 with a dead refresh token → reauth form → same entry, devices and entity ids."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    device_ids = {
        device.id for device in dr.async_entries_for_config_entry(devices, loaded_entry.entry_id)
    }
    entity_ids = {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entities, loaded_entry.entry_id)
    }
    sim.expire_access_tokens()
    sim.revoke_refresh_tokens()
    await _poll(hass, freezer)
    flows = _reauth_flows(hass, loaded_entry)
    assert len(flows) == 1

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert "password" not in loaded_entry.data
    assert DEFAULT_PASSWORD not in str(loaded_entry.data)
    assert {
        device.id for device in dr.async_entries_for_config_entry(devices, loaded_entry.entry_id)
    } == device_ids
    assert {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entities, loaded_entry.entry_id)
    } == entity_ids
    assert hass.states.get("sensor.front_door_battery").state == "87"


async def test_devices_removed_while_offline_stay_until_the_user_deletes_them(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A lock or gateway deleted in the app while Home Assistant was off: deletable, not deleted."""
    assert await async_setup_component(hass, "config", {})
    devices = dr.async_get(hass)
    for identifier in ("ttlock_lock_123", "ttlock_gateway_77"):
        devices.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, identifier)}
        )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    client = await hass_ws_client(hass)
    for identifier in ("ttlock_lock_123", "ttlock_gateway_77"):
        device = find_device(hass, identifier)
        assert device is not None
        assert await async_delete_device(hass, client, entry, device)
        assert find_device(hass, identifier) is None
    assert find_device(hass, f"ttlock_lock_{FRONT_DOOR}")

    # An empty list looks like a cloud hiccup: nothing is deleted on its strength.
    sim.locks.clear()
    sim.gateways.clear()
    await _poll(hass, freezer)
    assert find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert find_device(hass, f"ttlock_gateway_{GATEWAY}")
    assert hass.states.get("lock.front_door").state == LockState.LOCKED


async def test_application_credential_refused_during_polling_starts_reauth(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """10001 on a /v3 call (client id no longer valid): the reauth form, which names the fix."""
    sim.client_id = "another-application"
    await _poll(hass, freezer)
    assert _reauth_flows(hass, loaded_entry)


async def test_safety_recheck_skips_unreachable_locks_and_stops_on_quota(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Bluetooth-only locks are never woken; a quota refusal still stops the whole poll.

    The back door lists no gateway: asked once at first sight whether the cloud reaches it
    (refused, -2012, wakes nothing), never again, and never re-checked.
    """
    hass.config_entries.async_update_entry(entry, options={"safety_recheck": True})
    sim.locks[BACK_DOOR].gateway_id = None
    sim.locks[BACK_DOOR].feature_value = "1"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls["lock/queryOpenState"] == 2

    sim.fail_next(1, "quota", endpoint="lock/queryOpenState")
    await _poll(hass, freezer, timedelta(hours=6))
    assert sim.calls["lock/queryOpenState"] == 3
    assert issue_registry.async_get_issue(DOMAIN, f"ttlock_quota_exceeded_{entry.entry_id}")
    # The quota pause does not blank the entities (push-first).
    assert hass.states.get("sensor.front_door_battery").state == "87"


def _empty_locks(sim: TTLockSimulator) -> Callable[[], None]:
    """The cloud lists no lock; returns what puts them back."""
    locks = dict(sim.locks)
    sim.locks.clear()
    return lambda: sim.locks.update(locks)


def _empty_gateways(sim: TTLockSimulator) -> Callable[[], None]:
    """The cloud lists no gateway; returns what puts them back."""
    gateways = dict(sim.gateways)
    sim.gateways.clear()
    return lambda: sim.gateways.update(gateways)


@pytest.mark.parametrize("empty_list", [_empty_locks, _empty_gateways])
async def test_an_empty_list_is_a_hiccup_that_forgets_nothing(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    caplog: pytest.LogCaptureFixture,
    empty_list: Callable[[TTLockSimulator], Callable[[], None]],
) -> None:
    """One poll with an empty lock or gateway list: everything kept as it was."""
    await post_callback(sim.build_callback(FRONT_DOOR, 11))
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    restore = empty_list(sim)
    await _poll(hass, freezer)
    assert sim.calls["lock/list"] == 2
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "on"

    restore()
    await _poll(hass, freezer)
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "on"
    assert "unique ID" not in caplog.text


async def test_an_empty_lock_list_is_believed_once_it_persists(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: MockUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every lock really deleted: after a few polls the entry works again, devices deletable."""
    assert await async_setup_component(hass, "config", {})
    restore = _empty_locks(sim)

    async def remove_front_door() -> bool:
        device = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
        assert device is not None
        # A new connection with a new token each time: moving the clock expires both.
        refresh_token = await hass.auth.async_create_refresh_token(hass_admin_user, CLIENT_ID)
        client = await hass_ws_client(hass, hass.auth.async_create_access_token(refresh_token))
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": loaded_entry.entry_id,
                "device_id": device.id,
            }
        )
        return bool((await client.receive_json())["success"])

    await _poll(hass, freezer)
    # A hiccup so far: the lock is still known, so its device cannot be deleted.
    assert not await remove_front_door()
    for _ in range(2):
        await _poll(hass, freezer)
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "on"
    # Nothing is deleted on the strength of an empty list, but the user may now do it.
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE
    assert hass.states.get("lock.back_door").state == STATE_UNAVAILABLE
    assert await remove_front_door()
    await hass.async_block_till_done()
    assert hass.states.get("lock.front_door") is None

    # Both come back: the kept one is the same entity again, the deleted one gets new ones.
    restore()
    await _poll(hass, freezer)
    assert hass.states.get("lock.back_door").state != STATE_UNAVAILABLE
    assert hass.states.get("lock.front_door") is not None
    assert hass.states.get("lock.front_door").state != STATE_UNAVAILABLE
    assert "unique ID" not in caplog.text

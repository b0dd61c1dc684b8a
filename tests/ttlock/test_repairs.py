"""Repair issues the user must act on: raised when the problem appears, gone once it is fixed."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.ttlock import TTLockSimulator

from .conftest import FRONT_DOOR, PostCallback

GATEWAY_UNLOCK = 12


def _remote_unlock_issue(entry: MockConfigEntry) -> str:
    return f"ttlock_remote_unlock_disabled_{entry.entry_id}_{FRONT_DOOR}"


async def _unlock(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: "lock.front_door"}, blocking=True
    )


async def test_remote_unlock_disabled_repair_until_an_unlock_works(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """-4043: a translated error now and a repair that stays until a remote unlock works."""
    sim.locks[FRONT_DOOR].remote_unlock_enabled = False
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_remote_unlock_disabled"
    issue = issue_registry.async_get_issue(DOMAIN, _remote_unlock_issue(loaded_entry))
    assert issue is not None
    assert issue.translation_key == "ttlock_remote_unlock_disabled"
    assert issue.translation_placeholders == {"lock": "Front door"}

    sim.locks[FRONT_DOOR].remote_unlock_enabled = True
    await _unlock(hass)
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    assert issue_registry.async_get_issue(DOMAIN, _remote_unlock_issue(loaded_entry)) is None


async def test_gateway_unlock_record_resolves_the_remote_unlock_repair(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A remote unlock from the app or another system proves Remote Unlock is on again."""
    sim.locks[FRONT_DOOR].remote_unlock_enabled = False
    with pytest.raises(HomeAssistantError):
        await _unlock(hass)
    # A card unlock says nothing about the remote-unlock setting.
    await post_callback(sim.build_callback(FRONT_DOOR, 7))
    assert issue_registry.async_get_issue(DOMAIN, _remote_unlock_issue(loaded_entry))
    await post_callback(sim.build_callback(FRONT_DOOR, GATEWAY_UNLOCK))
    assert issue_registry.async_get_issue(DOMAIN, _remote_unlock_issue(loaded_entry)) is None


async def test_removing_the_entry_removes_its_repairs(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """No orphaned repair after the entry is deleted."""
    sim.locks[FRONT_DOOR].remote_unlock_enabled = False
    with pytest.raises(HomeAssistantError):
        await _unlock(hass)
    assert issue_registry.async_get_issue(DOMAIN, _remote_unlock_issue(loaded_entry))
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert not [
        issue_id
        for domain, issue_id in issue_registry.issues
        if domain == DOMAIN and loaded_entry.entry_id in issue_id
    ]


async def test_no_push_for_days_warns_until_the_next_push(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Pushes worked once, then nothing for a week although the locks have a gateway."""
    entry = loaded_entry
    hass.config_entries.async_update_entry(entry, data={**entry.data, "callback_confirmed": True})
    issue_id = f"ttlock_no_push_{entry.entry_id}"

    freezer.tick(timedelta(days=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    freezer.tick(timedelta(days=1, minutes=DEFAULT_POLL_MINUTES + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders["days"] == "7"

    # A push of another account's lock proves nothing about this entry's locks.
    assert await post_callback(sim.build_callback(FRONT_DOOR, 7, lockId=5000001)) == "success"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    await post_callback(sim.build_callback(FRONT_DOOR, 7))
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    # The developer console's test push (lockId 222, admin test@ttlock.com: #128) proves the
    # callback route works: it resolves the warning too (test_record_types.py has its shape).
    freezer.tick(timedelta(days=7, minutes=DEFAULT_POLL_MINUTES + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    test_push = {"notifyType": "1", "lockId": "222", "admin": "test@ttlock.com", "records": "[]"}
    assert await post_callback(test_push) == "success"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_no_push_warning_waits_for_a_confirmed_callback(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Before the first push the set-up repair explains the callback URL; no second warning."""
    freezer.tick(timedelta(days=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, f"ttlock_no_push_{loaded_entry.entry_id}") is None

"""`changed_by` of the lock entity: who operated the lock, as the records name them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from simulators.ttlock import DEFAULT_USERNAME, TTLockSimulator

from .conftest import FRONT_DOOR, WEBHOOK_ID, PostCallback

FRONT = "lock.front_door"
APP_UNLOCK = 1
PASSCODE_UNLOCK = 4
CARD_UNLOCK = 7
FINGERPRINT_LOCK = 33
MECHANICAL_KEY_UNLOCK = 10
DOOR_OPEN = 31
FORCED_OPEN = 29


def _changed_by(hass: HomeAssistant) -> Any:
    # Home Assistant leaves the attribute out while it is None.
    return hass.states.get(FRONT).attributes.get("changed_by")


async def test_changed_by_names_the_app_user_passcode_card_or_fingerprint(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """The record's `username`: app account, passcode / card / fingerprint name; else None."""
    assert _changed_by(hass) is None  # nothing pushed yet

    await post_callback(sim.build_callback(FRONT_DOOR, APP_UNLOCK, username="anna@example.com"))
    assert _changed_by(hass) == "anna@example.com"
    await post_callback(sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, username="Guest code"))
    assert _changed_by(hass) == "Guest code"
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, username="Cleaner card"))
    assert _changed_by(hass) == "Cleaner card"
    await post_callback(sim.build_callback(FRONT_DOOR, FINGERPRINT_LOCK, username="Right thumb"))
    assert _changed_by(hass) == "Right thumb"
    assert hass.states.get(FRONT).state == LockState.LOCKED

    # Records that are not a successful lock / unlock leave it alone.
    await post_callback(
        sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, success=False, username="Stranger")
    )
    await post_callback(sim.build_callback(FRONT_DOOR, DOOR_OPEN, username="Door sensor"))
    await post_callback(sim.build_callback(FRONT_DOOR, FORCED_OPEN, username="Alarm"))
    assert _changed_by(hass) == "Right thumb"

    # A record naming nobody (a mechanical key, for instance) clears it.
    await post_callback(sim.build_callback(FRONT_DOOR, MECHANICAL_KEY_UNLOCK, username=""))
    assert _changed_by(hass) is None


async def test_changed_by_after_a_command_from_home_assistant(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """HA's unlock shows the entry's app account once the gateway record is pushed.

    The inferred auto-relock is not a record, so the operator of the unlock stays.
    """
    client = await hass_client_no_auth()
    sim.callback_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    await sim.operate_by_hand(FRONT_DOOR, locked=True, method="card")
    await hass.async_block_till_done()
    assert _changed_by(hass) == "Cleaner card"

    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    await sim.wait_for_pushes()
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    assert _changed_by(hass) == DEFAULT_USERNAME

    # The front door relocks itself after 5 s; no record arrives for that.
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert _changed_by(hass) == DEFAULT_USERNAME

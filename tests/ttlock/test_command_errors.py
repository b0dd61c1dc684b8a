"""What a user sees when TTLock refuses a command: translated errors through HA's actions."""

from __future__ import annotations

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import feature_value

from .conftest import BACK_DOOR, FRONT_DOOR

FRONT = "lock.front_door"


async def _unlock(hass: HomeAssistant) -> None:
    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)


async def test_lock_without_gateway_says_so(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """-2012: the lock lost its gateway in the app; the state stays as it was."""
    sim.locks[FRONT_DOOR].gateway_id = None
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_no_gateway"
    assert sim.calls["lock/unlock"] == 1
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_busy_gateway_is_retried_a_bounded_number_of_times(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """-3003 on every try: two retries (three calls in all), then "the gateway is busy"."""
    sim.fail_next(3, "gateway_busy", endpoint="lock/unlock")
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_gateway_busy"
    assert sim.calls["lock/unlock"] == 3
    assert sim.locks[FRONT_DOOR].locked is True
    assert hass.states.get(FRONT).state == LockState.LOCKED


@pytest.mark.parametrize(
    ("errcode", "translation_key"),
    [
        (-3036, "ttlock_lock_offline"),
        (-3002, "ttlock_gateway_offline"),
        (-2018, "ttlock_permission_denied"),
        (-1003, "ttlock_not_found"),
    ],
)
async def test_refusals_are_translated(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    errcode: int,
    translation_key: str,
) -> None:
    """Each refusal the user can act on has its own message; nothing is retried blindly."""
    sim.fail_next(1, f"errcode:{errcode}", endpoint="lock/unlock")
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == translation_key
    assert sim.calls["lock/unlock"] == 1
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_rejected_auto_lock_time(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """-4082 on number.set_value: a validation error naming TTLock's code; the value stays."""
    sim.fail_next(1, "errcode:-4082:invalid period", endpoint="lock/setAutoLockTime")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "number",
            "set_value",
            {ATTR_ENTITY_ID: "number.front_door_auto_lock_time", "value": 30},
            blocking=True,
        )
    assert err.value.translation_key == "ttlock_rejected_value"
    assert err.value.translation_placeholders == {"errcode": "-4082", "errmsg": "invalid period"}
    assert sim.locks[FRONT_DOOR].auto_lock_time == 5
    assert float(hass.states.get("number.front_door_auto_lock_time").state) == 5


async def test_features_missing_on_a_reachable_lock_get_no_controls(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """featureValue decides, not reachability: no passage, auto-lock or sound control."""
    sim.locks[BACK_DOOR].feature_value = feature_value((0, 8, 10))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("lock.back_door") is not None
    assert hass.states.get("switch.back_door_passage_mode") is None
    assert hass.states.get("number.back_door_auto_lock_time") is None
    assert hass.states.get("switch.back_door_sound") is None
    # The front door, with those bits, has them.
    assert hass.states.get("switch.front_door_passage_mode") is not None
    assert hass.states.get("number.front_door_auto_lock_time") is not None

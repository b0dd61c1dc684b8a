"""The per-lock options: pick a lock, then "controllable remotely" and the assumed relock delay.

Stored as `entry.options["locks"][str(lock_id)] = {"remote": "auto" | "yes" | "no",
"relock_after_s": seconds}` (absent when not set); the entry reloads with them.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator

from .conftest import BACK_DOOR, FRONT_DOOR, find_device


async def _lock_step(hass: HomeAssistant, entry: MockConfigEntry, lock_id: int) -> dict[str, Any]:
    """Through the menu and the lock picker to one lock's settings."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "ttlock_lock_pick"}
    )
    assert result["step_id"] == "ttlock_lock_pick"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"lock": str(lock_id)}
    )
    assert result["step_id"] == "ttlock_lock"
    return result


def _defaults(result: dict[str, Any]) -> dict[str, Any]:
    return {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }


def _suggested(result: dict[str, Any], field: str) -> Any:
    key = next(key for key in result["data_schema"].schema if str(key) == field)
    return (key.description or {}).get("suggested_value")


async def test_the_picker_lists_the_locks_by_the_names_users_see(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Every lock device of the entry, named as the user renamed it; no gateway, no account."""
    device = find_device(hass, f"ttlock_lock_{BACK_DOOR}")
    dr.async_get(hass).async_update_device(device.id, name_by_user="Garden gate")
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "ttlock_lock_pick"}
    )
    (field,) = result["data_schema"].schema
    options = result["data_schema"].schema[field].config["options"]
    assert options == [
        {"value": str(FRONT_DOOR), "label": "Front door"},
        {"value": str(BACK_DOOR), "label": "Garden gate"},
    ]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"lock": str(BACK_DOOR)}
    )
    assert result["description_placeholders"] == {"lock": "Garden gate"}


async def test_a_lock_s_settings_are_saved_and_shown_again(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """auto by default, nothing suggested; saved, the entry reloads with them; reopened, the
    form shows them. The account's options and the other locks' stay."""
    hass.config_entries.async_update_entry(loaded_entry, options={"poll_minutes": 45})
    await hass.async_block_till_done()
    result = await _lock_step(hass, loaded_entry, BACK_DOOR)
    assert _defaults(result) == {"remote": "auto"}
    assert _suggested(result, "relock_after_s") is None
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"remote": "no", "relock_after_s": 8}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        "poll_minutes": 45,
        "locks": {str(BACK_DOOR): {"remote": "no", "relock_after_s": 8}},
    }
    # Reloaded with the choice: the back door has no controls any more.
    assert hass.states.get("lock.back_door") is None
    assert hass.states.get("lock.front_door") is not None

    result = await _lock_step(hass, loaded_entry, BACK_DOOR)
    assert _defaults(result) == {"remote": "no"}
    assert _suggested(result, "relock_after_s") == 8

    result = await _lock_step(hass, loaded_entry, FRONT_DOOR)
    await hass.config_entries.options.async_configure(result["flow_id"], {"remote": "yes"})
    await hass.async_block_till_done()
    assert loaded_entry.options["locks"] == {
        str(BACK_DOOR): {"remote": "no", "relock_after_s": 8},
        str(FRONT_DOOR): {"remote": "yes"},
    }


async def test_zero_seconds_is_not_set(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """0 (or nothing) clears the assumed relock delay."""
    hass.config_entries.async_update_entry(
        loaded_entry, options={"locks": {str(BACK_DOOR): {"remote": "auto", "relock_after_s": 5}}}
    )
    await hass.async_block_till_done()
    result = await _lock_step(hass, loaded_entry, BACK_DOOR)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"remote": "auto", "relock_after_s": 0}
    )
    await hass.async_block_till_done()
    assert loaded_entry.options["locks"] == {str(BACK_DOOR): {"remote": "auto"}}


async def test_the_account_s_step_keeps_the_locks_settings(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Saving the polling options does not drop what was set per lock."""
    locks = {str(BACK_DOOR): {"remote": "yes"}}
    hass.config_entries.async_update_entry(loaded_entry, options={"locks": locks})
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "ttlock_options"}
    )
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"poll_minutes": 15, "slow_hours": 6, "safety_recheck": False}
    )
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        "locks": locks,
        "poll_minutes": 15,
        "slow_hours": 6,
        "safety_recheck": False,
    }


async def test_no_locks_yet(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """An entry without lock devices (never set up) has nothing to pick."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "ttlock_account_1001")}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "ttlock_lock_pick"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "ttlock_no_locks"


async def test_a_lock_of_an_entry_not_loaded_can_be_set(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The picker reads the device registry: it works while the entry is not loaded (say, a lock
    made set-up fail); a device created without a name shows the name the registry gives it
    (newer cores: the entry's title), else its lock id."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"ttlock_lock_{BACK_DOOR}")}
    )
    result = await _lock_step(hass, entry, BACK_DOOR)
    assert result["description_placeholders"] == {"lock": device.name or str(BACK_DOOR)}
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"remote": "yes"})
    assert entry.options == {"locks": {str(BACK_DOOR): {"remote": "yes"}}}

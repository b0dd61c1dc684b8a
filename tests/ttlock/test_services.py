"""TTLock actions: passcodes and records, with validation errors users can act on."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import feature_value

from .conftest import BACK_DOOR, FRONT_DOOR, PostCallback, find_device


def _device_id(hass: HomeAssistant, lock_id: int = FRONT_DOOR) -> str:
    device = find_device(hass, f"ttlock_lock_{lock_id}")
    assert device is not None
    return device.id


async def _call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def test_passcode_lifecycle(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Create a permanent and a timed passcode, list them, delete one."""
    device_id = _device_id(hass)
    created = await _call(
        hass,
        "ttlock_create_passcode",
        {"device_id": device_id, "passcode": "0482913", "name": "Cleaner"},
    )
    timed = await _call(
        hass,
        "ttlock_create_passcode",
        {
            "device_id": device_id,
            "passcode": "1234",
            "start": "2030-01-01 08:00:00",
            "end": "2030-01-02 08:00:00",
        },
    )
    listed = await _call(hass, "ttlock_list_passcodes", {"device_id": device_id, "reveal": True})
    by_id = {item["passcode_id"]: item for item in listed["passcodes"]}
    assert by_id[created["passcode_id"]]["passcode"] == "0482913"
    assert by_id[created["passcode_id"]]["name"] == "Cleaner"
    assert by_id[created["passcode_id"]]["end"] is None
    assert by_id[timed["passcode_id"]]["start"].startswith("2030-01-01")

    deleted = await _call(
        hass,
        "ttlock_delete_passcode",
        {"device_id": device_id, "passcode_id": created["passcode_id"]},
    )
    assert deleted == {"passcode_id": created["passcode_id"], "already_deleted": False}
    assert created["passcode_id"] not in sim.locks[FRONT_DOOR].passcodes


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"passcode": "12a4"}, "ttlock_invalid_passcode"),
        ({"passcode": "123"}, "ttlock_invalid_passcode"),
        ({"passcode": "1234567890"}, "ttlock_invalid_passcode"),
        ({"passcode": "1234", "start": "2030-01-01 08:00:00"}, "ttlock_period_incomplete"),
        (
            {"passcode": "1234", "start": "2030-01-02 08:00:00", "end": "2030-01-01 08:00:00"},
            "ttlock_period_reversed",
        ),
    ],
)
async def test_create_passcode_validation(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input is refused before any call reaches the cloud."""
    calls = sum(sim.calls.values())
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "ttlock_create_passcode", {"device_id": _device_id(hass), **data})
    assert err.value.translation_key == key
    assert sum(sim.calls.values()) == calls


async def test_unknown_device_and_unloaded_entry(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Only TTLock lock devices of a loaded entry are accepted."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "ttlock_list_passcodes", {"device_id": "nope"})
    assert err.value.translation_key == "ttlock_not_a_lock"
    device_id = _device_id(hass)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "ttlock_list_passcodes", {"device_id": device_id})
    assert err.value.translation_key == "ttlock_entry_not_loaded"


async def test_cloud_refusal_is_translated(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Renaming a passcode that does not exist: the cloud's refusal is shown translated."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass,
            "ttlock_change_passcode",
            {"device_id": _device_id(hass), "passcode_id": 424242, "name": "Guest"},
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "ttlock_passcode_unknown"


async def test_list_records(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Recent records, newest first, with method and user, without passcodes."""
    await sim.operate_by_hand(FRONT_DOOR, False, method="card")
    await sim.operate_by_hand(FRONT_DOOR, True, method="app")
    result = await _call(hass, "ttlock_list_records", {"device_id": _device_id(hass)})
    records = result["records"]
    assert [record["kind"] for record in records[:2]] == ["locked", "unlocked"]
    assert records[1]["method"] == "ic_card"
    assert records[1]["time"]
    assert "3051234567" not in str(result)


async def test_passage_mode_schedule(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Up to 5 weekly periods go to the lock as cyclicConfig (minutes since midnight)."""
    result = await _call(
        hass,
        "ttlock_set_passage_mode",
        {
            "device_id": _device_id(hass),
            "enabled": True,
            "periods": [
                {"weekdays": [5, 1, 2, 3, 4], "start": "08:00", "end": "18:30"},
                {"weekdays": [6, 7], "all_day": True},
            ],
        },
    )
    assert result == {
        "passage_mode": True,
        "periods": [
            {"weekdays": [1, 2, 3, 4, 5], "all_day": False, "start": "08:00", "end": "18:30"},
            {"weekdays": [6, 7], "all_day": True, "start": None, "end": None},
        ],
    }
    assert sim.locks[FRONT_DOOR].passage_mode is True
    assert hass.states.get("switch.front_door_passage_mode").state == "on"
    _, _, params = next(
        request for request in sim.requests if request[1] == "lock/configurePassageMode"
    )
    assert json.loads(params["cyclicConfig"])[0] == {
        "isAllDay": 2,
        "startTime": 480,
        "endTime": 1110,
        "weekDays": [1, 2, 3, 4, 5],
    }
    assert params["type"] == "2"
    assert "autoUnlock" not in params

    result = await _call(
        hass, "ttlock_set_passage_mode", {"device_id": _device_id(hass), "enabled": False}
    )
    assert result == {"passage_mode": False, "periods": None}
    assert sim.locks[FRONT_DOOR].passage_mode is False


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"periods": [{"weekdays": [1], "all_day": True}] * 6}, "ttlock_passage_too_many_periods"),
        (
            {"periods": [{"weekdays": [1], "start": "18:00", "end": "08:00"}]},
            "ttlock_passage_period_invalid",
        ),
        ({"periods": [{"weekdays": [1], "start": "08:00"}]}, "ttlock_passage_period_invalid"),
        ({"auto_unlock": True}, "ttlock_auto_unlock_not_supported"),
    ],
)
async def test_passage_mode_schedule_validation(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """A schedule the lock cannot take is refused before anything reaches the cloud."""
    calls = sum(sim.calls.values())
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "ttlock_set_passage_mode",
            {"device_id": _device_id(hass), "enabled": True, **data},
        )
    assert err.value.translation_key == key
    assert sum(sim.calls.values()) == calls


async def test_passage_mode_needs_the_feature(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """A lock without passage mode (featureValue bit 22) refuses the action clearly."""
    sim.locks[BACK_DOOR].feature_value = feature_value((0, 8, 10))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "ttlock_set_passage_mode",
            {"device_id": _device_id(hass, BACK_DOOR), "enabled": True},
        )
    assert err.value.translation_key == "ttlock_passage_mode_not_supported"


async def test_passage_mode_auto_unlock(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """Locks with featureValue bit 46 can unlock by themselves when a period starts."""
    sim.locks[FRONT_DOOR].feature_value = feature_value((0, 8, 10, 22, 46))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _call(
        hass,
        "ttlock_set_passage_mode",
        {"device_id": _device_id(hass), "enabled": True, "auto_unlock": True},
    )
    _, _, params = next(
        request for request in sim.requests if request[1] == "lock/configurePassageMode"
    )
    assert params["autoUnlock"] == "1"
    assert "cyclicConfig" not in params

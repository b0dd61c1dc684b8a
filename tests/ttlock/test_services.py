"""TTLock actions: passcodes and records, with validation errors users can act on."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator

from .conftest import FRONT_DOOR, PostCallback


def _device_id(hass: HomeAssistant, lock_id: int = FRONT_DOOR) -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"ttlock_lock_{lock_id}")})
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
    listed = await _call(hass, "ttlock_list_passcodes", {"device_id": device_id})
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
    assert deleted == {"passcode_id": created["passcode_id"]}
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
    """Deleting a passcode that does not exist: the cloud's refusal is shown translated."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass, "ttlock_delete_passcode", {"device_id": _device_id(hass), "passcode_id": 424242}
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key is not None


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

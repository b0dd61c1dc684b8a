"""TTLock passcode actions through Home Assistant: types, change, masking, clean-up, refusals.

Every invalid input is refused before any cloud call: the simulator's call counter proves it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import SimulatedPasscode

from .conftest import FRONT_DOOR, GATEWAY, call_lock_action


def _future(hours: float) -> str:
    return (dt_util.now() + timedelta(hours=hours)).isoformat()


async def _assert_refused_before_any_call(
    hass: HomeAssistant, sim: TTLockSimulator, service: str, data: dict[str, Any], key: str
) -> None:
    """`data` ("start"/"end" in hours from now) is refused with `key`; the cloud is not asked."""
    data = {
        name: _future(float(value)) if name in ("start", "end") else value
        for name, value in data.items()
    }
    calls = sum(sim.calls.values())
    with pytest.raises(ServiceValidationError) as err:
        await call_lock_action(hass, service, **data)
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    assert sum(sim.calls.values()) == calls


async def test_list_masks_codes_unless_revealed(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """`••••13`: all but the last two digits hidden; `reveal: true` shows the code."""
    created = await call_lock_action(
        hass, "ttlock_create_passcode", passcode="482913", name="Cleaner"
    )
    masked = await call_lock_action(hass, "ttlock_list_passcodes")
    (item,) = [
        code for code in masked["passcodes"] if code["passcode_id"] == created["passcode_id"]
    ]
    assert item["passcode"] == "••••13"
    assert item["type"] == "permanent"
    assert item["expired"] is False
    assert "482913" not in str(masked)
    revealed = await call_lock_action(hass, "ttlock_list_passcodes", reveal=True)
    assert {code["passcode"] for code in revealed["passcodes"]} >= {"482913"}


async def test_timed_custom_code_through_the_gateway(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A timed code with chosen digits is keyboardPwd/add with type 3 and the period."""
    start, end = dt_util.now() + timedelta(days=1), dt_util.now() + timedelta(days=3)
    created = await call_lock_action(
        hass,
        "ttlock_create_passcode",
        passcode="0815",
        name="Guest Smith",
        start=start.isoformat(),
        end=end.isoformat(),
    )
    assert created["type"] == "timed"
    stored = sim.locks[FRONT_DOOR].passcodes[created["passcode_id"]]
    assert (stored.passcode, stored.passcode_type, stored.name) == ("0815", 3, "Guest Smith")
    assert stored.end == int(end.timestamp() * 1000)


@pytest.mark.parametrize(
    ("data", "cloud_type"),
    [
        ({"type": "one_time"}, 1),
        ({"type": "permanent"}, 2),
        ({"type": "timed", "start": "+1", "end": "+30"}, 3),
        ({"type": "cyclic", "repeat": "workdays", "start_time": "08:00", "end_time": "17:00"}, 7),
        ({"type": "cyclic", "repeat": "sunday", "start_time": "09:00", "end_time": "12:00"}, 14),
    ],
)
async def test_generated_codes(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, str],
    cloud_type: int,
) -> None:
    """Without digits the cloud generates the code (keyboardPwd/get), answered in clear."""
    data = {key: _future(float(value)) if value[0] == "+" else value for key, value in data.items()}
    before = sim.calls["keyboardPwd/add"]
    created = await call_lock_action(hass, "ttlock_create_passcode", name="Generated", **data)
    stored = sim.locks[FRONT_DOOR].passcodes[created["passcode_id"]]
    assert created["passcode"] == stored.passcode
    assert stored.passcode_type == cloud_type
    assert sim.calls["keyboardPwd/get"] == 1
    assert sim.calls["keyboardPwd/add"] == before
    listed = await call_lock_action(hass, "ttlock_list_passcodes")
    (item,) = [
        code for code in listed["passcodes"] if code["passcode_id"] == created["passcode_id"]
    ]
    assert item["type"] == data["type"]
    if data["type"] == "cyclic":
        assert item["repeat"] == data["repeat"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"passcode": "12a4"}, "ttlock_invalid_passcode"),
        ({"passcode": "123"}, "ttlock_invalid_passcode"),
        ({"passcode": "1234567890"}, "ttlock_invalid_passcode"),
        ({"passcode": "1234", "name": "x" * 101}, "ttlock_invalid_name"),
        ({"passcode": "1234", "name": "  "}, "ttlock_invalid_name"),
        ({"passcode": "1234", "start": "+1"}, "ttlock_period_incomplete"),
        ({"passcode": "1234", "type": "timed"}, "ttlock_period_incomplete"),
        ({"passcode": "1234", "start": "+5", "end": "+2"}, "ttlock_period_reversed"),
        ({"passcode": "1234", "start": "-5", "end": "-2"}, "ttlock_period_in_past"),
        ({"type": "permanent", "start": "+1", "end": "+2"}, "ttlock_period_unexpected"),
        ({"type": "one_time", "passcode": "1234"}, "ttlock_passcode_generated_only"),
        ({"type": "one_time", "start": "-7"}, "ttlock_period_in_past"),
        ({"type": "one_time", "end": "+7"}, "ttlock_period_unexpected"),
        ({"type": "cyclic", "passcode": "1234"}, "ttlock_passcode_generated_only"),
        ({"type": "cyclic", "repeat": "daily"}, "ttlock_cyclic_incomplete"),
        (
            {"type": "cyclic", "repeat": "daily", "start_time": "08:30", "end_time": "17:00"},
            "ttlock_cyclic_times_invalid",
        ),
        (
            {"type": "cyclic", "repeat": "daily", "start_time": "17:00", "end_time": "08:00"},
            "ttlock_cyclic_times_invalid",
        ),
        ({"passcode": "1234", "repeat": "daily"}, "ttlock_cyclic_fields_unexpected"),
    ],
)
async def test_create_refused_before_any_cloud_call(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, str],
    key: str,
) -> None:
    """Each documented limit has its translated message, and the cloud is not asked."""
    await _assert_refused_before_any_call(hass, sim, "ttlock_create_passcode", data, key)


async def test_change_code_name_and_period(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """New digits and period go through the gateway; a rename alone does not."""
    created = await call_lock_action(hass, "ttlock_create_passcode", passcode="4711", name="Guest")
    passcode_id = created["passcode_id"]
    stored = sim.locks[FRONT_DOOR].passcodes[passcode_id]

    # With the gateway unplugged a command would fail -3002: the rename needs none.
    sim.set_gateway_online(GATEWAY, False)
    renamed = await call_lock_action(
        hass, "ttlock_change_passcode", passcode_id=passcode_id, name="Host"
    )
    assert renamed == {"passcode_id": passcode_id, "changed": ["name"], "through_gateway": False}
    assert stored.name == "Host"
    with pytest.raises(HomeAssistantError) as err:
        await call_lock_action(
            hass, "ttlock_change_passcode", passcode_id=passcode_id, passcode="9876"
        )
    assert err.value.translation_key == "ttlock_gateway_offline"
    sim.set_gateway_online(GATEWAY, True)

    end = dt_util.now() + timedelta(days=2)
    changed = await call_lock_action(
        hass,
        "ttlock_change_passcode",
        passcode_id=passcode_id,
        passcode="9876",
        start=dt_util.now().isoformat(),
        end=end.isoformat(),
    )
    assert changed["changed"] == ["passcode", "period"]
    assert changed["through_gateway"] is True
    assert (stored.passcode, stored.passcode_type) == ("9876", 3)
    assert stored.end == int(end.timestamp() * 1000)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "ttlock_nothing_to_change"),
        ({"passcode": "12"}, "ttlock_invalid_passcode"),
        ({"name": ""}, "ttlock_invalid_name"),
        ({"end": "+5"}, "ttlock_period_incomplete"),
        ({"start": "-5", "end": "-1"}, "ttlock_period_in_past"),
    ],
)
async def test_change_refused_before_any_cloud_call(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, str],
    key: str,
) -> None:
    """Invalid changes never reach the cloud."""
    await _assert_refused_before_any_call(
        hass, sim, "ttlock_change_passcode", {"passcode_id": 1, **data}, key
    )


@pytest.mark.parametrize(
    ("errcode", "key"),
    [
        (-3007, "ttlock_passcode_duplicate"),
        (-3009, "ttlock_passcode_no_space"),
        (-3003, "ttlock_gateway_busy"),
        (1, "ttlock_outcome_unknown"),
    ],
)
async def test_cloud_refusals_are_translated(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    errcode: int,
    key: str,
) -> None:
    """Duplicate, no space, gateway busy (after the client's retries), unknown outcome."""
    sim.fail_next(5, f"errcode:{errcode}", "keyboardPwd/add")
    with pytest.raises(HomeAssistantError) as err:
        await call_lock_action(hass, "ttlock_create_passcode", passcode="5555")
    assert (err.value.translation_domain, err.value.translation_key) == (DOMAIN, key)
    if errcode == 1:
        # Not repeated: the lock may have the code already.
        assert sim.calls["keyboardPwd/add"] == 1


async def test_duplicate_code_from_the_simulator(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The simulator's own -3007 for a code the lock already has."""
    await call_lock_action(hass, "ttlock_create_passcode", passcode="2468")
    with pytest.raises(ServiceValidationError) as err:
        await call_lock_action(hass, "ttlock_create_passcode", passcode="2468")
    assert err.value.translation_key == "ttlock_passcode_duplicate"


async def test_delete_twice_is_done(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A code already gone ("no password data", -1007) counts as deleted."""
    created = await call_lock_action(hass, "ttlock_create_passcode", passcode="1357")
    first = await call_lock_action(
        hass, "ttlock_delete_passcode", passcode_id=created["passcode_id"]
    )
    second = await call_lock_action(
        hass, "ttlock_delete_passcode", passcode_id=created["passcode_id"]
    )
    assert first == {"passcode_id": created["passcode_id"], "already_deleted": False}
    assert second == {"passcode_id": created["passcode_id"], "already_deleted": True}


def _stored(
    sim: TTLockSimulator, passcode_id: int, passcode_type: int, start_h: float, end_h: float
) -> int:
    """A code the lock already holds (periods in the past cannot be created through HA)."""
    now = int(dt_util.utcnow().timestamp() * 1000)
    sim.locks[FRONT_DOOR].passcodes[passcode_id] = SimulatedPasscode(
        passcode_id,
        str(passcode_id),
        f"Code {passcode_id}",
        passcode_type,
        now + int(start_h * 3_600_000),
        now + int(end_h * 3_600_000),
        now,
    )
    return passcode_id


async def test_delete_expired_passcodes(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Expired timed and one-time codes go; permanent, cyclic and current ones stay."""
    permanent = _stored(sim, 7001, 2, -48, -48)
    expired_timed = _stored(sim, 7002, 3, -48, -24)
    current = _stored(sim, 7003, 3, -48, 24)
    expired_one_time = _stored(sim, 7004, 1, -7, -7)
    fresh_one_time = _stored(sim, 7005, 1, -1, -1)
    # A cyclic code's end is that of its first day's window.
    cyclic = _stored(sim, 7006, 6, -48, -40)

    dry = await call_lock_action(hass, "ttlock_delete_expired_passcodes", dry_run=True)
    expired_ids = {expired_timed, expired_one_time}
    assert {code["passcode_id"] for code in dry["deleted"]} == expired_ids
    assert dry["dry_run"] is True
    assert expired_ids <= set(sim.locks[FRONT_DOOR].passcodes)
    assert all("•" in code["passcode"] for code in dry["deleted"])

    sim.fail_next(3, "errcode:-3003", "keyboardPwd/delete")
    partial = await call_lock_action(hass, "ttlock_delete_expired_passcodes")
    assert [code["error"] for code in partial["failed"]] == ["ttlock_gateway_busy"]
    done = await call_lock_action(hass, "ttlock_delete_expired_passcodes")
    deleted = {code["passcode_id"] for code in partial["deleted"] + done["deleted"]}
    assert deleted == expired_ids
    assert done["failed"] == []
    kept = set(sim.locks[FRONT_DOOR].passcodes)
    assert {permanent, current, fresh_one_time, cyclic} <= kept
    assert not expired_ids & kept

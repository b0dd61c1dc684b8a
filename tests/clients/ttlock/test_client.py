"""TTLockClient against the in-process simulator: reads, commands and parameters."""

from __future__ import annotations

import json

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    OpenState,
    TTLockClient,
    TTLockClockSkewError,
    TTLockNoGatewayError,
    TTLockNotFoundError,
    TTLockNotSupportedError,
    TTLockRemoteUnlockDisabledError,
    TTLockValidationError,
)
from custom_components.minerva_iot.clients.ttlock.models import LOCK_SECRET_FIELDS
from simulators.ttlock import SimulatedLock, TTLockSimulator

from .conftest import ClientFactory

FRONT = 4711001
BACK = 4711002


def last_request(sim: TTLockSimulator, endpoint: str) -> tuple[str, dict[str, str]]:
    """Method and parameters of the last request to ``endpoint``."""
    for method, name, params in reversed(sim.requests):
        if name == endpoint:
            return method, params
    raise AssertionError(f"no request to {endpoint}")


async def test_list_locks(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Both locks, without secrets; GET with the common parameters and the maximal page."""
    locks = await client.async_list_locks()
    assert [lock.lock_id for lock in locks] == [FRONT, BACK]
    front = locks[0]
    assert front.display_name == "Front door"
    assert front.has_gateway
    assert front.battery == 87
    assert not LOCK_SECRET_FIELDS & set(front.raw)
    method, params = last_request(sim, "lock/list")
    assert method == "GET"
    assert params["clientId"] == sim.client_id
    assert params["pageNo"] == "1"
    assert params["pageSize"] == "1000"
    assert abs(int(params["date"]) - sim.now_ms()) < 60_000


async def test_list_locks_all_pages(client: TTLockClient, sim: TTLockSimulator) -> None:
    """1002 locks need two pages of 1000."""
    for lock_id in range(1, 1001):
        sim.locks[lock_id] = SimulatedLock(
            lock_id, f"L{lock_id}", f"Lock {lock_id}", "00", "1", None
        )
    locks = await client.async_list_locks()
    assert len(locks) == 1002
    assert sim.calls["lock/list"] == 2
    assert last_request(sim, "lock/list")[1]["pageNo"] == "2"


async def test_lock_detail(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Settings come from lock/detail; secrets are dropped."""
    detail = await client.async_get_lock_detail(FRONT)
    assert detail.auto_lock_time == 5
    assert detail.passage_mode is False
    assert detail.model == "SN9161_PV53"
    assert detail.firmware
    assert not LOCK_SECRET_FIELDS & set(detail.raw)
    assert last_request(sim, "lock/detail")[1]["lockId"] == str(FRONT)
    with pytest.raises(TTLockNotFoundError):
        await client.async_get_lock_detail(999)


async def test_list_gateways(client: TTLockClient, sim: TTLockSimulator) -> None:
    """orderBy is sent (required) and the page stays within 200."""
    gateways = await client.async_list_gateways()
    assert [(g.gateway_id, g.is_online, g.lock_num) for g in gateways] == [(9001, True, 2)]
    method, params = last_request(sim, "gateway/list")
    assert method == "GET"
    assert params["orderBy"] == "0"
    assert params["pageSize"] == "200"
    sim.set_gateway_online(9001, False)
    assert not (await client.async_list_gateways())[0].is_online


async def test_list_lock_gateways(client: TTLockClient) -> None:
    """gateway/listByLock names the gateway; a lock without one gives an empty list."""
    gateways = await client.async_list_lock_gateways(FRONT)
    assert [gateway.gateway_id for gateway in gateways] == [9001]
    assert client.command_queue_key(FRONT) == ("gateway", 9001)


async def test_unlock_and_lock(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Commands are POST forms and change the lock; open state follows."""
    assert await client.async_query_open_state(FRONT) is OpenState.LOCKED
    await client.async_unlock(FRONT)
    assert sim.locks[FRONT].locked is False
    method, params = last_request(sim, "lock/unlock")
    assert (method, params["lockId"]) == ("POST", str(FRONT))
    assert {"clientId", "date"} <= set(params)
    assert await client.async_query_open_state(FRONT) is OpenState.UNLOCKED
    await client.async_lock(FRONT)
    assert sim.locks[FRONT].locked is True
    assert last_request(sim, "lock/lock")[0] == "POST"


async def test_query_battery(client: TTLockClient, sim: TTLockSimulator) -> None:
    """queryElectricQuantity gives the percentage."""
    sim.locks[BACK].battery = 41
    assert await client.async_query_battery(BACK) == 41


async def test_remote_unlock_disabled(client: TTLockClient, sim: TTLockSimulator) -> None:
    """-4043 is the actionable remote-unlock error; the lock stays locked."""
    sim.locks[FRONT].remote_unlock_enabled = False
    with pytest.raises(TTLockRemoteUnlockDisabledError) as caught:
        await client.async_unlock(FRONT)
    assert caught.value.errcode == -4043
    assert sim.locks[FRONT].locked is True
    assert sim.calls["lock/unlock"] == 1


async def test_function_not_supported_is_not_about_remote_unlock(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """-4043 for anything but an unlock means the lock cannot do it (no app switch helps)."""
    sim.locks[BACK].feature_value = "0"
    with pytest.raises(TTLockNotSupportedError) as caught:
        await client.async_lock(BACK)
    assert not isinstance(caught.value, TTLockRemoteUnlockDisabledError)
    assert caught.value.errcode == -4043


async def test_no_gateway(client: TTLockClient, sim: TTLockSimulator) -> None:
    """-2012 for a lock without gateway."""
    sim.locks[BACK].gateway_id = None
    with pytest.raises(TTLockNoGatewayError):
        await client.async_lock(BACK)


async def test_clock_skew(make_client: ClientFactory, sim: TTLockSimulator) -> None:
    """A clock 10 minutes off gives 80000, the clock-skew error."""
    client = make_client(clock=lambda: sim.clock() + 600)
    with pytest.raises(TTLockClockSkewError):
        await client.async_list_locks()


async def test_passage_mode(client: TTLockClient, sim: TTLockSimulator) -> None:
    """configurePassageMode with passageMode 1/2 and type 2; optional schedule as JSON."""
    await client.async_set_passage_mode(FRONT, True)
    assert sim.locks[FRONT].passage_mode is True
    method, params = last_request(sim, "lock/configurePassageMode")
    assert (method, params["passageMode"], params["type"]) == ("POST", "1", "2")
    assert "cyclicConfig" not in params
    schedule = [{"isAllDay": 2, "startTime": 480, "endTime": 1080, "weekDays": [1, 2, 3]}]
    await client.async_set_passage_mode(FRONT, False, cyclic_config=schedule)
    assert sim.locks[FRONT].passage_mode is False
    params = last_request(sim, "lock/configurePassageMode")[1]
    assert params["passageMode"] == "2"
    assert json.loads(params["cyclicConfig"]) == schedule


async def test_auto_lock_time(client: TTLockClient, sim: TTLockSimulator) -> None:
    """setAutoLockTime with type 2; an invalid period is a validation error."""
    await client.async_set_auto_lock_time(BACK, 30)
    assert sim.locks[BACK].auto_lock_time == 30
    params = last_request(sim, "lock/setAutoLockTime")[1]
    assert (params["seconds"], params["type"]) == ("30", "2")
    with pytest.raises(TTLockValidationError) as caught:
        await client.async_set_auto_lock_time(BACK, 5000)
    assert caught.value.errcode == -4082


async def test_passcodes(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Add a permanent and a period passcode, list them, delete one."""
    permanent = await client.async_add_passcode(FRONT, "482913", "Guest", None, None)
    params = last_request(sim, "keyboardPwd/add")[1]
    assert (params["keyboardPwdType"], params["addType"]) == ("2", "2")
    assert "startDate" not in params
    period = await client.async_add_passcode(
        FRONT, "1357", None, 1_735_689_600_000, 1_735_776_000_000
    )
    params = last_request(sim, "keyboardPwd/add")[1]
    assert params["keyboardPwdType"] == "3"
    assert (params["startDate"], params["endDate"]) == ("1735689600000", "1735776000000")
    assert "keyboardPwdName" not in params
    codes = {code.passcode_id: code for code in await client.async_list_passcodes(FRONT)}
    assert codes[permanent].passcode == "482913"
    assert codes[permanent].name == "Guest"
    assert codes[permanent].start is None
    assert codes[period].end == 1_735_776_000_000
    await client.async_delete_passcode(FRONT, permanent)
    assert last_request(sim, "keyboardPwd/delete")[1]["deleteType"] == "2"
    assert [code.passcode_id for code in await client.async_list_passcodes(FRONT)] == [period]


async def test_passcode_errors(client: TTLockClient) -> None:
    """Duplicates and bad codes are validation errors; half a period is refused locally."""
    await client.async_add_passcode(FRONT, "4829", None, None, None)
    with pytest.raises(TTLockValidationError):
        await client.async_add_passcode(FRONT, "4829", None, None, None)
    with pytest.raises(TTLockValidationError):
        await client.async_add_passcode(FRONT, "12", None, None, None)
    with pytest.raises(ValueError, match="together"):
        await client.async_add_passcode(FRONT, "5555", None, 1, None)
    with pytest.raises(TTLockValidationError):
        await client.async_delete_passcode(FRONT, 424242)


async def test_records(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Records newest first, all pages, filtered by lock time."""
    await sim.operate_by_hand(FRONT, False, method="passcode")
    await sim.operate_by_hand(FRONT, True, method="button")
    await sim.operate_by_hand(FRONT, False, method="card")
    records = await client.async_list_records(FRONT, page_size=2)
    assert [record.record_type for record in records] == [7, 47, 4]
    assert sim.calls["lockRecord/list"] == 2
    assert records[2].keyboard_pwd == "482913"
    assert all(record.success and record.lock_id == FRONT for record in records)
    params = last_request(sim, "lockRecord/list")[1]
    assert params["pageSize"] == "2"
    first_date = records[2].lock_date
    filtered = await client.async_list_records(
        FRONT, start_ms=first_date + 10**9, end_ms=first_date + 2 * 10**9
    )
    assert filtered == []
    params = last_request(sim, "lockRecord/list")[1]
    assert params["startDate"] == str(first_date + 10**9)
    assert params["pageSize"] == "100"


async def test_record_page_size_is_capped(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Never more than the documented 200 per page."""
    await client.async_list_records(FRONT, page_size=5000)
    assert last_request(sim, "lockRecord/list")[1]["pageSize"] == "200"


async def test_request_hook_runs_once_per_http_request(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """Every HTTP request is announced (pages and retries too): the cloud's quota counts them."""
    requests: list[str] = []
    client = make_client(on_request=lambda: requests.append("request"))
    sim.fail_next(1, "http500")
    await client.async_list_gateways()
    await client.async_list_records(FRONT, page_size=1)
    assert len(requests) == sum(sim.calls.values()) - sim.calls["oauth2/token"]
    assert len(requests) >= 3


async def test_open_status_with_door_sensor(client: TTLockClient, sim: TTLockSimulator) -> None:
    """sensorState gives the door; locks without a sensor have None."""
    status = await client.async_query_open_status(FRONT)
    assert (status.state, status.door_closed) == (OpenState.LOCKED, True)
    await sim.operate_door(FRONT, opened=True)
    assert (await client.async_query_open_status(FRONT)).door_closed is False
    assert (await client.async_query_open_status(BACK)).door_closed is None


async def test_sound(client: TTLockClient, sim: TTLockSimulator) -> None:
    """updateSetting type 6 with changeType 2; lock detail reflects it."""
    assert (await client.async_get_lock_detail(FRONT)).sound_enabled is True
    await client.async_set_sound(FRONT, False)
    assert sim.locks[FRONT].sound_enabled is False
    method, params = last_request(sim, "lock/updateSetting")
    assert (method, params["type"], params["value"], params["changeType"]) == (
        "POST",
        "6",
        "2",
        "2",
    )
    assert (await client.async_get_lock_detail(FRONT)).sound_enabled is False
    await client.async_set_sound(FRONT, True)
    assert sim.locks[FRONT].sound_enabled is True


async def test_change_passcode(client: TTLockClient, sim: TTLockSimulator) -> None:
    """Rename, new digits and a period in one change; only given fields are sent."""
    passcode_id = await client.async_add_passcode(FRONT, "1111", "Old", None, None)
    await client.async_change_passcode(
        FRONT, passcode_id, name="New", new_passcode="2222", start_ms=10, end_ms=20
    )
    params = last_request(sim, "keyboardPwd/change")[1]
    assert params["changeType"] == "2"
    (code,) = await client.async_list_passcodes(FRONT)
    assert (code.name, code.passcode, code.start, code.end) == ("New", "2222", 10, 20)
    await client.async_change_passcode(FRONT, passcode_id, name="Renamed")
    params = last_request(sim, "keyboardPwd/change")[1]
    assert "newKeyboardPwd" not in params
    assert "startDate" not in params
    (code,) = await client.async_list_passcodes(FRONT)
    assert (code.name, code.passcode, code.start) == ("Renamed", "2222", 10)
    with pytest.raises(ValueError, match="together"):
        await client.async_change_passcode(FRONT, passcode_id, end_ms=5)
    with pytest.raises(TTLockValidationError):
        await client.async_change_passcode(FRONT, passcode_id, new_passcode="1")
    with pytest.raises(TTLockValidationError):
        await client.async_change_passcode(FRONT, 999, name="x")

"""The cloud's answers as locks in the field give them: errcode 1, -1007, door sensors, records.

Facts and sources: simulators/ttlock/field_facts.md (§1 doorSensor/query, §5 the push shape, §7
error codes). The simulator's `fail_next(..., applied=True)` lets a request take effect before
the failure answers it: the case that makes errcode 1 unsafe to repeat.
"""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    TTLockClient,
    TTLockOutcomeUnknownError,
    TTLockTransientError,
    TTLockValidationError,
)
from simulators.ttlock import TTLockSimulator

FRONT = 4711001  # the simulator's lock with a door sensor
BACK = 4711002  # no door sensor
FAILED_OR_NO = "errcode:1:failed or means no"


async def test_errcode_1_is_not_repeated_for_a_passcode_add(
    client: TTLockClient, sim: TTLockSimulator, sleeps: list[float]
) -> None:
    """The code was stored before the cloud said "failed": one call, and the caller is told
    the outcome is unknown (a repeat would only meet -3007)."""
    sim.fail_next(1, FAILED_OR_NO, endpoint="keyboardPwd/add", applied=True)
    with pytest.raises(TTLockOutcomeUnknownError) as caught:
        await client.async_add_passcode(FRONT, "582913", "Guest", None, None)
    assert caught.value.errcode == 1
    assert sim.calls["keyboardPwd/add"] == 1
    assert sleeps == []
    assert [code.passcode for code in await client.async_list_passcodes(FRONT)] == ["582913"]


async def test_lock_not_reached_is_repeated_for_a_passcode_add(
    client: TTLockClient, sim: TTLockSimulator, sleeps: list[float]
) -> None:
    """Gateway busy (-3003) says the lock was not reached: safe to repeat even an add."""
    sim.fail_next(1, "gateway_busy", endpoint="keyboardPwd/add")
    await client.async_add_passcode(FRONT, "582914", None, None, None)
    assert sim.calls["keyboardPwd/add"] == 2
    assert sleeps == [1.0]


async def test_server_error_is_not_repeated_for_a_passcode_add(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """90000 may follow the effect too: not repeated, raised as the transient error it is."""
    sim.fail_next(1, "errcode:90000:internal server error", endpoint="keyboardPwd/add")
    with pytest.raises(TTLockTransientError) as caught:
        await client.async_add_passcode(FRONT, "582915", None, None, None)
    assert caught.value.errcode == 90000
    assert sim.calls["keyboardPwd/add"] == 1


async def test_errcode_1_is_still_repeated_for_a_lock_command(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """Unlocking twice does no harm: errcode 1 (the gateway did not reach the lock, #252) is
    retried as before."""
    sim.fail_next(1, FAILED_OR_NO, endpoint="lock/unlock")
    await client.async_unlock(FRONT)
    assert sim.calls["lock/unlock"] == 2
    assert sim.locks[FRONT].locked is False


async def test_repeated_delete_meeting_no_passcode_counts_as_done(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """errcode 1 after the delete took effect: the repeat answers -1007, and that is success."""
    passcode_id = await client.async_add_passcode(FRONT, "482917", None, None, None)
    sim.fail_next(1, FAILED_OR_NO, endpoint="keyboardPwd/delete", applied=True)
    await client.async_delete_passcode(FRONT, passcode_id)
    assert sim.calls["keyboardPwd/delete"] == 2
    assert await client.async_list_passcodes(FRONT) == []


async def test_first_delete_meeting_no_passcode_is_refused(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """-1007 to the first attempt: the id was never there (a validation error, not done)."""
    with pytest.raises(TTLockValidationError) as caught:
        await client.async_delete_passcode(FRONT, 424242)
    assert caught.value.errcode == -1007
    assert sim.calls["keyboardPwd/delete"] == 1


async def test_door_sensor_query(client: TTLockClient, sim: TTLockSimulator) -> None:
    """A bound sensor answers its details; "failed or means no" without one, asked once."""
    sensor = await client.async_get_door_sensor(FRONT)
    assert sensor is not None
    assert sensor.door_sensor_id is not None
    assert sensor.battery == 85
    assert await client.async_get_door_sensor(BACK) is None
    assert sim.calls["doorSensor/query"] == 2  # errcode 1 is the answer here: no retry


async def test_door_sensor_query_without_the_function(
    client: TTLockClient, sim: TTLockSimulator
) -> None:
    """-4043 "function not supported" means no sensor too; other refusals raise."""
    sim.fail_next(1, "errcode:-4043:not supported", endpoint="doorSensor/query")
    assert await client.async_get_door_sensor(FRONT) is None
    sim.fail_next(3, "gateway_busy", endpoint="doorSensor/query")
    with pytest.raises(TTLockTransientError):
        await client.async_get_door_sensor(FRONT)


async def test_one_page_of_records_is_one_call(client: TTLockClient, sim: TTLockSimulator) -> None:
    """`max_pages=1` reads the newest page only, whatever the cloud holds."""
    for locked in (False, True, False):
        await sim.operate_by_hand(FRONT, locked)
    sim.calls.clear()
    records = await client.async_list_records(FRONT, page_size=2, max_pages=1)
    assert len(records) == 2
    assert sim.calls["lockRecord/list"] == 1
    assert records[0].record_id is not None
    assert records[0].record_type_from_lock == 1  # app unlock: the lock numbers it like the cloud

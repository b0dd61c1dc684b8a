"""Passcode endpoints (field_facts.md §7): list, add, change, delete and the cloud's random codes.

Sources: ``docs/ttlock-cloud-api/passcode/{list,add,update,delete,get}.md`` and errorCode.md §4:
-2009 invalid passcode, -3007 the same passcode exists, -3009 no space (250 per lock), -1007 no
such passcode data. ``keyboardPwd/get`` needs no gateway (the code comes from an algorithm the
lock shares), takes types 1-14 and rounds the start down to the hour.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from .common import Handler, lock_of, via_gateway
from .model import SimulatedLock, SimulatedPasscode
from .wire import SimError, int_param, ok_body, page

if TYPE_CHECKING:
    from .server import TTLockSimulator

MAX_PASSCODES_PER_LOCK = 250
_PASSCODE = re.compile(r"\d{4,9}")
PERMANENT, PERIOD = 2, 3
# keyboardPwd/get types (passcode/get.md §2.1): 1 one-time, 2 permanent, 3 period, 4 delete,
# 5-14 cyclic (weekend, daily, workday, Monday ... Sunday).
RANDOM_TYPES = range(1, 15)
CYCLIC_TYPES = range(5, 15)
_HOUR_MS = 3_600_000
# Real random codes are 6-9 digits "decided by the period" (passcode/get.md); which length goes
# with which type is *unconfirmed*. The documented example (a period code) has 7 digits.
_RANDOM_LENGTH = {PERIOD: 7}
_DEFAULT_RANDOM_LENGTH = 9


def _check_digits(code: str) -> None:
    if not _PASSCODE.fullmatch(code):
        raise SimError(-2009, "Invalid Password: 4 to 9 digits")


def _check_unique(lock: SimulatedLock, code: str) -> None:
    if any(existing.passcode == code for existing in lock.passcodes.values()):
        raise SimError(-3007, "The same passcode already exists. Please use another one")


def _check_space(lock: SimulatedLock) -> None:
    if len(lock.passcodes) >= MAX_PASSCODES_PER_LOCK:
        raise SimError(
            -3009,
            "There is NO SPACE to store Customized Passcodes. Please Delete Un-Used "
            "Customized Passcodes and try again",
        )


async def passcode_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/listKeyboardPwd, newest first (orderBy 1).

    orderBy is documented as required, yet hass-ttlock's list_passcodes sends none and works,
    so a missing orderBy is taken as 1. ``searchStr`` matches the name or the exact code.
    """
    lock = lock_of(sim, params)
    codes = list(reversed(lock.passcodes.values()))
    search = params.get("searchStr")
    if search:
        codes = [code for code in codes if search in code.name or code.passcode == search]
    order_by = int_param(params, "orderBy", default=1)
    if order_by in (0, 2):
        codes.sort(key=lambda code: code.name, reverse=order_by == 2)
    return page([code.as_api(lock.lock_id) for code in codes], params, 200)


async def add_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/add: 4-9 digits, type 2 permanent or 3 period (the default, dates needed).

    ``addType`` 2 reaches the lock; 4 queues it for a WiFi lock in power-saving mode (delivered
    later, so it does not wake the lock); 1 only records what the phone did.
    """
    lock = lock_of(sim, params)
    code = params.get("keyboardPwd", "")
    _check_digits(code)
    passcode_type = int_param(params, "keyboardPwdType", default=PERIOD)
    if passcode_type not in (PERMANENT, PERIOD):
        raise SimError(-3, "invalid parameter: keyboardPwdType must be 2 or 3")
    start = int_param(params, "startDate", default=0)
    end = int_param(params, "endDate", default=0)
    if passcode_type == PERIOD and not 0 < start < end:
        raise SimError(-3, "invalid parameter: startDate/endDate required for a period passcode")
    _check_unique(lock, code)
    _check_space(lock)
    if via_gateway(params, "addType"):
        await sim.reach_lock(lock)
    passcode_id = sim.next_id()
    lock.passcodes[passcode_id] = SimulatedPasscode(
        passcode_id,
        code,
        params.get("keyboardPwdName", ""),
        passcode_type,
        start if passcode_type == PERIOD else 0,
        end if passcode_type == PERIOD else 0,
        sim.now_ms(),
    )
    return {"keyboardPwdId": passcode_id}


async def random_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/get: a cloud-generated code of any type 1-14, no gateway needed.

    Cyclic types (5-14) take the window of their first day in startDate/endDate; a window that
    ends before it starts is -3 "The time of REPEAT is incorrect." (ttlock
    Android_TTLock_Demo_Deprecated #2). Period and cyclic codes need endDate.
    """
    lock = lock_of(sim, params)
    passcode_type = int_param(params, "keyboardPwdType")
    if passcode_type not in RANDOM_TYPES:
        raise SimError(-3, "invalid parameter: keyboardPwdType must be 1..14")
    start = int_param(params, "startDate") // _HOUR_MS * _HOUR_MS
    end = int_param(params, "endDate", default=0)
    if passcode_type in CYCLIC_TYPES and not start < end:
        raise SimError(-3, "Invalid parameter. The time of REPEAT is incorrect.")
    if passcode_type == PERIOD and not start < end:
        raise SimError(-3, "invalid parameter: endDate must be after startDate")
    _check_space(lock)
    length = _RANDOM_LENGTH.get(passcode_type, _DEFAULT_RANDOM_LENGTH)
    code = _fresh_code(lock, length)
    passcode_id = sim.next_id()
    lock.passcodes[passcode_id] = SimulatedPasscode(
        passcode_id,
        code,
        params.get("keyboardPwdName", ""),
        passcode_type,
        start,
        0 if passcode_type == PERMANENT else end,
        sim.now_ms(),
        is_custom=False,
    )
    return {"keyboardPwd": code, "keyboardPwdId": passcode_id}


def _fresh_code(lock: SimulatedLock, length: int) -> str:
    taken = {code.passcode for code in lock.passcodes.values()}
    while True:
        code = str(secrets.randbelow(10**length)).zfill(length)
        if code not in taken:
            return code


async def change_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/change: optional new name, digits and period (``changeType`` 2).

    A name alone needs no changeType (passcode/update.md) and never wakes the lock.
    """
    lock = lock_of(sim, params)
    passcode = lock.passcodes.get(int_param(params, "keyboardPwdId"))
    if passcode is None:
        raise SimError(-1007, "No password data of this lock")
    new_code = params.get("newKeyboardPwd")
    if new_code is not None:
        _check_digits(new_code)
        _check_unique(lock, new_code)
    has_period = "startDate" in params or "endDate" in params
    start = int_param(params, "startDate") if has_period else passcode.start
    end = int_param(params, "endDate") if has_period else passcode.end
    if has_period and not 0 < start < end:
        raise SimError(-3, "invalid parameter: startDate/endDate")
    if (new_code is not None or has_period) and via_gateway(params, "changeType"):
        await sim.reach_lock(lock)
    if new_code is not None:
        passcode.passcode = new_code
    if "keyboardPwdName" in params:
        passcode.name = params["keyboardPwdName"]
    if has_period:
        passcode.passcode_type, passcode.start, passcode.end = PERIOD, start, end
    return ok_body()


async def delete_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/delete; an unknown (or already deleted) id is -1007.

    -1007 "No password data of this lock" (errorCode.md) for a repeated delete is *unconfirmed*
    beyond the documented meaning; a client may take it as "already gone".
    """
    lock = lock_of(sim, params)
    passcode_id = int_param(params, "keyboardPwdId")
    if passcode_id not in lock.passcodes:
        raise SimError(-1007, "No password data of this lock")
    if via_gateway(params, "deleteType"):
        await sim.reach_lock(lock)
    del lock.passcodes[passcode_id]
    return ok_body()


PASSCODE_ENDPOINTS: dict[str, Handler] = {
    "lock/listKeyboardPwd": passcode_list,
    "keyboardPwd/add": add_passcode,
    "keyboardPwd/get": random_passcode,
    "keyboardPwd/change": change_passcode,
    "keyboardPwd/delete": delete_passcode,
}

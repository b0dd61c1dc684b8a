"""The ``/v3`` endpoints of the simulated cloud (reference §3-§4).

Reads answer from the cloud's state. Writes that reach the lock ("W" in the reference) need a
gateway (-2012) that is online (-3002), take ``command_latency`` seconds and refuse a second
command through the same gateway meanwhile (-3003, gateways do not handle concurrency). A method
flag other than 2 (``type``/``addType``/``deleteType``) means "the phone already did it over
Bluetooth": the cloud answers success but the lock does not change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import re
from typing import TYPE_CHECKING, Any

from .model import SimulatedLock, SimulatedPasscode
from .wire import SimError, int_param, ok_body, page

if TYPE_CHECKING:
    from .server import TTLockSimulator

Handler = Callable[["TTLockSimulator", dict[str, str]], Awaitable[dict[str, Any]]]

MAX_PASSCODES_PER_LOCK = 250
_PASSCODE = re.compile(r"\d{4,9}")
# Reference §5 bit numbers.
_BIT_AUTO_LOCK = 4
_BIT_LOCK_COMMAND = 8
_BIT_SOUND = 15
_BIT_PASSAGE_MODE = 22
# lock/updateSetting ``type`` values (reference §4); only the sound switch changes state here.
_SETTING_TYPES = frozenset({2, 3, 4, 6, 7, 8, 10, 11})
_SETTING_SOUND = 6


def _lock(sim: TTLockSimulator, params: dict[str, str]) -> SimulatedLock:
    lock = sim.locks.get(int_param(params, "lockId"))
    if lock is None:
        raise SimError(-1003, "lock does not exist")
    return lock


def _via_gateway(params: dict[str, str], flag: str) -> bool:
    # The documented default of every method flag is 1 (Bluetooth sync only).
    return params.get(flag, "1") == "2"


async def lock_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/list."""
    return page([lock.list_item() for lock in sim.locks.values()], params, 1000)


async def lock_detail(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/detail (-2018 when the account is not the lock's administrator)."""
    lock = _lock(sim, params)
    if not lock.is_admin:
        raise SimError(-2018, "permission denied")
    return lock.detail()


async def gateway_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/gateway/list (``orderBy`` required)."""
    order_by = int_param(params, "orderBy")
    gateways = sorted(sim.gateways.values(), key=lambda gateway: gateway.name)
    if order_by == 2:
        gateways.reverse()
    items = [
        gateway.as_api(sum(lock.gateway_id == gateway.gateway_id for lock in sim.locks.values()))
        for gateway in gateways
    ]
    return page(items, params, 200)


async def gateway_list_by_lock(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/gateway/listByLock."""
    lock = _lock(sim, params)
    gateway = sim.gateways.get(lock.gateway_id) if lock.gateway_id is not None else None
    if gateway is None:
        return {"list": []}
    item = {"gatewayId": gateway.gateway_id, "gatewayMac": gateway.mac}
    item |= {"gatewayName": gateway.name, "rssi": -62, "rssiUpdateDate": sim.now_ms()}
    return {"list": [item]}


async def record_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lockRecord/list, newest first, optional startDate/endDate by lock time."""
    lock = _lock(sim, params)
    start = int_param(params, "startDate", default=0)
    end = int_param(params, "endDate", default=0)
    records = [
        record
        for record in reversed(lock.records)
        if record["lockDate"] >= start and (not end or record["lockDate"] <= end)
    ]
    return page(records, params, 200)


async def passage_mode_config(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/getPassageModeConfiguration."""
    lock = _lock(sim, params)
    return {"passageMode": 1 if lock.passage_mode else 2, "autoUnlock": 2, "cyclicConfig": []}


async def passcode_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/listKeyboardPwd, newest first."""
    lock = _lock(sim, params)
    items = [code.as_api(lock.lock_id) for code in reversed(lock.passcodes.values())]
    return page(items, params, 200)


async def query_open_state(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/queryOpenState (wakes the lock)."""
    lock = await sim.reach_lock(_lock(sim, params))
    body: dict[str, Any] = {"state": 0 if lock.locked else 1}
    if lock.has_door_sensor:
        body["sensorState"] = 1 if lock.door_closed else 0
    return body


async def query_battery(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/queryElectricQuantity (wakes the lock)."""
    lock = await sim.reach_lock(_lock(sim, params))
    return {"electricQuantity": lock.battery}


async def lock_command(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/lock (needs featureValue bit 8)."""
    lock = _lock(sim, params)
    if not lock.supports(_BIT_LOCK_COMMAND):
        raise SimError(-4043, "function not supported")
    await sim.reach_lock(lock)
    sim.apply_operation(lock, locked=True, method="gateway", push_in_background=True)
    return ok_body()


async def unlock_command(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/unlock (-4043 when "Remote unlock" is off in the app)."""
    lock = _lock(sim, params)
    if not lock.remote_unlock_enabled:
        raise SimError(-4043, "function not supported: remote unlock is disabled")
    await sim.reach_lock(lock)
    sim.apply_operation(lock, locked=False, method="gateway", push_in_background=True)
    return ok_body()


async def configure_passage_mode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/configurePassageMode (``passageMode`` 1 on / 2 off, ``type`` 2)."""
    lock = _lock(sim, params)
    mode = int_param(params, "passageMode")
    if mode not in (1, 2):
        raise SimError(-3, "invalid parameter: passageMode")
    if not lock.supports(_BIT_PASSAGE_MODE):
        raise SimError(-4043, "function not supported")
    if _via_gateway(params, "type"):
        await sim.reach_lock(lock)
        sim.set_passage_mode(lock, mode == 1)
    return ok_body()


async def set_auto_lock_time(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/setAutoLockTime (``seconds`` 0 or -1 = off, max 900; -4082 otherwise).

    The 900 s maximum is unconfirmed (the reference gives none); it matches the number entity.
    """
    lock = _lock(sim, params)
    seconds = int_param(params, "seconds")
    if not -1 <= seconds <= 900:
        raise SimError(-4082, "invalid auto-lock period")
    if not lock.supports(_BIT_AUTO_LOCK):
        raise SimError(-4043, "function not supported")
    if _via_gateway(params, "type"):
        await sim.reach_lock(lock)
        lock.auto_lock_time = max(seconds, 0)
    return ok_body()


async def update_setting(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/updateSetting (``type`` 6 = sound, ``value`` 1 on / 2 off, ``changeType`` 2)."""
    lock = _lock(sim, params)
    setting = int_param(params, "type")
    value = int_param(params, "value")
    if setting not in _SETTING_TYPES:
        raise SimError(-3, "invalid parameter: type")
    if setting == _SETTING_SOUND and not lock.supports(_BIT_SOUND):
        raise SimError(-4043, "function not supported")
    if _via_gateway(params, "changeType"):
        await sim.reach_lock(lock)
        if setting == _SETTING_SOUND:
            lock.sound_enabled = value == 1
    return ok_body()


def _check_passcode_digits(code: str) -> None:
    if not _PASSCODE.fullmatch(code):
        raise SimError(-2009, "invalid passcode: 4 to 9 digits")


async def add_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/add (4-9 digits; type 3 "period" by default needs start/end dates)."""
    lock = _lock(sim, params)
    code = params.get("keyboardPwd", "")
    _check_passcode_digits(code)
    passcode_type = int_param(params, "keyboardPwdType", default=3)
    start = int_param(params, "startDate", default=0)
    end = int_param(params, "endDate", default=0)
    if passcode_type == 3 and not 0 < start < end:
        raise SimError(-3, "invalid parameter: startDate/endDate required for a period passcode")
    if any(existing.passcode == code for existing in lock.passcodes.values()):
        raise SimError(-3007, "passcode already exists")
    if len(lock.passcodes) >= MAX_PASSCODES_PER_LOCK:
        raise SimError(-3009, "no space left for passcodes")
    if _via_gateway(params, "addType"):
        await sim.reach_lock(lock)
    passcode_id = sim.next_id()
    lock.passcodes[passcode_id] = SimulatedPasscode(
        passcode_id,
        code,
        params.get("keyboardPwdName", ""),
        passcode_type,
        start if passcode_type == 3 else 0,
        end if passcode_type == 3 else 0,
        sim.now_ms(),
    )
    return {"keyboardPwdId": passcode_id}


async def change_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/change: optional new name, digits and period (``changeType`` 2)."""
    lock = _lock(sim, params)
    passcode = lock.passcodes.get(int_param(params, "keyboardPwdId"))
    if passcode is None:
        raise SimError(-1007, "passcode does not exist")
    new_code = params.get("newKeyboardPwd")
    if new_code is not None:
        _check_passcode_digits(new_code)
        if any(other.passcode == new_code for other in lock.passcodes.values()):
            raise SimError(-3007, "passcode already exists")
    has_period = "startDate" in params or "endDate" in params
    start = int_param(params, "startDate") if has_period else passcode.start
    end = int_param(params, "endDate") if has_period else passcode.end
    if has_period and not 0 < start < end:
        raise SimError(-3, "invalid parameter: startDate/endDate")
    if _via_gateway(params, "changeType"):
        await sim.reach_lock(lock)
    if new_code is not None:
        passcode.passcode = new_code
    if "keyboardPwdName" in params:
        passcode.name = params["keyboardPwdName"]
    if has_period:
        passcode.passcode_type, passcode.start, passcode.end = 3, start, end
    return ok_body()


async def delete_passcode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/keyboardPwd/delete (-1007 when the id is unknown)."""
    lock = _lock(sim, params)
    passcode_id = int_param(params, "keyboardPwdId")
    if passcode_id not in lock.passcodes:
        raise SimError(-1007, "passcode does not exist")
    if _via_gateway(params, "deleteType"):
        await sim.reach_lock(lock)
    del lock.passcodes[passcode_id]
    return ok_body()


ENDPOINTS: dict[str, Handler] = {
    "lock/list": lock_list,
    "lock/detail": lock_detail,
    "lock/queryOpenState": query_open_state,
    "lock/queryElectricQuantity": query_battery,
    "lock/lock": lock_command,
    "lock/unlock": unlock_command,
    "lock/configurePassageMode": configure_passage_mode,
    "lock/getPassageModeConfiguration": passage_mode_config,
    "lock/setAutoLockTime": set_auto_lock_time,
    "lock/listKeyboardPwd": passcode_list,
    "keyboardPwd/add": add_passcode,
    "keyboardPwd/change": change_passcode,
    "keyboardPwd/delete": delete_passcode,
    "lock/updateSetting": update_setting,
    "gateway/list": gateway_list,
    "gateway/listByLock": gateway_list_by_lock,
    "lockRecord/list": record_list,
}

"""The ``/v3`` endpoints of the simulated cloud (reference §3-§4, field_facts.md).

Reads answer from the cloud's state. Writes that reach the lock ("W" in the reference) need a
gateway (-2012) that is online (-3002), or the lock's own WiFi (-3036 offline, -3035 power
saving), take ``command_latency`` seconds and refuse a second command through the same gateway
(-3003) or WiFi lock (-3037) meanwhile. A method flag other than 2
(``type``/``changeType``/``addType``/``deleteType``) means "the phone already did it over
Bluetooth": the cloud answers success but the lock does not change. Passcodes live in
passcodes.py, cards and fingerprints in credentials.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import Handler, lock_of, via_gateway
from .credentials import CREDENTIAL_ENDPOINTS
from .passage import legacy_config, legacy_periods, parse_passage_periods
from .passcodes import PASSCODE_ENDPOINTS
from .wire import SimError, int_param, ok_body, page

if TYPE_CHECKING:
    from .server import TTLockSimulator

# Reference §5 bit numbers.
_BIT_AUTO_LOCK = 4
_BIT_LOCK_COMMAND = 8
_BIT_SOUND = 15
_BIT_PASSAGE_MODE = 22
# lock/updateSetting ``type`` values (reference §4); only the sound switch changes state here.
_SETTING_TYPES = frozenset({2, 3, 4, 6, 7, 8, 10, 11})
_SETTING_SOUND = 6


_NOT_SUPPORTED = "The function is not supported for this lock"


async def lock_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/list."""
    return page([lock.list_item() for lock in sim.locks.values()], params, 1000)


async def lock_detail(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/detail (-2018 when the account is not the lock's administrator)."""
    lock = lock_of(sim, params)
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
    lock = lock_of(sim, params)
    gateway = sim.gateways.get(lock.gateway_id) if lock.gateway_id is not None else None
    if gateway is None:
        return {"list": []}
    item = {"gatewayId": gateway.gateway_id, "gatewayMac": gateway.mac}
    item |= {"gatewayName": gateway.name, "rssi": -62, "rssiUpdateDate": sim.now_ms()}
    return {"list": [item]}


async def record_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lockRecord/list, newest first, optional startDate/endDate by lock time."""
    lock = lock_of(sim, params)
    start = int_param(params, "startDate", default=0)
    end = int_param(params, "endDate", default=0)
    records = [
        record
        for record in reversed(lock.records)
        if record["lockDate"] >= start and (not end or record["lockDate"] <= end)
    ]
    return page(records, params, 200)


async def passage_mode_config(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/getPassageModeConfiguration: passageMode, autoUnlock, cyclicConfig (sorted)."""
    return lock_of(sim, params).passage_config()


async def legacy_passage_mode_config(
    sim: TTLockSimulator, params: dict[str, str]
) -> dict[str, Any]:
    """v3/lock/getPassageModeConfig, the older read hass-ttlock uses (api.py)."""
    return legacy_config(lock_of(sim, params).passage_config())


async def door_sensor(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/doorSensor/query (doorSensor/query.md): only for a lock with a sensor bound.

    Feature bit 13 says "supports a door sensor", not "has one" (#175: bit 13, no sensor).
    Without a sensor the cloud answers an error that hass-ttlock cannot tell from other
    failures (its api.get_sensor); errcode 1 "failed or means no" is *unconfirmed*.
    """
    lock = lock_of(sim, params)
    if not lock.has_door_sensor:
        raise SimError(1, "failed or means no")
    return {
        "doorSensorId": lock.lock_id + 500_000,
        "name": f"Door sensor for {lock.alias.lower() or lock.name}",
        "electricQuantity": 85,
        "version": "1.0.0.210903",
        "mac": "63:42:BB:C2:61:A9",
        "number": "DS2_a961c2",
        "doorNotClosedWarningTime": 0,
    }


async def query_lock_date(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/queryDate: the lock's own clock (wakes the lock; queryLockDatetime.md)."""
    lock = await sim.reach_lock(lock_of(sim, params))
    return {"date": lock.lock_time_ms(sim.now_ms())}


async def update_lock_date(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/updateDate: set the lock's clock to the cloud's (adjustLockDatetime.md)."""
    lock = await sim.reach_lock(lock_of(sim, params))
    lock.clock_offset_ms = 0
    return {"date": lock.lock_time_ms(sim.now_ms())}


async def wifi_lock_detail(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/wifiLock/detail (wifiLock/detail.md); -4043 for a lock without WiFi (*unconfirmed*)."""
    lock = lock_of(sim, params)
    if not lock.wifi:
        raise SimError(-4043, _NOT_SUPPORTED)
    return {
        "networkName": "sim-wifi",
        "wifiMac": lock.mac,
        "rssiGrade": 3,
        "isOnline": 1 if lock.wifi_online else 0,
        "powerSavingMode": 1 if lock.power_saving else 2,
    }


async def query_open_state(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/queryOpenState (wakes the lock)."""
    lock = await sim.reach_lock(lock_of(sim, params))
    body: dict[str, Any] = {"state": 0 if lock.locked else 1}
    if lock.has_door_sensor:
        body["sensorState"] = 1 if lock.door_closed else 0
    return body


async def query_battery(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/queryElectricQuantity (wakes the lock)."""
    lock = await sim.reach_lock(lock_of(sim, params))
    return {"electricQuantity": lock.battery}


async def lock_command(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/lock (needs featureValue bit 8)."""
    lock = lock_of(sim, params)
    if not lock.supports(_BIT_LOCK_COMMAND):
        raise SimError(-4043, _NOT_SUPPORTED)
    await sim.reach_lock(lock)
    sim.apply_operation(lock, locked=True, method="gateway", push_in_background=True)
    return ok_body()


async def unlock_command(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/unlock (-4043 when "Remote unlock" is off in the app)."""
    lock = lock_of(sim, params)
    if not lock.remote_unlock_enabled:
        raise SimError(-4043, _NOT_SUPPORTED)
    await sim.reach_lock(lock)
    sim.apply_operation(lock, locked=False, method="gateway", push_in_background=True)
    return ok_body()


async def configure_passage_mode(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/configurePassageMode: ``passageMode`` 1 on / 2 off, ``cyclicConfig``, ``type`` 2.

    Without cyclicConfig the stored periods stay (*unconfirmed*); autoUnlock 1 unlocks the lock
    when a period begins (see ``TTLockSimulator.evaluate_passage_schedules``).
    """
    periods = parse_passage_periods(params["cyclicConfig"]) if params.get("cyclicConfig") else None
    return await _configure_passage(sim, params, periods)


async def legacy_configure_passage_mode(
    sim: TTLockSimulator, params: dict[str, str]
) -> dict[str, Any]:
    """v3/lock/configPassageMode: one period as flat isAllDay/startDate/endDate/weekDays."""
    return await _configure_passage(sim, params, legacy_periods(params) or None)


async def _configure_passage(
    sim: TTLockSimulator, params: dict[str, str], periods: list[dict[str, Any]] | None
) -> dict[str, Any]:
    lock = lock_of(sim, params)
    mode = int_param(params, "passageMode")
    if mode not in (1, 2):
        raise SimError(-3, "invalid parameter: passageMode")
    auto_unlock = int_param(params, "autoUnlock", default=0)
    if auto_unlock not in (0, 1, 2):
        raise SimError(-3, "invalid parameter: autoUnlock")
    if not lock.supports(_BIT_PASSAGE_MODE):
        raise SimError(-4043, _NOT_SUPPORTED)
    if via_gateway(params, "type"):
        await sim.reach_lock(lock)
        if periods is not None:
            lock.passage_periods = periods
        if auto_unlock:
            lock.passage_auto_unlock = auto_unlock == 1
        sim.set_passage_mode(lock, mode == 1)
    return ok_body()


async def set_auto_lock_time(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/setAutoLockTime (``seconds`` 0 or -1 = off, max 900; -4082 otherwise).

    The 900 s maximum is unconfirmed (the reference gives none); it matches the number entity.
    """
    lock = lock_of(sim, params)
    seconds = int_param(params, "seconds")
    if not -1 <= seconds <= 900:
        raise SimError(-4082, "invalid auto-lock period")
    if not lock.supports(_BIT_AUTO_LOCK):
        raise SimError(-4043, _NOT_SUPPORTED)
    if via_gateway(params, "type"):
        await sim.reach_lock(lock)
        lock.auto_lock_time = max(seconds, 0)
    return ok_body()


async def update_setting(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/lock/updateSetting (``type`` 6 = sound, ``value`` 1 on / 2 off, ``changeType`` 2)."""
    lock = lock_of(sim, params)
    setting = int_param(params, "type")
    value = int_param(params, "value")
    if setting not in _SETTING_TYPES:
        raise SimError(-3, "invalid parameter: type")
    if setting == _SETTING_SOUND and not lock.supports(_BIT_SOUND):
        raise SimError(-4043, _NOT_SUPPORTED)
    if via_gateway(params, "changeType"):
        await sim.reach_lock(lock)
        if setting == _SETTING_SOUND:
            lock.sound_enabled = value == 1
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
    "lock/getPassageModeConfig": legacy_passage_mode_config,
    "lock/configPassageMode": legacy_configure_passage_mode,
    "lock/setAutoLockTime": set_auto_lock_time,
    "lock/updateSetting": update_setting,
    "lock/queryDate": query_lock_date,
    "lock/updateDate": update_lock_date,
    "doorSensor/query": door_sensor,
    "wifiLock/detail": wifi_lock_detail,
    "gateway/list": gateway_list,
    "gateway/listByLock": gateway_list_by_lock,
    "lockRecord/list": record_list,
    **PASSCODE_ENDPOINTS,
    **CREDENTIAL_ENDPOINTS,
}

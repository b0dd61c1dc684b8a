"""Async client of the TTLock Open API ``/v3`` endpoints (reference §4).

Reads are GET calls answered by the cloud; commands wake the lock through its gateway (POST forms
with the method flag 2), are serialised per gateway and cost lock battery.
"""

from __future__ import annotations

import json
from typing import Any

from .access import TTLockAccessApi
from .base import parse_each
from .const import (
    GATEWAY_LIST_MAX_PAGE_SIZE,
    LOCK_LIST_MAX_PAGE_SIZE,
    MAX_PAGES,
    PASSCODE_LIST_PAGE_SIZE,
    RECORD_LIST_MAX_PAGE_SIZE,
    SETTING_SOUND,
    VIA_GATEWAY,
)
from .errors import (
    ERRCODE_NO_PASSCODE,
    RETRYABLE_ERRCODES,
    TTLockError,
    TTLockNotSupportedError,
    TTLockRemoteUnlockDisabledError,
)
from .models import (
    OpenState,
    TTLockDoorSensor,
    TTLockGateway,
    TTLockLock,
    TTLockOpenStatus,
    TTLockPasscode,
    TTLockRecord,
    optional_int,
)
from .passage import TTLockPassageConfig

__all__ = ["TTLockClient"]

# doorSensor/query's answers that mean "no sensor is bound" (see async_get_door_sensor).
_NO_DOOR_SENSOR_ERRCODES = frozenset({1, -4043})


class TTLockClient(TTLockAccessApi):
    """Calls the TTLock cloud for one account (one access token)."""

    # --------------------------------------------------------------------------- reads

    async def async_list_locks(self) -> list[TTLockLock]:
        """Every lock the account administers (v3/lock/list, all pages)."""
        items = await self._async_pages("lock/list", {}, LOCK_LIST_MAX_PAGE_SIZE)
        locks = parse_each(items, TTLockLock.from_api)
        self._serializer.set_locks_with_gateway(lock.lock_id for lock in locks if lock.has_gateway)
        return locks

    async def async_get_lock_detail(self, lock_id: int) -> TTLockLock:
        """Full settings of one lock (v3/lock/detail)."""
        body = await self._async_call("GET", "lock/detail", {"lockId": lock_id})
        return TTLockLock.from_api(body)

    async def async_list_gateways(self) -> list[TTLockGateway]:
        """Every gateway of the account (v3/gateway/list, all pages, ordered by name)."""
        items = await self._async_pages("gateway/list", {"orderBy": 0}, GATEWAY_LIST_MAX_PAGE_SIZE)
        gateways = parse_each(items, TTLockGateway.from_api)
        self._serializer.set_account_gateways(gateway.gateway_id for gateway in gateways)
        return gateways

    async def async_list_lock_gateways(self, lock_id: int) -> list[TTLockGateway]:
        """Gateways that reach ``lock_id`` (v3/gateway/listByLock); remembers the first one."""
        body = await self._async_call("GET", "gateway/listByLock", {"lockId": lock_id})
        items = body.get("list")
        gateways = parse_each(items if isinstance(items, list) else [], TTLockGateway.from_api)
        if gateways:
            self._serializer.set_lock_gateway(lock_id, gateways[0].gateway_id)
        return gateways

    async def async_list_records(
        self,
        lock_id: int,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        page_size: int = 100,
        max_pages: int = MAX_PAGES,
    ) -> list[TTLockRecord]:
        """Records of ``lock_id`` (v3/lockRecord/list), newest first, optionally between two lock
        times and from at most ``max_pages`` pages (one page: one call). A cloud read: it does
        not wake the lock.
        """
        params: dict[str, Any] = {"lockId": lock_id}
        if start_ms is not None:
            params["startDate"] = start_ms
        if end_ms is not None:
            params["endDate"] = end_ms
        size = max(1, min(page_size, RECORD_LIST_MAX_PAGE_SIZE))
        items = await self._async_pages("lockRecord/list", params, size, max_pages=max_pages)
        return parse_each(items, lambda item: TTLockRecord.from_api(item, lock_id=lock_id))

    async def async_get_door_sensor(self, lock_id: int) -> TTLockDoorSensor | None:
        """The door sensor bound to ``lock_id`` (v3/doorSensor/query); None when none is.

        A cloud read (it does not wake the lock). Without a bound sensor the cloud answers an
        undocumented error: errcode 1 "failed or means no" (the simulator's choice, *unconfirmed*)
        and -4043 "function not supported" are taken as "none"; errcode 1 is therefore an answer
        here, not retried. Any other error raises.
        """
        try:
            body = await self._async_call(
                "POST",
                "doorSensor/query",
                {"lockId": lock_id},
                retry_errcodes=RETRYABLE_ERRCODES - {1},
            )
        except TTLockError as err:
            if err.errcode in _NO_DOOR_SENSOR_ERRCODES:
                return None
            raise
        return TTLockDoorSensor.from_api(body)

    async def async_get_passage_mode_config(self, lock_id: int) -> TTLockPassageConfig:
        """The passage-mode schedule of ``lock_id`` (v3/lock/getPassageModeConfiguration).

        A cloud read: it does not wake the lock.
        """
        body = await self._async_call(
            "GET", "lock/getPassageModeConfiguration", {"lockId": lock_id}
        )
        try:
            return TTLockPassageConfig.from_api(body)
        except ValueError as err:
            raise TTLockError(f"TTLock answered an unreadable passage schedule: {err}") from err

    async def async_list_passcodes(self, lock_id: int) -> list[TTLockPasscode]:
        """Passcodes of ``lock_id`` (v3/lock/listKeyboardPwd, all pages, newest first)."""
        items = await self._async_pages(
            "lock/listKeyboardPwd", {"lockId": lock_id, "orderBy": 1}, PASSCODE_LIST_PAGE_SIZE
        )
        return parse_each(items, TTLockPasscode.from_api)

    # -------------------------------------------------------- commands (wake the lock)

    async def async_query_open_state(self, lock_id: int) -> OpenState:
        """Ask the lock whether it is locked (wakes the lock; costs battery)."""
        return (await self.async_query_open_status(lock_id)).state

    async def async_query_open_status(self, lock_id: int) -> TTLockOpenStatus:
        """Bolt state and door sensor state in one query (wakes the lock)."""
        async with self._serializer.queue_for(lock_id):
            body = await self._async_call("GET", "lock/queryOpenState", {"lockId": lock_id})
        return TTLockOpenStatus.from_api(body)

    async def async_query_battery(self, lock_id: int) -> int:
        """Ask the lock for its battery level in % (wakes the lock)."""
        async with self._serializer.queue_for(lock_id):
            body = await self._async_call("GET", "lock/queryElectricQuantity", {"lockId": lock_id})
        battery = optional_int(body.get("electricQuantity"))
        if battery is None:
            raise TTLockError("TTLock answered without electricQuantity")
        return battery

    async def async_lock(self, lock_id: int) -> None:
        """Lock through the gateway (needs featureValue bit 8)."""
        await self._async_command(lock_id, "lock/lock", {})

    async def async_unlock(self, lock_id: int) -> None:
        """Unlock through the gateway; -4043 raises ``TTLockRemoteUnlockDisabledError``."""
        try:
            await self._async_command(lock_id, "lock/unlock", {})
        except TTLockNotSupportedError as err:
            # For an unlock, "function not supported" is the app's Remote Unlock switch (§6).
            raise TTLockRemoteUnlockDisabledError(errcode=err.errcode, errmsg=err.errmsg) from err

    async def async_set_passage_mode(
        self,
        lock_id: int,
        enabled: bool,
        *,
        cyclic_config: list[dict[str, Any]] | None = None,
        auto_unlock: bool | None = None,
    ) -> None:
        """Switch passage mode on (1) or off (2), optionally with a schedule (≤ 5 periods).

        ``auto_unlock`` unlocks the lock when a period starts (featureValue bit 46).
        """
        params: dict[str, Any] = {"passageMode": 1 if enabled else 2, "type": VIA_GATEWAY}
        if cyclic_config is not None:
            params["cyclicConfig"] = json.dumps(cyclic_config, separators=(",", ":"))
        if auto_unlock is not None:
            params["autoUnlock"] = 1 if auto_unlock else 2
        await self._async_command(lock_id, "lock/configurePassageMode", params)

    async def async_set_auto_lock_time(self, lock_id: int, seconds: int) -> None:
        """Set the auto-lock delay in seconds (0 turns auto-lock off)."""
        await self._async_command(
            lock_id, "lock/setAutoLockTime", {"seconds": seconds, "type": VIA_GATEWAY}
        )

    async def async_set_sound(self, lock_id: int, enabled: bool) -> None:
        """Switch the lock's sound on or off (v3/lock/updateSetting type 6, needs bit 15)."""
        await self._async_command(
            lock_id,
            "lock/updateSetting",
            {"type": SETTING_SOUND, "value": 1 if enabled else 2, "changeType": VIA_GATEWAY},
        )

    async def async_add_passcode(
        self,
        lock_id: int,
        passcode: str,
        name: str | None,
        start_ms: int | None,
        end_ms: int | None,
    ) -> int:
        """Add a custom passcode and return its ``keyboardPwdId``.

        Without ``start_ms``/``end_ms`` the passcode is permanent (type 2), otherwise it is valid
        for the period (type 3, both bounds required). Not repeated after a timeout: a second
        attempt could add the code twice.
        """
        if (start_ms is None) != (end_ms is None):
            raise ValueError("start_ms and end_ms must be given together")
        params: dict[str, Any] = {"keyboardPwd": passcode, "addType": VIA_GATEWAY}
        if name:
            params["keyboardPwdName"] = name
        if start_ms is None:
            params["keyboardPwdType"] = 2
        else:
            params.update(keyboardPwdType=3, startDate=start_ms, endDate=end_ms)
        body = await self._async_command(lock_id, "keyboardPwd/add", params, idempotent=False)
        passcode_id = optional_int(body.get("keyboardPwdId"))
        if passcode_id is None:
            raise TTLockError("TTLock answered without keyboardPwdId")
        return passcode_id

    async def async_change_passcode(
        self,
        lock_id: int,
        passcode_id: int,
        *,
        name: str | None = None,
        new_passcode: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
    ) -> None:
        """Rename a passcode, change its digits and/or its validity period (v3/keyboardPwd/change).

        A name alone is the cloud's: sent without ``changeType`` (passcode/update.md), it does
        not wake the lock nor wait for the gateway. New digits are not repeated after a failure
        that may have followed their effect (the repeat would meet -3007, its own code).
        """
        if (start_ms is None) != (end_ms is None):
            raise ValueError("start_ms and end_ms must be given together")
        params: dict[str, Any] = {"keyboardPwdId": passcode_id}
        if name is not None:
            params["keyboardPwdName"] = name
        if new_passcode is None and start_ms is None:
            await self._async_call("POST", "keyboardPwd/change", {"lockId": lock_id, **params})
            return
        params["changeType"] = VIA_GATEWAY
        if new_passcode is not None:
            params["newKeyboardPwd"] = new_passcode
        if start_ms is not None:
            params.update(startDate=start_ms, endDate=end_ms)
        await self._async_command(
            lock_id, "keyboardPwd/change", params, idempotent=new_passcode is None
        )

    async def async_delete_passcode(self, lock_id: int, passcode_id: int) -> None:
        """Delete a passcode from the lock and the cloud.

        Repeated after a failure that may have followed its effect (errcode 1, a timeout), a
        delete answered -1007 "no password data" found the code gone: that is success. The
        first attempt answered -1007 raises (the id was never there).
        """
        await self._async_command(
            lock_id,
            "keyboardPwd/delete",
            {"keyboardPwdId": passcode_id, "deleteType": VIA_GATEWAY},
            done_on_repeat=frozenset({ERRCODE_NO_PASSCODE}),
        )

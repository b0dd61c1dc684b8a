"""Async client of the TTLock Open API ``/v3`` endpoints (reference §3-§4).

Every call carries ``clientId``, ``accessToken`` and ``date`` (ms); reads are GET with a query
string, writes are POST forms with the method flag 2 (execute through the gateway). Transient
failures are retried with a bounded exponential backoff; commands that wake a lock are serialised
per gateway. A token refused with 10003/10004 raises ``TTLockTokenExpiredError``: the caller (Home
Assistant's OAuth session) refreshes once and retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
import json
import logging
import time
from typing import Any

import aiohttp

from .const import (
    DEFAULT_TIMEOUT,
    GATEWAY_LIST_MAX_PAGE_SIZE,
    LOCK_LIST_MAX_PAGE_SIZE,
    MAX_PAGES,
    PASSCODE_LIST_PAGE_SIZE,
    RECORD_LIST_MAX_PAGE_SIZE,
    VIA_GATEWAY,
)
from .errors import RETRYABLE_ERRCODES, TTLockConnectionError, TTLockError, TTLockTransientError
from .models import (
    OpenState,
    TTLockGateway,
    TTLockLock,
    TTLockPasscode,
    TTLockRecord,
    optional_int,
)
from .serializer import CommandSerializer
from .transport import async_send

_LOGGER = logging.getLogger(__name__)

TokenProvider = Callable[[], Awaitable[str]]
Sleep = Callable[[float], Awaitable[None]]

# Backoff before retry n (0-based): base * 2**n, never more than the cap.
RETRY_BASE_DELAY = 1.0
RETRY_MAX_DELAY = 8.0


class TTLockClient:
    """Calls the TTLock cloud for one account (one access token)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        client_id: str,
        token_provider: TokenProvider,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        retry_base_delay: float = RETRY_BASE_DELAY,
    ) -> None:
        """Create a client; ``clock`` gives epoch seconds, ``sleep`` waits between retries."""
        self._session = session
        self._host = host.rstrip("/")
        self._client_id = client_id
        self._token_provider = token_provider
        self._timeout = timeout
        self._retries = max(0, retries)
        self._clock = clock
        self._sleep = sleep
        self._retry_base_delay = retry_base_delay
        self._serializer = CommandSerializer()
        self._calls_day: str | None = None
        self._calls_today = 0

    # ----------------------------------------------------------------- call accounting

    @property
    def calls_today(self) -> int:
        """HTTP calls this client made since local midnight (the cloud's quota counts calls)."""
        if self._calls_day != self._local_day():
            return 0
        return self._calls_today

    def _local_day(self) -> str:
        return datetime.fromtimestamp(self._clock()).date().isoformat()

    def _count_call(self) -> None:
        today = self._local_day()
        if today != self._calls_day:
            self._calls_day = today
            self._calls_today = 0
        self._calls_today += 1

    # ------------------------------------------------------------------- serialisation

    def set_lock_gateway(self, lock_id: int, gateway_id: int) -> None:
        """Tell the client which gateway relays commands to ``lock_id``."""
        self._serializer.set_lock_gateway(lock_id, gateway_id)

    def command_queue_key(self, lock_id: int) -> tuple[str, int]:
        """``("gateway", id)`` or ``("lock", id)``: the queue commands for ``lock_id`` wait in."""
        return self._serializer.queue_key(lock_id)

    # ------------------------------------------------------------------------ requests

    async def _async_call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Call ``/v3/{path}`` with the common parameters, retrying transient failures.

        A non-idempotent write is not repeated after a timeout or network error (it may have
        reached the lock); it is repeated after an errcode that says the lock was not reached.
        """
        url = f"{self._host}/v3/{path}"
        attempt = 0
        while True:
            form = {key: str(value) for key, value in (params or {}).items()}
            form["clientId"] = self._client_id
            form["accessToken"] = await self._token_provider()
            form["date"] = str(int(self._clock() * 1000))
            self._count_call()
            try:
                return await async_send(
                    self._session, method, url, form, request_timeout=self._timeout
                )
            except TTLockTransientError as err:
                if attempt >= self._retries or not _should_retry(err, idempotent=idempotent):
                    raise
                delay = min(self._retry_base_delay * 2**attempt, RETRY_MAX_DELAY)
                _LOGGER.debug("TTLock %s failed (%s); retry in %.1f s", path, err, delay)
                attempt += 1
                await self._sleep(delay)

    async def _async_command(
        self, lock_id: int, path: str, params: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        """A call that wakes the lock: waits for other commands through the same gateway."""
        async with self._serializer.queue_for(lock_id):
            return await self._async_call(
                "POST", path, {"lockId": lock_id, **params}, idempotent=idempotent
            )

    async def _async_pages(
        self, path: str, params: dict[str, Any], page_size: int
    ) -> list[dict[str, Any]]:
        """Every ``list`` item of a paged GET endpoint (at most ``MAX_PAGES`` pages)."""
        items: list[dict[str, Any]] = []
        page_no = 1
        while page_no <= MAX_PAGES:
            body = await self._async_call(
                "GET", path, {**params, "pageNo": page_no, "pageSize": page_size}
            )
            page = body.get("list")
            if not isinstance(page, list):
                raise TTLockError(f"TTLock {path} answered without a list")
            items.extend(item for item in page if isinstance(item, dict))
            pages = optional_int(body.get("pages")) or 1
            if page_no >= pages or not page:
                break
            page_no += 1
        return items

    # --------------------------------------------------------------------------- reads

    async def async_list_locks(self) -> list[TTLockLock]:
        """Every lock the account administers (v3/lock/list, all pages)."""
        items = await self._async_pages("lock/list", {}, LOCK_LIST_MAX_PAGE_SIZE)
        locks = _parse_each(items, TTLockLock.from_api)
        self._serializer.set_locks_with_gateway(lock.lock_id for lock in locks if lock.has_gateway)
        return locks

    async def async_get_lock_detail(self, lock_id: int) -> TTLockLock:
        """Full settings of one lock (v3/lock/detail)."""
        body = await self._async_call("GET", "lock/detail", {"lockId": lock_id})
        return TTLockLock.from_api(body)

    async def async_list_gateways(self) -> list[TTLockGateway]:
        """Every gateway of the account (v3/gateway/list, all pages, ordered by name)."""
        items = await self._async_pages("gateway/list", {"orderBy": 0}, GATEWAY_LIST_MAX_PAGE_SIZE)
        gateways = _parse_each(items, TTLockGateway.from_api)
        self._serializer.set_account_gateways(gateway.gateway_id for gateway in gateways)
        return gateways

    async def async_list_lock_gateways(self, lock_id: int) -> list[TTLockGateway]:
        """Gateways that reach ``lock_id`` (v3/gateway/listByLock); remembers the first one."""
        body = await self._async_call("GET", "gateway/listByLock", {"lockId": lock_id})
        items = body.get("list")
        gateways = _parse_each(items if isinstance(items, list) else [], TTLockGateway.from_api)
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
    ) -> list[TTLockRecord]:
        """Records of ``lock_id`` (v3/lockRecord/list), optionally between two lock times."""
        params: dict[str, Any] = {"lockId": lock_id}
        if start_ms is not None:
            params["startDate"] = start_ms
        if end_ms is not None:
            params["endDate"] = end_ms
        size = max(1, min(page_size, RECORD_LIST_MAX_PAGE_SIZE))
        items = await self._async_pages("lockRecord/list", params, size)
        return _parse_each(items, lambda item: TTLockRecord.from_api(item, lock_id=lock_id))

    async def async_list_passcodes(self, lock_id: int) -> list[TTLockPasscode]:
        """Passcodes of ``lock_id`` (v3/lock/listKeyboardPwd, all pages, newest first)."""
        items = await self._async_pages(
            "lock/listKeyboardPwd", {"lockId": lock_id, "orderBy": 1}, PASSCODE_LIST_PAGE_SIZE
        )
        return _parse_each(items, TTLockPasscode.from_api)

    # -------------------------------------------------------- commands (wake the lock)

    async def async_query_open_state(self, lock_id: int) -> OpenState:
        """Ask the lock whether it is locked (wakes the lock; costs battery)."""
        async with self._serializer.queue_for(lock_id):
            body = await self._async_call("GET", "lock/queryOpenState", {"lockId": lock_id})
        state = optional_int(body.get("state"))
        return OpenState(state) if state in (0, 1) else OpenState.UNKNOWN

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
        await self._async_command(lock_id, "lock/unlock", {})

    async def async_set_passage_mode(
        self, lock_id: int, enabled: bool, *, cyclic_config: list[dict[str, Any]] | None = None
    ) -> None:
        """Switch passage mode on (1) or off (2), optionally with a schedule (≤ 5 periods)."""
        params: dict[str, Any] = {"passageMode": 1 if enabled else 2, "type": VIA_GATEWAY}
        if cyclic_config is not None:
            params["cyclicConfig"] = json.dumps(cyclic_config, separators=(",", ":"))
        await self._async_command(lock_id, "lock/configurePassageMode", params)

    async def async_set_auto_lock_time(self, lock_id: int, seconds: int) -> None:
        """Set the auto-lock delay in seconds (0 turns auto-lock off)."""
        await self._async_command(
            lock_id, "lock/setAutoLockTime", {"seconds": seconds, "type": VIA_GATEWAY}
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

    async def async_delete_passcode(self, lock_id: int, passcode_id: int) -> None:
        """Delete a passcode from the lock and the cloud."""
        await self._async_command(
            lock_id,
            "keyboardPwd/delete",
            {"keyboardPwdId": passcode_id, "deleteType": VIA_GATEWAY},
        )


def _should_retry(err: TTLockTransientError, *, idempotent: bool) -> bool:
    if isinstance(err, TTLockConnectionError):
        return idempotent
    return err.errcode in RETRYABLE_ERRCODES


def _parse_each[T](items: list[Any], parse: Callable[[dict[str, Any]], T]) -> list[T]:
    """Parse every item, skipping (and logging) malformed ones instead of failing the list."""
    parsed: list[T] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except (ValueError, TypeError) as err:
            _LOGGER.debug("Skipping malformed TTLock item: %s", err)
    return parsed

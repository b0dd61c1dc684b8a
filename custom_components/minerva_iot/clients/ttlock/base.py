"""Request machinery of the TTLock client: common parameters, token, retries, paging.

Every call carries ``clientId``, ``accessToken`` and ``date`` (ms); reads are GET with a query
string, writes are POST forms with the method flag 2 (execute through the gateway). Transient
failures are retried with a bounded exponential backoff; commands that wake a lock are serialised
per gateway. A token refused with 10003/10004 is refreshed once through ``TTLockAuth`` and the
call repeated (the cloud refused it before doing anything); refused again, the call raises
``TTLockTokenExpiredError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
import time
from typing import Any

import aiohttp

from .auth import TTLockAuth
from .const import DEFAULT_TIMEOUT, MAX_PAGES
from .errors import (
    LOCK_NOT_REACHED_ERRCODES,
    RETRYABLE_ERRCODES,
    TTLockConnectionError,
    TTLockError,
    TTLockOutcomeUnknownError,
    TTLockTokenExpiredError,
    TTLockTransientError,
)
from .models import optional_int
from .serializer import CommandSerializer
from .transport import async_send

_LOGGER = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

# Backoff before retry n (0-based): base * 2**n, never more than the cap.
RETRY_BASE_DELAY = 1.0
RETRY_MAX_DELAY = 8.0


class TTLockApiBase:
    """Calls ``/v3`` endpoints for one account (one access token); endpoints live in subclasses."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        client_id: str,
        auth: TTLockAuth,
        *,
        on_request: Callable[[], None] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
        clock: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
        retry_base_delay: float = RETRY_BASE_DELAY,
    ) -> None:
        """Create a client.

        ``on_request`` is called once per HTTP request (the cloud's quota counts requests),
        ``clock`` gives epoch seconds (the ``date`` parameter), ``sleep`` waits between retries.
        """
        self._session = session
        self._host = host.rstrip("/")
        self._client_id = client_id
        self._auth = auth
        self._on_request = on_request
        # Held while the token is fetched or replaced: one refresh for any number of callers.
        self._token_lock = asyncio.Lock()
        self._timeout = timeout
        self._retries = max(0, retries)
        # Looked up at call time (not bound at import) so that frozen test clocks move it too.
        self._clock: Callable[[], float] = clock or (lambda: time.time())
        self._sleep = sleep
        self._retry_base_delay = retry_base_delay
        self._serializer = CommandSerializer()

    # --------------------------------------------------------------------------- token

    async def _async_access_token(self) -> str:
        async with self._token_lock:
            return await self._auth.async_get_access_token()

    async def _async_replace_rejected(self, rejected: str) -> None:
        """Refresh unless a concurrent call already replaced the refused token."""
        async with self._token_lock:
            if await self._auth.async_get_access_token() == rejected:
                _LOGGER.debug("TTLock refused the access token; refreshing it once")
                await self._auth.async_refresh_rejected_token(rejected)

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
        retry_errcodes: frozenset[int] = RETRYABLE_ERRCODES,
        done_on_repeat: frozenset[int] = frozenset(),
    ) -> dict[str, Any]:
        """Call ``/v3/{path}`` with the common parameters, retrying transient failures.

        A non-idempotent write is not repeated after a timeout, a network error or an errcode
        that may follow its effect (1 then raises ``TTLockOutcomeUnknownError``); it is repeated
        after an errcode that says the lock was not reached. ``retry_errcodes`` are the codes an
        idempotent call is repeated after; an errcode of ``done_on_repeat`` answering a repeat
        means the first attempt took effect: the call succeeded.
        """
        url = f"{self._host}/v3/{path}"
        attempt = 0
        refreshed = False
        while True:
            form = {key: str(value) for key, value in (params or {}).items()}
            form["clientId"] = self._client_id
            form["accessToken"] = token = await self._async_access_token()
            form["date"] = str(int(self._clock() * 1000))
            if self._on_request is not None:
                self._on_request()
            try:
                return await async_send(
                    self._session, method, url, form, request_timeout=self._timeout
                )
            except TTLockTokenExpiredError:
                if refreshed:
                    raise
                refreshed = True
                await self._async_replace_rejected(token)
            except TTLockTransientError as err:
                if not idempotent and err.errcode == 1:
                    raise TTLockOutcomeUnknownError(errcode=1, errmsg=err.errmsg) from err
                retry = _should_retry(err, idempotent=idempotent, retry_errcodes=retry_errcodes)
                if attempt >= self._retries or not retry:
                    raise
                delay = min(self._retry_base_delay * 2**attempt, RETRY_MAX_DELAY)
                _LOGGER.debug("TTLock %s failed (%s); retry in %.1f s", path, err, delay)
                attempt += 1
                await self._sleep(delay)
            except TTLockError as err:
                if attempt and err.errcode in done_on_repeat:
                    _LOGGER.debug("TTLock %s: the first attempt took effect (%s)", path, err)
                    return {"errcode": 0}
                raise

    async def _async_command(
        self,
        lock_id: int,
        path: str,
        params: dict[str, Any],
        *,
        idempotent: bool = True,
        done_on_repeat: frozenset[int] = frozenset(),
    ) -> dict[str, Any]:
        """A call that wakes the lock: waits for other commands through the same gateway."""
        async with self._serializer.queue_for(lock_id):
            return await self._async_call(
                "POST",
                path,
                {"lockId": lock_id, **params},
                idempotent=idempotent,
                done_on_repeat=done_on_repeat,
            )

    async def _async_pages(
        self, path: str, params: dict[str, Any], page_size: int, *, max_pages: int = MAX_PAGES
    ) -> list[dict[str, Any]]:
        """Every ``list`` item of a paged GET endpoint (at most ``max_pages`` pages)."""
        items: list[dict[str, Any]] = []
        page_no = 1
        while page_no <= min(max_pages, MAX_PAGES):
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


def _should_retry(
    err: TTLockTransientError, *, idempotent: bool, retry_errcodes: frozenset[int]
) -> bool:
    if isinstance(err, TTLockConnectionError):
        return idempotent
    if not idempotent:
        return err.errcode in LOCK_NOT_REACHED_ERRCODES
    return err.errcode in retry_errcodes


def parse_each[T](items: list[Any], parse: Callable[[dict[str, Any]], T]) -> list[T]:
    """Parse every item, skipping (and logging) malformed ones instead of failing the list."""
    parsed: list[T] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except (ValueError, TypeError) as err:
            _LOGGER.debug("Skipping malformed TTLock item: %s", err)
    return parsed

"""Client-credentials access tokens: fetch, cache in memory, refresh early, single flight."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Any

import aiohttp

from .errors import MilesightError, MilesightResponseError
from .transport import async_request_json

TOKEN_PATH = "/oauth/token"
# The documented lifetime, used when the answer does not say.
DEFAULT_EXPIRES_IN = 3599
# A new token is fetched this many seconds before the cached one expires.
DEFAULT_REFRESH_MARGIN = 300


@dataclass(frozen=True)
class MilesightToken:
    """An access token and when it expires (epoch seconds)."""

    access_token: str
    expires_at: float


class MilesightTokenManager:
    """Owns the access token of one Application.

    The cloud documents no refresh grant: a new client-credentials token is fetched
    ``refresh_margin`` seconds before expiry or after a 401. Concurrent callers share one
    request. Tokens live in memory only and are never logged.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        server: str,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] | None = None,
        timeout: float = 30,
        on_request: Callable[[], None] | None = None,
    ) -> None:
        self._session = session
        # Called once per token request sent (see MilesightClient).
        self._on_request = on_request
        self._url = f"{server}{TOKEN_PATH}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_margin = refresh_margin
        # Looked up at call time, not bound at import, so patched clocks (tests) apply.
        self._clock = clock or (lambda: time.time())
        self._timeout = timeout
        self._token: MilesightToken | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        self._attempts = 0
        self._last_error: MilesightError | None = None

    @property
    def expires_at(self) -> float | None:
        """Expiry of the cached token, None when there is none."""
        return None if self._token is None else self._token.expires_at

    def _cached(self) -> str | None:
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token.access_token
        return None

    async def async_get_token(self) -> str:
        """Return a valid access token, fetching one only when the cache cannot serve.

        Callers arriving while a fetch is in flight wait for it and share its outcome: its token,
        or its error (so an outage costs one timeout, not one per waiting caller).
        """
        if (token := self._cached()) is not None:
            return token
        attempts_seen = self._attempts
        async with self._lock:
            # Whoever held the lock before us may just have fetched a fresh one, or failed.
            if (token := self._cached()) is not None:
                return token
            if self._attempts != attempts_seen and self._last_error is not None:
                raise self._last_error
            return (await self._async_fetch()).access_token

    def invalidate(self, rejected: str | None = None) -> None:
        """Drop the cached token.

        With ``rejected``, drop it only if it is still that token: several calls failing with the
        same stale token must not throw away the fresh one the first of them fetched.
        """
        if rejected is None or (self._token is not None and self._token.access_token == rejected):
            self._token = None

    async def async_refresh(self) -> MilesightToken:
        """Fetch a new token even if the cached one is still valid."""
        async with self._lock:
            return await self._async_fetch()

    async def _async_fetch(self) -> MilesightToken:
        # Counts finished attempts: a waiter that saw the counter move while it waited knows
        # that the attempt it waited for is over, and shares its error.
        self._last_error = None
        try:
            return await self._async_request_token()
        except MilesightError as err:
            self._last_error = err
            raise
        finally:
            self._attempts += 1

    async def _async_request_token(self) -> MilesightToken:
        if self._on_request is not None:
            self._on_request()
        data: Any = await async_request_json(
            self._session,
            "POST",
            self._url,
            timeout_s=self._timeout,
            endpoint="oauth/token",
            form={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
        )
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise MilesightResponseError("oauth/token: no access_token in the answer")
        try:
            expires_in = float(data.get("expires_in", DEFAULT_EXPIRES_IN))
        except (TypeError, ValueError) as err:
            raise MilesightResponseError("oauth/token: invalid expires_in") from err
        now = self._clock()
        # A margin larger than the lifetime would make every call fetch a new token.
        margin = min(self._refresh_margin, expires_in / 2)
        token = MilesightToken(access_token=data["access_token"], expires_at=now + expires_in)
        self._token = token
        self._refresh_at = token.expires_at - margin
        return token

"""The client's token rule: ask `TTLockAuth` before every call, refresh a refused token once.

Against the simulator: 10004 (expired) and 10003 (unknown) refuse the call before it does
anything, so the client refreshes once and repeats it; refused again, it raises
`TTLockTokenExpiredError`. However many calls are refused together, there is one refresh.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from custom_components.minerva_iot.clients.ttlock import TTLockAuth, TTLockTokenExpiredError
from simulators.ttlock import TTLockSimulator

from .conftest import ClientFactory, TokenAuth

CONCURRENT_CALLERS = 100


async def test_refused_token_is_refreshed_once_and_the_call_repeated(
    make_client: ClientFactory, sim: TTLockSimulator, auth: TokenAuth
) -> None:
    """10004: one refresh, the call repeated with the new token."""
    client = make_client()
    before = sim.calls["oauth2/token"]
    sim.expire_access_tokens()
    locks = await client.async_list_locks()
    assert locks
    assert sim.calls["lock/list"] == 2
    assert sim.calls["oauth2/token"] == before + 1
    assert auth.refreshes == 1


async def test_refused_again_after_the_refresh_raises(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """The new token refused as well: the client gives up (the application asks for a login)."""

    class RefreshesToADeadToken(TTLockAuth):
        refreshes = 0

        async def async_get_access_token(self) -> str:
            return "never-issued"

        async def async_refresh_rejected_token(self, rejected: str) -> None:
            self.refreshes += 1

    auth = RefreshesToADeadToken()
    client = make_client(auth=auth)
    with pytest.raises(TTLockTokenExpiredError) as caught:
        await client.async_list_gateways()
    assert caught.value.errcode == 10003
    assert sim.calls["gateway/list"] == 2
    assert auth.refreshes == 1


async def test_refused_refresh_raises_its_error(
    make_client: ClientFactory, sim: TTLockSimulator
) -> None:
    """A dead refresh token: the refresh's own auth error, the call not repeated."""
    sim.expire_access_tokens()
    sim.revoke_refresh_tokens()
    with pytest.raises(TTLockTokenExpiredError) as caught:
        await make_client().async_list_locks()
    assert caught.value.errcode == 10011
    assert sim.calls["lock/list"] == 1


async def test_many_refused_calls_refresh_once(
    make_client: ClientFactory, sim: TTLockSimulator, auth: TokenAuth
) -> None:
    """100 calls refused at once: exactly one token request, every call repeated and answered."""
    client = make_client()
    before = sim.calls["oauth2/token"]
    sim.expire_access_tokens()
    results = await asyncio.gather(
        *(client.async_list_gateways() for _ in range(CONCURRENT_CALLERS))
    )
    assert all(results)
    assert sim.calls["oauth2/token"] == before + 1
    assert auth.refreshes == 1


class ExpiringAuth(TokenAuth):
    """Refreshes on its own once the token's lifetime is over (no lock of its own)."""

    def __init__(self, session: aiohttp.ClientSession, host: str, token: dict[str, Any]) -> None:
        """The token is already past its lifetime."""
        super().__init__(session, host, token)
        self.expires_at = time.time() - 1

    async def async_get_access_token(self) -> str:
        """Refresh first when expired."""
        if self.expires_at <= time.time():
            await self.async_refresh_rejected_token(str(self.token["access_token"]))
            self.expires_at = time.time() + int(self.token["expires_in"])
        return await super().async_get_access_token()


async def test_many_calls_with_an_expired_token_refresh_once(
    make_client: ClientFactory,
    sim: TTLockSimulator,
    session: aiohttp.ClientSession,
    token: dict[str, Any],
) -> None:
    """The client asks its auth one caller at a time: 100 callers, one refresh, no refusal."""
    auth = ExpiringAuth(session, sim.url, token)
    client = make_client(auth=auth)
    before = sim.calls["oauth2/token"]
    await asyncio.gather(*(client.async_list_gateways() for _ in range(CONCURRENT_CALLERS)))
    assert sim.calls["oauth2/token"] == before + 1
    assert sim.calls["gateway/list"] == CONCURRENT_CALLERS


async def test_token_asked_per_attempt(
    make_client: ClientFactory, sim: TTLockSimulator, auth: TokenAuth
) -> None:
    """A retry asks for the token again (it may have been refreshed meanwhile)."""
    asked: list[str] = []

    class CountingAuth(TokenAuth):
        async def async_get_access_token(self) -> str:
            asked.append("token")
            return await super().async_get_access_token()

    client = make_client(auth=CountingAuth(auth._session, sim.url, auth.token))
    sim.fail_next(1, "http500")
    await client.async_list_gateways()
    assert len(asked) == 2

"""Token manager against the simulator: caching, single flight, refresh, errors."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightConnectionError,
    MilesightToken,
    MilesightTokenManager,
)
from simulators.milesight import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MilesightSimulator


class FakeClock:
    """A settable clock starting at a fixed epoch."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _manager(
    sim: MilesightSimulator,
    session: aiohttp.ClientSession,
    clock: FakeClock,
    *,
    secret: str = DEFAULT_CLIENT_SECRET,
    server: str | None = None,
    refresh_margin: float = 300,
) -> MilesightTokenManager:
    return MilesightTokenManager(
        session,
        server or sim.url,
        DEFAULT_CLIENT_ID,
        secret,
        refresh_margin=refresh_margin,
        clock=clock,
    )


async def test_token_is_cached_until_margin(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """One token call serves until refresh_margin before expiry, then a new one is fetched."""
    clock = FakeClock()
    manager = _manager(sim, session, clock)
    assert manager.expires_at is None
    first = await manager.async_get_token()
    assert manager.expires_at == clock.now + sim.token_lifetime
    clock.now += sim.token_lifetime - 301
    assert await manager.async_get_token() == first
    assert sim.calls["oauth/token"] == 1
    clock.now += 2  # now inside the 300 s margin
    second = await manager.async_get_token()
    assert second != first
    assert sim.calls["oauth/token"] == 2
    assert sim.token_is_valid(second)


async def test_margin_is_capped_for_short_lived_tokens(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """A margin longer than the token lifetime must not make every call fetch a token."""
    sim.token_lifetime = 100
    clock = FakeClock()
    manager = _manager(sim, session, clock, refresh_margin=300)
    token = await manager.async_get_token()
    clock.now += 10
    assert await manager.async_get_token() == token
    clock.now += 45  # past half of the lifetime
    assert await manager.async_get_token() != token
    assert sim.calls["oauth/token"] == 2


async def test_single_request_in_flight(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Many concurrent callers share one token request."""
    manager = _manager(sim, session, FakeClock())
    tokens = await asyncio.gather(*(manager.async_get_token() for _ in range(20)))
    assert len(set(tokens)) == 1
    assert sim.calls["oauth/token"] == 1


async def test_refresh_and_invalidate(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """async_refresh forces a new token; invalidate drops it, or only the rejected one."""
    clock = FakeClock()
    manager = _manager(sim, session, clock)
    first = await manager.async_get_token()
    refreshed = await manager.async_refresh()
    assert isinstance(refreshed, MilesightToken)
    assert refreshed.access_token != first
    assert refreshed.expires_at == clock.now + sim.token_lifetime
    assert await manager.async_get_token() == refreshed.access_token

    manager.invalidate(first)  # a stale token: the fresh one stays
    assert await manager.async_get_token() == refreshed.access_token
    manager.invalidate(refreshed.access_token)
    assert manager.expires_at is None
    third = await manager.async_get_token()
    manager.invalidate()
    assert manager.expires_at is None
    assert await manager.async_get_token() not in (first, refreshed.access_token, third)
    assert sim.calls["oauth/token"] == 4


async def test_bad_credentials(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """401 authentication_failed on the token call is an auth error carrying the envelope."""
    manager = _manager(sim, session, FakeClock(), secret="wrong")
    with pytest.raises(MilesightAuthError) as err:
        await manager.async_get_token()
    assert err.value.status == 401
    assert err.value.err_code == "authentication_failed"
    assert err.value.request_id


async def test_wrong_token_path(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """The manager trusts its server; an un-normalised path gets token_not_found (an auth error)."""
    manager = _manager(sim, session, FakeClock(), server=f"{sim.url}/uc/account/api")
    with pytest.raises(MilesightAuthError) as err:
        await manager.async_get_token()
    assert err.value.err_code == "token_not_found"


async def test_rotated_secret(sim: MilesightSimulator, session: aiohttp.ClientSession) -> None:
    """After the secret is regenerated, a refresh with the old secret fails."""
    manager = _manager(sim, session, FakeClock())
    await manager.async_get_token()
    sim.rotate_secret("new-secret")
    with pytest.raises(MilesightAuthError):
        await manager.async_refresh()
    assert await _manager(sim, session, FakeClock(), secret="new-secret").async_get_token()


async def test_waiters_share_a_failed_fetch(
    sim: MilesightSimulator, session: aiohttp.ClientSession
) -> None:
    """Callers waiting on a failing token call get its error instead of retrying one by one."""
    manager = _manager(sim, session, FakeClock())
    sim.fail_next(1, "http500")
    results = await asyncio.gather(
        *(manager.async_get_token() for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(result, MilesightConnectionError) for result in results)
    assert sim.calls["oauth/token"] == 1
    # The next caller tries again.
    assert await manager.async_get_token()
    assert sim.calls["oauth/token"] == 2

"""Fixtures: the in-process TTLock simulator, a logged-in client and a scriptable raw server."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.minerva_iot.clients.ttlock import (
    TTLockAuth,
    TTLockClient,
    async_password_grant,
    async_refresh_grant,
)
from simulators.ttlock import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    TTLockSimulator,
)

ClientFactory = Callable[..., TTLockClient]


@pytest.fixture
def ttlock_sim_options() -> dict[str, Any]:
    """Auto-lock delays shortened a hundredfold; a "timeout" failure hangs 5 s."""
    return {"time_scale": 0.01, "hang_seconds": 5}


@pytest.fixture
def sim(ttlock_sim: TTLockSimulator) -> TTLockSimulator:
    """The running simulator (tests/plugins/simulators.py)."""
    return ttlock_sim


@pytest.fixture
async def token(sim: TTLockSimulator, session: aiohttp.ClientSession) -> dict[str, Any]:
    """A token from the password grant with the simulator's default account."""
    return await async_password_grant(
        session,
        sim.url,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_USERNAME,
        DEFAULT_PASSWORD,
    )


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the client asked for (the fake sleep returns at once)."""
    return []


class TokenAuth(TTLockAuth):
    """A token dict, refreshed at the simulator when a call is refused (as an application does)."""

    def __init__(self, session: aiohttp.ClientSession, host: str, token: dict[str, Any]) -> None:
        """Start with `token`."""
        self._session = session
        self._host = host
        self.token = token
        self.refreshes = 0

    async def async_get_access_token(self) -> str:
        """The current access token."""
        return str(self.token["access_token"])

    async def async_refresh_rejected_token(self, rejected: str) -> None:
        """The refresh grant (TTLock rotates the refresh token too)."""
        self.refreshes += 1
        new_token = await async_refresh_grant(
            self._session,
            self._host,
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            self.token["refresh_token"],
        )
        self.token = {**self.token, **new_token}


@pytest.fixture
def auth(sim: TTLockSimulator, session: aiohttp.ClientSession, token: dict[str, Any]) -> TokenAuth:
    """The fixture token, refreshable at the simulator."""
    return TokenAuth(session, sim.url, token)


@pytest.fixture
def make_client(
    sim: TTLockSimulator, session: aiohttp.ClientSession, auth: TokenAuth, sleeps: list[float]
) -> ClientFactory:
    """Build a client for the simulator; keyword arguments override the defaults."""

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)

    def factory(**kwargs: Any) -> TTLockClient:
        client_auth = kwargs.pop("auth", auth)
        options: dict[str, Any] = {"timeout": 5.0, "sleep": fake_sleep} | kwargs
        return TTLockClient(session, sim.url, DEFAULT_CLIENT_ID, client_auth, **options)

    return factory


@pytest.fixture
def client(make_client: ClientFactory) -> TTLockClient:
    """A client with default retries and a fake sleep."""
    return make_client()


@dataclass
class RawServer:
    """A server answering queued (status, body) pairs; records the requests it got."""

    url: str = ""
    answers: list[tuple[int, str]] = field(default_factory=list)
    received: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def answer(self, status: int, body: str) -> None:
        """Queue one answer (the last one repeats when the queue runs dry)."""
        self.answers.append((status, body))


@pytest.fixture
async def raw_server(socket_enabled: None) -> AsyncGenerator[RawServer]:
    """A scriptable HTTP server on 127.0.0.1 for malformed-answer tests."""
    server = RawServer()

    async def handle(request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            params.update({key: str(value) for key, value in (await request.post()).items()})
        server.received.append((request.method, request.path, params))
        status, body = server.answers.pop(0) if len(server.answers) > 1 else server.answers[0]
        return web.Response(status=status, text=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()


@pytest.fixture
def raw_client(raw_server: RawServer, session: aiohttp.ClientSession) -> TTLockClient:
    """A client talking to the raw server, without retries."""
    return TTLockClient(
        session,
        raw_server.url,
        "raw-client",
        TokenAuth(session, raw_server.url, {"access_token": "raw-token"}),
        retries=0,
    )

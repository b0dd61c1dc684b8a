"""Fixtures: the in-process Milesight simulator, a client session and a scriptable raw server."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.minerva_iot.clients.milesight import MilesightClient
from simulators.milesight import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MilesightSimulator


@pytest.fixture
async def sim() -> AsyncGenerator[MilesightSimulator]:
    """A running simulator on 127.0.0.1 and a free port."""
    simulator = MilesightSimulator(seed=7)
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


@pytest.fixture
async def session() -> AsyncGenerator[aiohttp.ClientSession]:
    """A plain aiohttp session, as Home Assistant would inject one."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def client(sim: MilesightSimulator, session: aiohttp.ClientSession) -> MilesightClient:
    """A client with the simulator's default credentials."""
    return MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, timeout=5)


@dataclass
class RawServer:
    """A server answering each path with a scripted (status, body, headers)."""

    url: str = ""
    answers: dict[str, tuple[int, str, dict[str, str]]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def answer(
        self, path: str, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Script the answer of ``path``; non-string bodies are JSON-encoded."""
        import json

        text = body if isinstance(body, str) else json.dumps(body)
        self.answers[path] = (status, text, headers or {})

    def token_ok(self) -> None:
        """Script a valid token answer."""
        self.answer(
            "/oauth/token",
            200,
            {"data": {"access_token": "tok", "expires_in": 3599}, "status": "Success"},
        )


@pytest.fixture
async def raw_server() -> AsyncGenerator[RawServer]:
    """A scriptable server for malformed or unusual answers the simulator never gives."""
    raw = RawServer()

    async def handle(request: web.Request) -> web.Response:
        raw.requests.append((request.method, request.path))
        status, text, headers = raw.answers.get(request.path, (404, "", {}))
        return web.Response(status=status, text=text, headers=headers, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    raw.url = f"http://127.0.0.1:{port}"
    yield raw
    await runner.cleanup()

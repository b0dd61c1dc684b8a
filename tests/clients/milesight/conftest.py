"""Fixtures: the in-process Milesight simulator, a client session and a scriptable raw server."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.minerva_iot.clients.milesight import MilesightClient
from simulators.milesight import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MilesightSimulator


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """The seed these tests' expected readings were generated with."""
    return {"seed": 7}


@pytest.fixture
def sim(milesight_sim: MilesightSimulator) -> MilesightSimulator:
    """The running simulator (tests/plugins/simulators.py)."""
    return milesight_sim


@pytest.fixture
def client(sim: MilesightSimulator, session: aiohttp.ClientSession) -> MilesightClient:
    """A client with the simulator's default credentials."""
    return MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, timeout=5)


@dataclass
class RawServer:
    """A server answering each path with a scripted (status, body, headers)."""

    url: str = ""
    answers: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    # (content type, form fields) of every request, in the order of ``requests``.
    bodies: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def answer(
        self, path: str, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        """Script the answer of ``path``; bytes and strings are sent as they are, else JSON."""
        if isinstance(body, bytes):
            raw = body
        else:
            raw = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.answers[path] = (status, raw, headers or {})

    def token_ok(self) -> None:
        """Script a valid token answer."""
        self.answer(
            "/oauth/token",
            200,
            {"data": {"access_token": "tok", "expires_in": 3599}, "status": "Success"},
        )


@pytest.fixture
async def raw_server(socket_enabled: None) -> AsyncGenerator[RawServer]:
    """A scriptable server for malformed or unusual answers the simulator never gives."""
    raw = RawServer()

    async def handle(request: web.Request) -> web.Response:
        raw.requests.append((request.method, request.path))
        form = await request.post() if request.method == "POST" else {}
        raw.bodies.append((request.content_type, {key: str(value) for key, value in form.items()}))
        status, body, headers = raw.answers.get(request.path, (404, b"", {}))
        return web.Response(
            status=status, body=body, headers=headers, content_type="application/json"
        )

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

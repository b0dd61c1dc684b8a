"""The cloud simulators and an HTTP client session, for every test directory.

Registered once in tests/conftest.py. Each simulator runs in-process on the loopback address
and a free port, and is stopped after the test. Its constructor options come from the
``milesight_sim_options`` / ``ttlock_sim_options`` fixtures: override one in a conftest, or
parametrize it (``@pytest.mark.parametrize("ttlock_sim_options", [{...}])``), to change them.
A test needing a further simulator starts it with ``start_milesight_sim(**options)`` /
``start_ttlock_sim(**options)``.

Home Assistant's test plugin blocks sockets: every fixture here that listens or connects asks
for ``socket_enabled``, so a test using one may talk to 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

LOOPBACK = "127.0.0.1"

type StartMilesightSim = Callable[..., Awaitable[MilesightSimulator]]
type StartTTLockSim = Callable[..., Awaitable[TTLockSimulator]]


@pytest.fixture
async def start_milesight_sim(socket_enabled: None) -> AsyncGenerator[StartMilesightSim]:
    """Start a Milesight simulator built with the given options; stopped after the test."""
    started: list[MilesightSimulator] = []

    async def start(**options: Any) -> MilesightSimulator:
        simulator = MilesightSimulator(**options)
        await simulator.start(host=LOOPBACK, port=0)
        started.append(simulator)
        return simulator

    yield start
    for simulator in reversed(started):
        await simulator.stop()


@pytest.fixture
async def start_ttlock_sim(socket_enabled: None) -> AsyncGenerator[StartTTLockSim]:
    """Start a TTLock simulator built with the given options; stopped after the test."""
    started: list[TTLockSimulator] = []

    async def start(**options: Any) -> TTLockSimulator:
        simulator = TTLockSimulator(**options)
        await simulator.start(host=LOOPBACK, port=0)
        started.append(simulator)
        return simulator

    yield start
    for simulator in reversed(started):
        await simulator.stop()


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """Options of `milesight_sim`: a fixed seed, so generated readings repeat."""
    return {"seed": 3}


@pytest.fixture
def ttlock_sim_options() -> dict[str, Any]:
    """Options of `ttlock_sim`: the simulator's defaults (real-time auto-lock and hangs)."""
    return {}


@pytest.fixture
async def milesight_sim(
    start_milesight_sim: StartMilesightSim, milesight_sim_options: dict[str, Any]
) -> MilesightSimulator:
    """A running Milesight cloud simulator with the default devices."""
    return await start_milesight_sim(**milesight_sim_options)


@pytest.fixture
async def ttlock_sim(
    start_ttlock_sim: StartTTLockSim, ttlock_sim_options: dict[str, Any]
) -> TTLockSimulator:
    """A running TTLock cloud simulator with the default account, locks and gateway."""
    return await start_ttlock_sim(**ttlock_sim_options)


@pytest.fixture
async def session(socket_enabled: None) -> AsyncGenerator[aiohttp.ClientSession]:
    """A plain aiohttp session, as Home Assistant would inject one into a client."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session

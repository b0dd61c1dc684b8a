"""Home Assistant's own test harness (pytest-homeassistant-custom-component), outside pytest.

The benchmarks run the integration the way the test-suite does: a real ``HomeAssistant`` core
with registries, in-memory storage, the real HTTP application and config entries, but no
recorder and no YAML configuration. ``running_home_assistant()`` mirrors the ``hass`` fixture
(plus ``enable_custom_integrations``); ``simulated_clock()`` mirrors the ``freezer`` fixture.

The test plugin must be imported before any Home Assistant module: ``benchmarks/__init__.py``
does it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
import logging
from typing import Any
from unittest import mock

from aiohttp import web
from aiohttp.resolver import AsyncResolver
from aiohttp.test_utils import TestClient, TestServer
import freezegun
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import frame
from homeassistant.loader import DATA_CUSTOM_COMPONENTS
from pytest_homeassistant_custom_component import plugins  # type: ignore[import-untyped]
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_fire_time_changed,
    async_test_home_assistant,
    mock_storage,
)
import pytest_socket  # type: ignore[import-untyped]

EXTERNAL_URL = "https://ha.example.org"

type HomeAssistantClient = TestClient[web.Request, web.Application]


def quiet_logs(verbose: bool) -> None:
    """The test plugin logs at INFO; benchmarks show warnings only unless asked."""
    logging.getLogger().setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        # "custom integration not tested by Home Assistant" on every start: not a finding.
        logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
        # "zlib_ng and isal are not available": a property of this venv, not of the code.
        logging.getLogger("aiohttp_fast_zlib").setLevel(logging.ERROR)


@asynccontextmanager
async def running_home_assistant(
    storage: dict[str, Any] | None = None,
) -> AsyncIterator[HomeAssistant]:
    """A running test instance of Home Assistant that can load ``custom_components``.

    Sockets are restricted to 127.0.0.1 exactly as in the test-suite. Loaded entries are
    unloaded and the core stopped on exit. ``storage`` (the in-memory ``.storage``) can be
    handed to a second instance to restart with what the first one saved.
    """
    plugins.pytest_runtest_setup()  # loopback-only sockets, freezegun/HA datetime compatibility
    pytest_socket.enable_socket()  # the `socket_enabled` fixture: 127.0.0.1 stays the only host
    # The session-wide `mock_zeroconf_resolver` fixture: plain DNS instead of HA's mDNS resolver.
    resolver = mock.patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        return_value=AsyncResolver(),
    )
    with mock_storage(storage), resolver:
        async with async_test_home_assistant(asyncio.get_running_loop()) as hass:
            hass.data.pop(DATA_CUSTOM_COMPONENTS)
            frame.async_setup(hass)
            await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
            try:
                yield hass
            finally:
                for entry in hass.config_entries.async_entries():
                    if entry.state is ConfigEntryState.LOADED:
                        await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)


@asynccontextmanager
async def http_client(hass: HomeAssistant) -> AsyncIterator[HomeAssistantClient]:
    """A client of Home Assistant's HTTP application served on 127.0.0.1 (random port).

    The same object as the ``hass_client_no_auth`` fixture: HA's aiohttp app with all its
    middlewares, over a real loopback TCP connection.
    """
    server = TestServer(hass.http.app)
    # Routes may be registered after the server started (entries set up later), as in tests.
    server.app._router.freeze = lambda: None  # type: ignore[method-assign]
    client: HomeAssistantClient = TestClient(server)
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@contextmanager
def simulated_clock() -> Iterator[FrozenDateTimeFactory]:
    """Freeze the clock at the current time; ``advance()`` moves it (the ``freezer`` fixture)."""
    with freezegun.freeze_time() as factory:
        # freeze_time() without `tick` always yields a FrozenDateTimeFactory.
        assert isinstance(factory, FrozenDateTimeFactory)
        yield factory


async def advance(hass: HomeAssistant, clock: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the clock, fire Home Assistant's timers that became due, wait for their work."""
    clock.tick(delta)
    async_fire_time_changed(hass)
    # Scheduled refreshes run as background tasks doing real I/O with the simulators.
    await hass.async_block_till_done(wait_background_tasks=True)

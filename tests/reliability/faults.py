"""What the fault-injection tests share: short client timeouts, polls, log counting, restarts
(of Home Assistant, and of a cloud during a poll).

The clients' real timeouts are 30 s; a "timeout" fault would make one test last minutes. The
fixture here builds the clients Home Assistant makes with a 2 s timeout and a sleep that only
records the backoff it was asked for, so that a hang or a retry is over in seconds while the
delays the client chose are still checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
import json
import logging
from pathlib import Path
import socket
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .harness import OUR_LOGGER, diff, snapshot

STRINGS = Path(__file__).parents[2] / "custom_components" / "minerva_iot" / "strings.json"
CLIENT_TIMEOUT = 2.0
# A simulated hang outlives the client's timeout, never the test.
SIMULATOR_HANG = 4.0


class Backoff:
    """The delays a client asked to sleep between its retries."""

    def __init__(self) -> None:
        """Nothing asked yet."""
        self.delays: list[float] = []

    async def sleep(self, delay: float) -> None:
        """Record the delay; yield to the loop only (the tests need no real wait)."""
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def backoff() -> Backoff:
    """The retry delays of the TTLock client, recorded."""
    return Backoff()


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch, backoff: Backoff) -> None:
    """Both vendors' clients as Home Assistant builds them, with a 2 s timeout.

    Only the constructor's keyword arguments change; the clients' code runs as shipped.
    """
    from custom_components.minerva_iot import milesight, ttlock

    milesight_client = milesight.MilesightClient
    ttlock_client = ttlock.TTLockClient

    class ShortMilesightClient(milesight_client):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "timeout": CLIENT_TIMEOUT})

    class ShortTTLockClient(ttlock_client):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "timeout": CLIENT_TIMEOUT, "sleep": backoff.sleep})

    monkeypatch.setattr(milesight, "MilesightClient", ShortMilesightClient)
    monkeypatch.setattr(ttlock, "TTLockClient", ShortTTLockClient)


async def async_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the clock by `delta` and let every timer that fell due run to its end."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


class RestartableCloud(Protocol):
    """A simulator whose server can stop and start again (both vendors' simulators)."""

    url: str

    async def stop(self) -> None: ...

    async def start(self, host: str = ..., port: int = ...) -> Any: ...


async def async_cloud_restarted_during_a_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    entry: ConfigEntry,
    cloud: RestartableCloud,
    poll: timedelta,
) -> None:
    """The cloud's server stops for one poll and comes back on its port.

    That poll fails (connection refused) with one warning and changes no state; the next one
    succeeds, still without a change and without a reload.
    """
    before = snapshot(hass)
    port = port_of(cloud.url)
    await cloud.stop()
    caplog.clear()
    await async_poll(hass, freezer, poll)
    assert not entry.runtime_data.coordinator.last_update_success
    assert diff(before, snapshot(hass)) == {}
    assert len(our_records(caplog.records, logging.WARNING)) == 1
    await cloud.start(host="127.0.0.1", port=port)
    await async_poll(hass, freezer, poll)
    assert entry.runtime_data.coordinator.last_update_success
    assert entry.state is ConfigEntryState.LOADED
    assert diff(before, snapshot(hass)) == {}


def reauth_flows(hass: HomeAssistant, entry: ConfigEntry) -> list[Any]:
    """Reauthentication flows in progress for `entry`."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


def our_records(records: Iterable[logging.LogRecord], level: int) -> list[logging.LogRecord]:
    """Records of our loggers at `level` or above."""
    return [
        record
        for record in records
        if record.levelno >= level
        and (record.name == OUR_LOGGER or record.name.startswith(f"{OUR_LOGGER}."))
    ]


def port_of(url: str) -> int:
    """The port of a simulator's base URL."""
    port = urlsplit(url).port
    assert port is not None, url
    return port


@contextmanager
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail when anything logs a traceback inside the block."""
    start = len(caplog.records)
    yield
    tracebacks = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records[start:]
        if record.exc_info or record.exc_text
    ]
    assert not tracebacks, tracebacks


class LocalResolver(AbstractResolver):
    """A DNS that never leaves the machine: `localhost` while `up`, nothing else ever.

    Home Assistant's own resolver would ask the network (multicast and unicast DNS); this one
    answers from a table, so a failing name fails here, and a test can take the name away.
    """

    def __init__(self) -> None:
        """`localhost` resolves until `up` is cleared."""
        self.up = True
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """127.0.0.1 for `localhost` while up; a resolution error otherwise."""
        self.asked.append(host)
        if host != "localhost" or not self.up:
            raise OSError(socket.EAI_NONAME, f"{host}: name unknown (test resolver)")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to close."""

    async def real_close(self) -> None:
        """Home Assistant >= 2025.x closes its shared resolver with this."""


@pytest.fixture
def local_dns(monkeypatch: pytest.MonkeyPatch) -> LocalResolver:
    """Home Assistant's client sessions resolve names with `LocalResolver` (made before them)."""
    from homeassistant.helpers import aiohttp_client

    resolver = LocalResolver()
    monkeypatch.setattr(aiohttp_client, "_async_make_resolver", lambda hass: resolver)
    return resolver


def translated(key: str) -> bool:
    """`key` has an English message in strings.json (what a user sees for the error)."""
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    return bool(strings.get("exceptions", {}).get(key, {}).get("message"))


# A new token moves its expiry: the one state a token renewal is meant to change.
TOKEN_EXPIRY_SUFFIX = "_api_token_expires"


def stable_snapshot(hass: HomeAssistant) -> dict[str, Any]:
    """`harness.snapshot` without the token-expiry sensors."""
    return {
        entity_id: value
        for entity_id, value in snapshot(hass).items()
        if not entity_id.endswith(TOKEN_EXPIRY_SUFFIX)
    }

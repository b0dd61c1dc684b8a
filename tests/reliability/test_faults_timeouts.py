"""Timeouts as faults (issue 15 part 3): the simulators hang a request past the client's timeout.

The other fault files move a frozen clock; a hang needs the loop's own timers (the client's
timeout, the simulator's hang), which a frozen clock never fires. Here the clock runs: the
clients get a 0.5 s timeout (`short_timeouts` with a shorter value), the simulators hang 4 s
(released when they stop), and polls are started by firing Home Assistant's timers
(`async_fire_time_changed`) at a later time. Nothing leaves the loopback interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
import logging
import time

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from . import faults
from .faults import Backoff, our_records, reauth_flows, translated
from .harness import (
    async_add_milesight_api_entry,
    async_add_ttlock_entry,
    diff,
    our_entity_ids,
    snapshot,
)
from .results import Results

pytestmark = pytest.mark.usefixtures("quick_timeouts")

FRONT_DOOR = 4711001
# The TTLock client tries an idempotent read three times (two retries).
TRIES = 3

# Just past one TTLock poll at the default interval.
TTLOCK_POLL = timedelta(minutes=DEFAULT_POLL_MINUTES + 1)


@pytest.fixture
def quick_timeouts(monkeypatch: pytest.MonkeyPatch, short_timeouts: None) -> None:
    """`short_timeouts` with a 0.5 s timeout: a test of three hung tries lasts 1.5 s."""
    monkeypatch.setattr(faults, "CLIENT_TIMEOUT", 0.5)


class Clock:
    """Fires Home Assistant's timers at ever later times, on the running clock."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start from now."""
        self.hass = hass
        self.offset = timedelta()

    async def advance(self, delta: timedelta) -> None:
        """Fire what fell due `delta` later than the last call, and wait until it is done."""
        self.offset += delta
        async_fire_time_changed(self.hass, dt_util.utcnow() + self.offset)
        await self.hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def clock(hass: HomeAssistant) -> Iterator[Clock]:
    """The running clock's timers, fired on demand."""
    return Clock(hass)


@contextmanager
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No traceback logged above DEBUG inside the block.

    Newer Home Assistant logs a failed refresh or set-up retry once more at DEBUG level with
    its traceback ("Full error:", "Full exception"), by design: the log a user sees is clean.
    """
    start = len(caplog.records)
    yield
    tracebacks = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records[start:]
        if (record.exc_info or record.exc_text) and record.levelno > logging.DEBUG
    ]
    assert not tracebacks, tracebacks


def _lock_entity(hass: HomeAssistant) -> str:
    return next(entity_id for entity_id in our_entity_ids(hass) if entity_id.startswith("lock."))


async def _ttlock(hass: HomeAssistant, cloud: TTLockSimulator) -> ConfigEntry:
    return await async_add_ttlock_entry(hass, cloud.url, cloud.username, cloud.password)


async def _milesight(hass: HomeAssistant, cloud: MilesightSimulator) -> ConfigEntry:
    return await async_add_milesight_api_entry(
        hass, cloud.url, cloud.client_id, cloud.client_secret, cloud.webhook_secret
    )


async def test_ttlock_token_endpoint_timeout_at_setup(
    hass: HomeAssistant,
    ttlock_cloud: TTLockSimulator,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """The token must be refreshed at start-up and the token endpoint hangs: retried alone."""
    results.fault(
        "ttlock",
        "token endpoint timeout",
        "set-up",
        "entry SETUP_RETRY (ConfigEntryNotReady), no reauth, no traceback; loads alone on the "
        "next retry, same entities",
    )
    entry = await _ttlock(hass, ttlock_cloud)
    entities = our_entity_ids(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    token = {**entry.data["token"], "expires_at": time.time() - 60}
    hass.config_entries.async_update_entry(entry, data={**entry.data, "token": token})
    ttlock_cloud.fail_next(1, "timeout", "oauth2/token")
    with no_tracebacks(caplog):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert not reauth_flows(hass, entry)
        await clock.advance(timedelta(minutes=2))
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities


async def test_milesight_token_endpoint_timeout_at_setup(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """The token endpoint hangs while the entry sets up: it loads push-only and syncs later."""
    results.fault(
        "milesight",
        "token endpoint timeout",
        "set-up",
        "entry LOADED push-only (the webhook stays registered), no traceback; the device list "
        "is read alone later, same entity ids",
    )
    entry = await _milesight(hass, milesight_cloud)
    entities = our_entity_ids(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    milesight_cloud.expire_tokens()
    milesight_cloud.fail_next(1, "timeout", endpoint="oauth/token")
    with no_tracebacks(caplog):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.state is ConfigEntryState.LOADED
        assert not reauth_flows(hass, entry)
        searches = milesight_cloud.calls["device/search"]
        await clock.advance(timedelta(minutes=16))
    assert milesight_cloud.calls["device/search"] > searches
    assert entry.state is ConfigEntryState.LOADED
    assert our_entity_ids(hass) == entities


async def test_ttlock_api_timeout_while_polling(
    hass: HomeAssistant,
    ttlock_cloud: TTLockSimulator,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    backoff: Backoff,
    results: Results,
) -> None:
    """lock/list hangs on every try of one poll: states kept, one warning, next poll recovers."""
    results.fault(
        "ttlock",
        "API timeout",
        "poll",
        f"poll fails after {TRIES} tries (backoff 1 s, 2 s), states unchanged, one warning, no "
        "traceback; next poll recovers, no reload",
    )
    entry = await _ttlock(hass, ttlock_cloud)
    before = snapshot(hass)
    ttlock_cloud.fail_next(TRIES, "timeout", "lock/list")
    caplog.clear()
    backoff.delays.clear()
    with caplog.at_level(logging.DEBUG), no_tracebacks(caplog):
        await clock.advance(TTLOCK_POLL)
        assert diff(before, snapshot(hass)) == {}
        assert not entry.runtime_data.coordinator.last_update_success
        assert backoff.delays == [1.0, 2.0]
        problems = our_records(caplog.records, logging.WARNING)
        assert len(problems) == 1, [record.getMessage() for record in problems]
        calls = ttlock_cloud.calls["lock/list"]
        await clock.advance(TTLOCK_POLL)
    assert ttlock_cloud.calls["lock/list"] > calls
    assert entry.runtime_data.coordinator.last_update_success
    assert entry.state is ConfigEntryState.LOADED


async def test_milesight_api_timeout_while_polling(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """device/search hangs during a refresh: states kept, one warning, the next one recovers."""
    results.fault(
        "milesight",
        "API timeout",
        "poll",
        "refresh fails, states unchanged, one warning, no traceback; next refresh recovers, "
        "no reload",
    )
    entry = await _milesight(hass, milesight_cloud)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"seed_from_api": True, "refresh_minutes": 15}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    before = snapshot(hass)
    # The Milesight client does not retry: one hung call fails the refresh.
    milesight_cloud.fail_next(1, "timeout", endpoint="device/search")
    caplog.clear()
    with caplog.at_level(logging.DEBUG), no_tracebacks(caplog):
        await clock.advance(timedelta(minutes=16))
        assert diff(before, snapshot(hass)) == {}
        assert not entry.runtime_data.coordinator.last_update_success
        problems = our_records(caplog.records, logging.WARNING)
        assert len(problems) == 1, [record.getMessage() for record in problems]
        await clock.advance(timedelta(minutes=16))
    assert entry.runtime_data.coordinator.last_update_success
    assert entry.state is ConfigEntryState.LOADED


async def test_ttlock_command_timeout_gateway_gone(
    hass: HomeAssistant,
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
    backoff: Backoff,
    results: Results,
) -> None:
    """The cloud never answers an unlock (the gateway went offline while relaying it).

    An unlock may be repeated (unlocking twice has one effect): one hang is retried and the
    unlock goes through; a gateway that stays away gives a translated error after 3 tries.
    """
    results.fault(
        "ttlock",
        "gateway offline mid-command (unlock hangs: timeout)",
        "command",
        f"one hang: repeated, unlocked; hanging on: {TRIES} tries (backoff 1 s, 2 s), then the "
        "translated error ttlock_temporary_failure, state unchanged, no traceback; the next "
        "unlock works (no reload)",
    )
    await _ttlock(hass, ttlock_cloud)
    lock = _lock_entity(hass)
    with no_tracebacks(caplog):
        ttlock_cloud.fail_next(TRIES, "timeout", "lock/unlock")
        backoff.delays.clear()
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: lock}, blocking=True
            )
        assert err.value.translation_key == "ttlock_temporary_failure"
        assert translated(err.value.translation_key)
        assert ttlock_cloud.calls["lock/unlock"] == TRIES
        assert backoff.delays == [1.0, 2.0]
        assert hass.states.get(lock).state == LockState.LOCKED

        ttlock_cloud.fail_next(1, "timeout", "lock/unlock")
        await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: lock}, blocking=True)
        await hass.async_block_till_done()
    assert ttlock_cloud.calls["lock/unlock"] == TRIES + 2
    assert hass.states.get(lock).state == LockState.UNLOCKED

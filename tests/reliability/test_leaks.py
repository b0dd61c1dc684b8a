"""Loading and unloading an entry again and again leaks nothing.

For each entry kind (Milesight API, Milesight webhook-only, TTLock) the entry is made through
the config flow, unloaded once (the baseline: the integration's one-time set-up stays), then
loaded and unloaded CYCLES times. After every unload the registered webhooks, bus listeners,
dispatcher connections, asyncio tasks, pending timers and threads must be what they were at the
baseline; after every load, what they were after the first load. phacc's `verify_cleanup`
(autouse) then checks for lingering tasks, timers and threads once Home Assistant has stopped.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
import secrets
import threading
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest

from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .harness import (
    async_add_milesight_api_entry,
    async_add_milesight_webhook_entry,
    async_add_ttlock_entry,
)
from .results import Results

CYCLES = 20
# Counters that move on their own, with the rise each may show over the baseline (falling is
# fine). Home Assistant's stores (registries) write a few seconds after a change, each pending
# write holding a timer and a final-write listener: their number may fall during the cycles, never
# grow (a store our code left pending on every unload would make it grow). Idle keep-alive
# connections (to the simulators) hold a timer each; the pool may open one or two more under
# load, a session leaked per set-up would add one per cycle.
SETTLING = {
    ("timers", "Store._async_schedule_callback_delayed_write"): 0,
    ("listeners", "homeassistant_final_write"): 0,
    ("timers", "RequestHandler._process_keepalive"): 2,
}


@dataclass(frozen=True)
class Footprint:
    """What a loaded entry may hold on to."""

    webhooks: frozenset[str]
    listeners: tuple[tuple[str, int], ...]
    dispatcher: int
    tasks: int
    timers: tuple[tuple[str, int], ...]
    threads: int  # not counting executor workers

    @classmethod
    def take(cls, hass: HomeAssistant) -> Footprint:
        """Measure now (Home Assistant idle)."""
        loop = asyncio.get_running_loop()
        current = asyncio.current_task()
        timers = Counter(
            _callback_name(handle)
            for handle in getattr(loop, "_scheduled", [])
            if not handle.cancelled()
        )
        return cls(
            webhooks=frozenset(hass.data.get("webhook", {})),
            listeners=tuple(sorted(hass.bus.async_listeners().items())),
            dispatcher=sum(len(jobs) for jobs in hass.data.get("dispatcher", {}).values()),
            tasks=len([task for task in asyncio.all_tasks() if task is not current]),
            timers=tuple(sorted(timers.items())),
            threads=len([thread for thread in threading.enumerate() if not _pooled(thread)]),
        )

    def differences(self, other: Footprint) -> dict[str, Any]:
        """Fields that differ from `other`: (other's value, ours), per key for the counters."""
        result: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine == theirs:
                continue
            if name in ("listeners", "timers"):
                mine, theirs = dict(mine), dict(theirs)
                changed = {
                    key: (theirs.get(key, 0), mine.get(key, 0))
                    for key in sorted(set(mine) | set(theirs))
                    if not _within(name, key, theirs.get(key, 0), mine.get(key, 0))
                }
                if changed:
                    result[name] = changed
            else:
                result[name] = (theirs, mine)
        return result


def _within(field: str, key: str, reference: int, now: int) -> bool:
    if (field, key) not in SETTLING:
        return now == reference
    return now <= reference + SETTLING[field, key]


def _pooled(thread: threading.Thread) -> bool:
    """A worker of an executor: pools start them on demand (more under load) and reuse them."""
    return thread.name.startswith(("SyncWorker", "ThreadPoolExecutor", "ImportExecutor"))


def _callback_name(handle: asyncio.TimerHandle) -> str:
    callback = getattr(handle, "_callback", None)
    return getattr(callback, "__qualname__", repr(callback))


async def _async_idle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)


async def _async_entry(
    kind: str, hass: HomeAssistant, milesight: MilesightSimulator, ttlock: TTLockSimulator
) -> ConfigEntry:
    if kind == "milesight_api":
        return await async_add_milesight_api_entry(
            hass,
            milesight.url,
            milesight.client_id,
            milesight.client_secret,
            milesight.webhook_secret,
        )
    if kind == "milesight_webhook":
        return await async_add_milesight_webhook_entry(hass, f"ws-{secrets.token_urlsafe(16)}")
    return await async_add_ttlock_entry(hass, ttlock.url, ttlock.username, ttlock.password)


@pytest.mark.parametrize("kind", ["milesight_api", "milesight_webhook", "ttlock"])
async def test_load_unload_cycles_leak_nothing(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    ttlock_cloud: TTLockSimulator,
    results: Results,
    kind: str,
    request: pytest.FixtureRequest,
) -> None:
    """CYCLES load/unload cycles end where the first unload ended."""
    # The final check of lingering tasks, timers and threads is phacc's, and must be strict.
    assert "verify_cleanup" in request.fixturenames
    assert request.getfixturevalue("expected_lingering_tasks") is False
    assert request.getfixturevalue("expected_lingering_timers") is False
    entry = await _async_entry(kind, hass, milesight_cloud, ttlock_cloud)
    webhook_id = entry.data["webhook_id"]
    await _async_idle(hass)
    loaded = Footprint.take(hass)
    assert webhook_id in loaded.webhooks
    assert await hass.config_entries.async_unload(entry.entry_id)
    await _async_idle(hass)
    baseline = Footprint.take(hass)
    assert webhook_id not in baseline.webhooks
    problems: list[str] = []
    for cycle in range(1, CYCLES + 1):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await _async_idle(hass)
        assert entry.state is ConfigEntryState.LOADED
        if differences := Footprint.take(hass).differences(loaded):
            problems.append(f"cycle {cycle}, loaded: {differences}")
        assert await hass.config_entries.async_unload(entry.entry_id)
        await _async_idle(hass)
        if differences := Footprint.take(hass).differences(baseline):
            problems.append(f"cycle {cycle}, unloaded: {differences}")
    results.leaks[kind] = {
        "cycles": CYCLES,
        "verdict": "no leak" if not problems else f"{len(problems)} differences",
        "listeners_loaded": sum(count for _, count in loaded.listeners),
        "listeners_unloaded": sum(count for _, count in baseline.listeners),
        "tasks_unloaded": baseline.tasks,
        "timers_unloaded": sum(count for _, count in baseline.timers),
        "threads": baseline.threads,
        "webhook_left_registered": webhook_id in Footprint.take(hass).webhooks,
    }
    assert not problems, "\n".join(problems[:10])

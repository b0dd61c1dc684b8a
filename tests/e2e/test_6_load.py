"""Load through the real `hass` process (issue 15 part 6): every event accounted for.

Signed Milesight deliveries (one event each, numbered in its payload) are sent at a target rate
for a number of seconds, with a share of them sent twice (the same eventId, a new signature: MDP
retrying), then a burst of TTLock callbacks. Every event must come out once on the
`minerva_iot_event` bus (watched over the WebSocket API) or be refused with an HTTP status:
zero lost, zero doubled. Memory (the process's resident set) is read before and after, and the
event loop's lag is sampled throughout by WebSocket pings (each answered by the loop).

A smoke run by default (100 deliveries/s for 2 s); `scripts/load` runs the full one
(`MINERVA_LOAD_RATE=1000 MINERVA_LOAD_SECONDS=10`) and writes the figures for RELIABILITY.md
(`MINERVA_LOAD_RESULTS`). The events are built and signed the way the simulators do
(tests/e2e/wire.py, from the reference documents); nothing leaves the loopback interface.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
import contextlib
import json
import os
from pathlib import Path
import statistics
import time
from typing import Any
from urllib.parse import urlencode
import uuid

import aiohttp
import pytest

from .conftest import Simulator
from .hass_client import HomeAssistantClient
from .processes import HassProcess
from .provision_demo import MILESIGHT_WEBHOOK_SECRET
from .simulated_things import ttlock_manual_lock
from .wire import get_json, milesight_headers

pytestmark = pytest.mark.asyncio(loop_scope="session")

RATE = int(os.environ.get("MINERVA_LOAD_RATE", "100"))
SECONDS = float(os.environ.get("MINERVA_LOAD_SECONDS", "2"))
TTLOCK_BURST = int(os.environ.get("MINERVA_LOAD_TTLOCK_BURST", "100"))
# One delivery in this many is sent a second time (same eventId, new nonce).
REPEAT_EVERY = 20
# Requests in flight at once (a sender with more would only queue in Home Assistant).
CONCURRENCY = 64
# Resident memory may grow by this much over the run (caches, the recorder's queue).
MEMORY_BOUND_MIB = 64
SETTLE_S = 60.0


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class BusWatch:
    """`minerva_iot_event`s seen over a WebSocket subscription of their own."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.events: list[dict[str, Any]] = []
        self.task: asyncio.Task[None] | None = None

    async def run(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """Collect until cancelled."""
        async for message in socket:
            data = json.loads(message.data)
            if data.get("type") == "event":
                self.events.append(data["event"]["data"])


async def _socket(
    session: aiohttp.ClientSession, ha: HomeAssistantClient
) -> aiohttp.ClientWebSocketResponse:
    assert ha.tokens is not None
    socket = await session.ws_connect(f"{ha.base_url}/api/websocket", heartbeat=30)
    assert (await socket.receive_json(timeout=30))["type"] == "auth_required"
    await socket.send_json({"type": "auth", "access_token": ha.tokens.access_token})
    assert (await socket.receive_json(timeout=30))["type"] == "auth_ok"
    return socket


@contextlib.asynccontextmanager
async def _watching(
    session: aiohttp.ClientSession, ha: HomeAssistantClient
) -> AsyncIterator[BusWatch]:
    socket = await _socket(session, ha)
    await socket.send_json({"id": 1, "type": "subscribe_events", "event_type": "minerva_iot_event"})
    assert (await socket.receive_json(timeout=30))["success"]
    watch = BusWatch()
    watch.task = asyncio.create_task(watch.run(socket))
    try:
        yield watch
    finally:
        watch.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch.task
        await socket.close()


class LagProbe:
    """Round trips of WebSocket pings: the time the event loop took to answer (ms)."""

    def __init__(self) -> None:
        """No sample yet."""
        self.samples: list[float] = []

    async def run(self, socket: aiohttp.ClientWebSocketResponse, interval: float = 0.05) -> None:
        """Ping until cancelled."""
        ids = 1
        while True:
            ids += 1
            start = time.perf_counter()
            await socket.send_json({"id": ids, "type": "ping"})
            while (await socket.receive_json(timeout=60)).get("id") != ids:
                pass
            self.samples.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(interval)

    def summary(self) -> dict[str, float]:
        """p50, p99 and max in ms."""
        ordered = sorted(self.samples) or [0.0]
        return {
            "samples": len(self.samples),
            "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "max_ms": round(ordered[-1], 1),
        }


def _crossing(device: dict[str, Any], number: int, event_id: str) -> dict[str, Any]:
    """A DEVICE_DATA/EVENT (people-counter line crossing, MDP's own EVENT example), numbered."""
    now = time.time()
    return {
        "eventId": event_id,
        "eventCreatedTime": str(int(now)),
        "eventVersion": "1.0",
        "eventType": "DEVICE_DATA",
        "data": {
            "deviceProfile": {
                key: device[key] for key in ("deviceId", "sn", "devEUI", "name", "model")
            },
            "type": "EVENT",
            "tslId": "line_crossing",
            "ts": int(now * 1000),
            "payload": {"load_number": number},
        },
    }


async def _send_milesight(
    session: aiohttp.ClientSession, url: str, device: dict[str, Any]
) -> tuple[dict[int, list[int]], float]:
    """Deliveries at RATE for SECONDS; number -> the statuses it got; the achieved rate."""
    total = int(RATE * SECONDS)
    statuses: dict[int, list[int]] = {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def deliver(number: int, event_id: str) -> None:
        body = json.dumps([_crossing(device, number, event_id)]).encode()
        async with gate:
            try:
                async with session.post(
                    url, data=body, headers=milesight_headers(MILESIGHT_WEBHOOK_SECRET)
                ) as response:
                    await response.read()
                    status = response.status
            except aiohttp.ClientError:
                status = 0
        statuses.setdefault(number, []).append(status)

    start = time.perf_counter()
    tasks = []
    for number in range(total):
        due = start + number / RATE
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        event_id = str(uuid.uuid4())
        tasks.append(asyncio.create_task(deliver(number, event_id)))
        if number % REPEAT_EVERY == 0:
            tasks.append(asyncio.create_task(deliver(number, event_id)))
    await asyncio.gather(*tasks)
    return statuses, len(tasks) / (time.perf_counter() - start)


async def _send_ttlock_burst(
    session: aiohttp.ClientSession, url: str, lock: dict[str, Any]
) -> dict[int, int]:
    """TTLOCK_BURST callbacks at once, one record each (lock dates 1 s apart); date -> status."""
    now_ms = int(time.time() * 1000)
    dates = [now_ms - (TTLOCK_BURST - index) * 1000 for index in range(TTLOCK_BURST)]

    async def push(lock_date: int) -> tuple[int, int]:
        record = {
            "lockId": lock["lockId"],
            "recordType": 4,  # unlocked with a passcode
            "success": 1,
            "username": "load",
            "keyboardPwd": "",
            # No battery reading: the simulated cloud's own figure must stay the lock's.
            "lockDate": lock_date,
            "serverDate": lock_date + 500,
        }
        form = {"notifyType": "1", "lockId": str(lock["lockId"]), "records": json.dumps([record])}
        async with session.post(
            url,
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response:
            await response.read()
            return lock_date, response.status

    return dict(await asyncio.gather(*(push(date) for date in dates)))


async def _settle(watch: BusWatch, expected: int) -> None:
    """Wait until `expected` events came, or none came for 5 s (the rest are lost)."""
    deadline = time.monotonic() + SETTLE_S
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline and len(watch.events) < expected:
        if len(watch.events) != seen:
            seen, quiet_since = len(watch.events), time.monotonic()
        elif time.monotonic() - quiet_since > 5:
            return
        await asyncio.sleep(0.2)


async def test_load_every_event_accounted_for(
    ha: HomeAssistantClient,
    hass_process: HassProcess,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    ttlock_sim: Simulator,
    milesight_entry: dict[str, Any],
    ttlock_entry: dict[str, Any],
) -> None:
    """Deliveries at the target rate and a callback burst: zero lost, zero doubled."""
    assert hass_process.process is not None
    pid = hass_process.process.pid
    device = (await get_json(http_session, f"{milesight_sim.url}/_sim/devices"))[0]
    lock = await ttlock_manual_lock(http_session, ttlock_sim.url)
    milesight_url = f"{ha.base_url}/api/webhook/{milesight_entry['data']['webhook_id']}"
    ttlock_url = f"{ha.base_url}/api/webhook/{ttlock_entry['data']['webhook_id']}"
    memory_before = _rss_mib(pid)
    probe = LagProbe()
    probe_socket = await _socket(http_session, ha)
    idle = LagProbe()
    idle_task = asyncio.create_task(idle.run(probe_socket))
    await asyncio.sleep(2)
    idle_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await idle_task
    probe_task = asyncio.create_task(probe.run(probe_socket))
    async with _watching(http_session, ha) as watch:
        started = time.perf_counter()
        statuses, achieved = await _send_milesight(http_session, milesight_url, device)
        sent_seconds = time.perf_counter() - started
        accepted = {number for number, codes in statuses.items() if 200 in codes}
        await _settle(watch, len(accepted))
        milesight_events = [
            event["payload"]["load_number"]
            for event in watch.events
            if isinstance(event.get("payload"), dict) and "load_number" in event["payload"]
        ]
        watch.events.clear()
        pushed = await _send_ttlock_burst(http_session, ttlock_url, lock)
        await _settle(watch, len(pushed))
        ttlock_events = [
            event["record"]["lock_date"]
            for event in watch.events
            if isinstance(event.get("record"), dict) and event["record"].get("lock_date") in pushed
        ]
    probe_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await probe_task
    await probe_socket.close()
    memory_after = _rss_mib(pid)

    applied = Counter(milesight_events)
    refused = {number: codes for number, codes in statuses.items() if 200 not in codes}
    lost = sorted(number for number in accepted if number not in applied)
    doubled = sorted(number for number, count in applied.items() if count > 1)
    ttlock_applied = Counter(ttlock_events)
    ttlock_lost = sorted(date for date, status in pushed.items() if date not in ttlock_applied)
    ttlock_doubled = sorted(date for date, count in ttlock_applied.items() if count > 1)
    figures = {
        "target_rate": RATE,
        "seconds": SECONDS,
        "deliveries_sent": sum(len(codes) for codes in statuses.values()),
        "distinct_events": len(statuses),
        "repeated_event_ids": sum(len(codes) - 1 for codes in statuses.values()),
        "achieved_rate": round(achieved, 1),
        "send_seconds": round(sent_seconds, 2),
        "applied": len(applied),
        "refused": {
            str(codes): count
            for codes, count in Counter(tuple(codes) for codes in refused.values()).items()
        },
        "lost": len(lost),
        "doubled": len(doubled),
        "ttlock_burst": len(pushed),
        "ttlock_applied": len(ttlock_applied),
        "ttlock_lost": len(ttlock_lost),
        "ttlock_doubled": len(ttlock_doubled),
        "memory_before_mib": round(memory_before, 1),
        "memory_after_mib": round(memory_after, 1),
        "memory_bound_mib": MEMORY_BOUND_MIB,
        "loop_lag_idle": idle.summary(),
        "loop_lag_under_load": probe.summary(),
    }
    print(json.dumps(figures, indent=2))
    if target := os.environ.get("MINERVA_LOAD_RESULTS"):
        Path(target).write_text(json.dumps(figures, indent=2) + "\n")
    assert (lost, doubled) == ([], []), figures
    assert set(applied) | set(refused) == set(statuses), figures
    assert (ttlock_lost, ttlock_doubled) == ([], []), figures
    assert memory_after - memory_before < MEMORY_BOUND_MIB, figures

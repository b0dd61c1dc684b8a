"""Ingest ratio: our webhooks against a no-op webhook handler in the same Home Assistant.

Run: ``.venv/bin/python -m benchmarks.ingest [--fleets 60:10,600:50] [--deliveries 200]
[--batches 1,20] [--rounds 4] [--json]``.

What runs: one Home Assistant test instance per fleet (``devices:locks``) holding a webhook-only
Milesight entry with that many devices and a TTLock entry with that many locks (simulator-backed),
plus no-op webhooks registered beside them with ``webhook.async_register``. The no-op
handler reads the body, writes one state with ``hass.states.async_set`` and answers 200: the
least any integration must do to turn a delivery into a state, so "ours ÷ no-op" is how close
our path comes to Home Assistant's bare floor (HTTP server, middlewares, webhook routing, one
state machine write). The "same writes" no-op writes, delivery by delivery, as many states as
ours did on the untimed pass (as many changed, as many re-reported): Home Assistant's own cost
of showing what ours shows, so "ours ÷ same writes" is the part of the gap that is ours. The *same* signed Milesight deliveries (and the same TTLock callback
forms) are POSTed over loopback TCP to our webhook and to the no-op one, in alternating order
round by round so that load from other processes hits both alike.

Latency is POST sent → response read. Both handlers write their states synchronously before
answering (checked on every delivery of an untimed pass: the state writes are counted by bus
listeners and must all have happened when the response arrives), so it is also POST → state
written. A cProfile pass, enabled only while a webhook handler runs, lists where our handler
spends its time (top functions of our package by cumulative time, and every function by own
time).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import cProfile
import dataclasses
from dataclasses import dataclass, field
import gc
import itertools
from pathlib import Path
import pstats
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback

from benchmarks.harness import HomeAssistantClient, http_client, quiet_logs, running_home_assistant
from benchmarks.milesight_fleet import grow_fleet
from benchmarks.milesight_webhook import WEBHOOK_ID as MILESIGHT_WEBHOOK_ID, webhook_entry
from benchmarks.report import Report, Table, add_common_arguments, emit, percentile
from benchmarks.ttlock_account import WEBHOOK_ID as TTLOCK_WEBHOOK_ID, add_entry, populate
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

NOOP_MILESIGHT_ID = "benchmark-noop-milesight"
NOOP_TTLOCK_ID = "benchmark-noop-ttlock"
SAME_MILESIGHT_ID = "benchmark-same-writes-milesight"
SAME_TTLOCK_ID = "benchmark-same-writes-ttlock"
# The sides of a scenario: our webhook, the no-op of the issue, and the no-op writing as many
# states as ours (Home Assistant's own limit for what ours shows).
OURS, NOOP, SAME = "ours", "no-op", "no-op, same writes"
SIDES = (OURS, NOOP, SAME)
# Keys of the sides in the JSON figures.
SIDE_KEYS = {OURS: "ours", NOOP: "noop", SAME: "noop_same_writes"}
TARGET_RATIO = 0.7
# Record types pushed per lock, alternately (reference §9: 4 unlock by passcode, 34 lock by
# passcode): every lock ends a round locked, so no assumed relock fires later.
UNLOCK_BY_PASSCODE, LOCK_BY_PASSCODE = 4, 34
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PACKAGE = str(Path(__file__).resolve().parents[1] / "custom_components" / "minerva_iot")
TOP_FUNCTIONS = 15

type Post = tuple[dict[str, str], bytes]
type Handler = Callable[[HomeAssistant, str, web.Request], Awaitable[web.Response | None]]


@dataclass
class Side:
    """The figures of one webhook (ours or no-op) in one scenario."""

    latencies: list[float] = field(default_factory=list)
    handler_times: list[float] = field(default_factory=list)
    wall: float = 0.0
    deliveries: int = 0
    events: int = 0
    statuses_ok: bool = True
    writes_per_delivery: float = 0.0
    written_before_response: bool = True
    # Entities whose state was written after the responses (background work), if any.
    written_later: list[str] = field(default_factory=list)
    # Deliveries of the untimed pass that wrote no state at all (nothing changed).
    writing_nothing: int = 0

    def events_per_s(self) -> float:
        """Events (uplinks or records) per second of wall time."""
        return self.events / self.wall if self.wall else 0.0


@dataclass
class Scenario:
    """One kind of delivery sent to one of our webhooks and to its no-op twin."""

    name: str
    key: str
    webhook_ids: dict[str, str]
    events_per_delivery: int
    build: Callable[[int], list[Post]]
    plan: WritePlan
    sides: dict[str, Side] = field(default_factory=lambda: {label: Side() for label in SIDES})
    profile: dict[str, Any] = field(default_factory=dict)


def noop_handler(entity_id: str) -> Handler:
    """Read the body, write one state, answer 200: Home Assistant's floor for a push."""
    count = itertools.count(1)

    async def handle(hass: HomeAssistant, _webhook_id: str, request: web.Request) -> web.Response:
        body = await request.read()
        hass.states.async_set(entity_id, str(next(count)), {"bytes": len(body)})
        return web.Response(text="success")

    return handle


@dataclass
class WritePlan:
    """What the same-writes no-op writes per delivery: ours' (changed, re-reported), in turn."""

    writes: list[tuple[int, int]] = field(default_factory=lambda: [(1, 0)])
    _next: int = 0

    def take(self) -> tuple[int, int]:
        """The next delivery's (changed, re-reported) state counts."""
        changed, reported = self.writes[self._next % len(self.writes)]
        self._next += 1
        return changed, reported


def same_writes_handler(prefix: str, plan: WritePlan) -> Handler:
    """Read the body, write the states ours wrote for such a delivery, answer 200.

    Changed states get a new value; re-reported ones are written again with the value they have
    (Home Assistant then fires `state_reported`, as for ours).
    """
    count = itertools.count(1)

    async def handle(hass: HomeAssistant, _webhook_id: str, request: web.Request) -> web.Response:
        body = await request.read()
        changed, reported = plan.take()
        value = str(next(count))
        for index in range(changed):
            hass.states.async_set(f"{prefix}_{index}", value, {"bytes": len(body)})
        for index in range(reported):
            hass.states.async_set(f"{prefix}_same_{index}", "0")
        return web.Response(text="success")

    return handle


def milesight_builder(sim: MilesightSimulator, batch: int) -> Callable[[int], list[Post]]:
    """Signed deliveries of ``batch`` uplinks each, round-robin over the fleet (fresh nonces)."""
    devices = itertools.cycle(sim.devices)

    def build(count: int) -> list[Post]:
        return [
            sim.build_delivery([sim.uplink_event(next(devices).sn) for _ in range(batch)])
            for _ in range(count)
        ]

    return build


def ttlock_builder(sim: TTLockSimulator) -> Callable[[int], list[Post]]:
    """Callback forms of one record each, round-robin over the locks, unlock then lock.

    Each record is dated 1 ms after the previous one (and never before now): records built in
    the same millisecond would leave their order to chance, and the integration rightly ignores
    a record older than the newest one it applied.
    """
    lock_ids = list(sim.locks)
    last_ms = 0

    def build(count: int) -> list[Post]:
        nonlocal last_ms
        # A whole number of unlock + lock pairs per lock: every lock ends the round locked.
        pairs = max(1, round(count / (2 * len(lock_ids))))
        posts: list[Post] = []
        for index in range(2 * len(lock_ids) * pairs):
            lock_id = lock_ids[index % len(lock_ids)]
            record = UNLOCK_BY_PASSCODE if (index // len(lock_ids)) % 2 == 0 else LOCK_BY_PASSCODE
            last_ms = max(last_ms + 1, int(time.time() * 1000))
            form = sim.build_callback(lock_id, record, lockDate=last_ms)
            posts.append((FORM, urlencode(form).encode()))
        return posts

    return build


def _swap_handler(hass: HomeAssistant, webhook_id: str, handler: Handler) -> Handler:
    """Put `handler` in the webhook's registration; returns the one it replaced.

    Home Assistant 2025.4 keeps a dict per webhook, newer ones a frozen WebhookData.
    """
    table: dict[str, Any] = hass.data[webhook.DOMAIN]
    info = table[webhook_id]
    if isinstance(info, dict):
        original: Handler = info["handler"]
        info["handler"] = handler
    else:  # pragma: no cover - Home Assistant > 2025.4
        original = info.handler
        table[webhook_id] = dataclasses.replace(info, handler=handler)
    return original


class HandlerClock:
    """Swaps a registered webhook handler for a timed (optionally profiled) one."""

    def __init__(self, hass: HomeAssistant, webhook_id: str) -> None:
        """The webhook must be registered."""
        self._hass = hass
        self._webhook_id = webhook_id
        self.samples: list[float] = []
        self.profiler: cProfile.Profile | None = None
        self._original = _swap_handler(hass, webhook_id, self._timed)

    async def _timed(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response | None:
        profiler = self.profiler
        start = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        try:
            return await self._original(hass, webhook_id, request)
        finally:
            if profiler is not None:
                profiler.disable()
            self.samples.append(time.perf_counter() - start)

    def restore(self) -> None:
        """Put the original handler back."""
        _swap_handler(self._hass, self._webhook_id, self._original)


async def post_all(
    client: HomeAssistantClient, webhook_id: str, posts: list[Post]
) -> tuple[list[float], float, bool]:
    """POST one after the other; latencies (s), wall time, whether every answer was 200."""
    latencies: list[float] = []
    ok = True
    url = f"/api/webhook/{webhook_id}"
    start = time.perf_counter()
    for headers, body in posts:
        sent = time.perf_counter()
        response = await client.post(url, data=body, headers=headers)
        await response.read()
        latencies.append(time.perf_counter() - sent)
        ok &= response.status == 200
    return latencies, time.perf_counter() - start, ok


class WriteCounter:
    """Counts state writes (changed or only re-reported) while attached."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Not attached yet."""
        self.hass = hass
        self.written: list[str] = []  # entity ids, in write order
        self.reported = 0  # of which re-written with the state they had
        self._unsubscribe: list[Callable[[], None]] = []

    @property
    def writes(self) -> int:
        """State writes so far."""
        return len(self.written)

    def __enter__(self) -> WriteCounter:
        """Listen to both state events (HA requires a filter for the reported one)."""

        @callback
        def count(event: Event[Any]) -> None:
            self.written.append(str(event.data.get("entity_id")))

        @callback
        def count_reported(event: Event[Any]) -> None:
            self.reported += 1
            count(event)

        @callback
        def every(_data: Any) -> bool:
            return True

        self._unsubscribe = [
            self.hass.bus.async_listen(EVENT_STATE_CHANGED, count),
            self.hass.bus.async_listen(EVENT_STATE_REPORTED, count_reported, event_filter=every),
        ]
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()


@dataclass
class Verified:
    """What the untimed pass of one side found."""

    writes_per_delivery: float
    deliveries_writing_nothing: int
    written_after_responses: list[str]
    all_200: bool
    # (changed, re-reported) states of each delivery, in order.
    writes: list[tuple[int, int]]


async def verify_pass(
    hass: HomeAssistant, client: HomeAssistantClient, webhook_id: str, posts: list[Post]
) -> Verified:
    """Untimed: writes per delivery, any written after the responses, all answered 200."""
    writing_nothing = 0
    ok = True
    writes: list[tuple[int, int]] = []
    with WriteCounter(hass) as counter:
        for headers, body in posts:
            seen, seen_reported = counter.writes, counter.reported
            response = await client.post(f"/api/webhook/{webhook_id}", data=body, headers=headers)
            await response.read()
            ok &= response.status == 200
            writing_nothing += counter.writes == seen
            reported = counter.reported - seen_reported
            writes.append((counter.writes - seen - reported, reported))
        # Anything written after the responses (background work) shows up here.
        by_responses = counter.writes
        await hass.async_block_till_done()
        return Verified(
            round(by_responses / len(posts), 2),
            writing_nothing,
            sorted(set(counter.written[by_responses:])),
            ok,
            writes,
        )


def profile_rows(profiler: cProfile.Profile, deliveries: int) -> dict[str, list[dict[str, Any]]]:
    """Top functions of our package by cumulative time, and all functions by own time."""
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]

    def row(key: tuple[str, int, str], value: tuple[int, int, float, float, Any]) -> dict[str, Any]:
        filename, line, name = key
        _primitive, calls, own, cumulative, _callers = value
        where = filename.removeprefix(PACKAGE + "/") if filename.startswith(PACKAGE) else filename
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1]
        return {
            "function": f"{where}:{line}({name})",
            "calls_per_delivery": round(calls / deliveries, 2),
            "cumulative_us_per_delivery": round(cumulative / deliveries * 1e6, 1),
            "own_us_per_delivery": round(own / deliveries * 1e6, 1),
        }

    ours = sorted(
        ((key, value) for key, value in raw.items() if key[0].startswith(PACKAGE)),
        key=lambda item: item[1][3],
        reverse=True,
    )
    # The profiler's own switch-off is the last call of every profiled handler: not a finding.
    measured = {key: value for key, value in raw.items() if "_lsprof" not in key[2]}
    own = sorted(measured.items(), key=lambda item: item[1][2], reverse=True)
    total = sum(value[2] for value in measured.values())
    return {
        "ours_by_cumulative": [row(key, value) for key, value in ours[:TOP_FUNCTIONS]],
        "all_by_own_time": [row(key, value) for key, value in own[:TOP_FUNCTIONS]],
        "profiled_us_per_delivery": [{"total": round(total / deliveries * 1e6, 1)}],
    }


async def run_scenario(
    hass: HomeAssistant, client: HomeAssistantClient, scenario: Scenario, args: argparse.Namespace
) -> None:
    """Verification pass, timed rounds (rotating order), then a profiled pass of each side."""
    count = args.deliveries
    for label, side in scenario.sides.items():
        verified = await verify_pass(
            hass, client, scenario.webhook_ids[label], scenario.build(max(4, count // 10))
        )
        side.writes_per_delivery = verified.writes_per_delivery
        side.written_before_response = not verified.written_after_responses
        side.written_later = verified.written_after_responses
        side.writing_nothing = verified.deliveries_writing_nothing
        side.statuses_ok = verified.all_200
        if label == OURS:
            # The same-writes no-op (verified next) writes what ours just did, delivery by delivery.
            scenario.plan.writes = verified.writes
    clocks = {
        label: HandlerClock(hass, webhook_id) for label, webhook_id in scenario.webhook_ids.items()
    }
    try:
        for round_index in range(args.rounds):
            # The same deliveries to every side; who goes first rotates round by round.
            posts = scenario.build(count)
            shift = round_index % len(SIDES)
            for label in SIDES[shift:] + SIDES[:shift]:
                side = scenario.sides[label]
                gc.collect()
                latencies, wall, ok = await post_all(client, scenario.webhook_ids[label], posts)
                side.latencies.extend(latencies)
                side.wall += wall
                side.deliveries += len(posts)
                side.events += len(posts) * scenario.events_per_delivery
                side.statuses_ok &= ok
        for label, handler_clock in clocks.items():
            scenario.sides[label].handler_times = list(handler_clock.samples)
            handler_clock.samples.clear()
        # Profiled pass: the profiler runs only while a webhook handler does.
        posts = scenario.build(count)
        for label in (OURS, SAME):
            handler_clock = clocks[label]
            profiler = handler_clock.profiler = cProfile.Profile()
            await post_all(client, scenario.webhook_ids[label], posts)
            handler_clock.profiler = None
            scenario.profile[label] = profile_rows(profiler, len(posts))
    finally:
        for handler_clock in clocks.values():
            handler_clock.restore()
    await hass.async_block_till_done()


async def measure_instance(devices: int, locks: int, args: argparse.Namespace) -> list[Scenario]:
    """One Home Assistant with both entries, the no-op webhooks and every scenario."""
    milesight = MilesightSimulator(seed=7)  # never started: it only builds and signs deliveries
    grow_fleet(milesight, devices)
    ttlock = TTLockSimulator()
    populate(ttlock, locks)
    await ttlock.start(host="127.0.0.1", port=0)
    try:
        async with running_home_assistant() as hass:
            entry = webhook_entry()
            entry.add_to_hass(hass)
            if not await hass.config_entries.async_setup(entry.entry_id):
                raise RuntimeError("the Milesight entry did not set up")
            await add_entry(hass, ttlock, {})
            milesight_plan, ttlock_plan = WritePlan(), WritePlan()
            handlers = {
                NOOP_MILESIGHT_ID: noop_handler("sensor.benchmark_noop_milesight"),
                NOOP_TTLOCK_ID: noop_handler("sensor.benchmark_noop_ttlock"),
                SAME_MILESIGHT_ID: same_writes_handler(
                    "sensor.benchmark_same_writes_milesight", milesight_plan
                ),
                SAME_TTLOCK_ID: same_writes_handler(
                    "sensor.benchmark_same_writes_ttlock", ttlock_plan
                ),
            }
            for webhook_id, handler in handlers.items():
                webhook.async_register(hass, "benchmark", webhook_id, webhook_id, handler)
            milesight_ids = {
                OURS: MILESIGHT_WEBHOOK_ID,
                NOOP: NOOP_MILESIGHT_ID,
                SAME: SAME_MILESIGHT_ID,
            }
            scenarios = [
                Scenario(
                    f"Milesight, {devices} devices, {batch} uplink{'s' if batch > 1 else ''}"
                    "/delivery",
                    f"milesight_d{devices}_b{batch}",
                    milesight_ids,
                    batch,
                    milesight_builder(milesight, batch),
                    milesight_plan,
                )
                for batch in args.batches
            ]
            scenarios.append(
                Scenario(
                    f"TTLock, {locks} locks, 1 record/callback",
                    f"ttlock_l{locks}",
                    {OURS: TTLOCK_WEBHOOK_ID, NOOP: NOOP_TTLOCK_ID, SAME: SAME_TTLOCK_ID},
                    1,
                    ttlock_builder(ttlock),
                    ttlock_plan,
                )
            )
            async with http_client(hass) as client:
                # First sight of each device creates its registry entry and entities (one-off).
                first = milesight_builder(milesight, 1)(devices)
                _, _, ok = await post_all(client, MILESIGHT_WEBHOOK_ID, first)
                if not ok:
                    raise RuntimeError("a first-sight delivery was refused")
                await hass.async_block_till_done()
                for scenario in scenarios:
                    await run_scenario(hass, client, scenario, args)
            return scenarios
    finally:
        await ttlock.stop()


def side_figures(side: Side) -> dict[str, Any]:
    """Rate, latency percentiles, handler time, state writes and checks of one side."""
    return {
        "deliveries": side.deliveries,
        "events_per_s": round(side.events_per_s(), 1),
        "p50_ms": round(percentile(side.latencies, 0.5) * 1000, 3),
        "p99_ms": round(percentile(side.latencies, 0.99) * 1000, 3),
        "handler_p50_us": round(percentile(side.handler_times, 0.5) * 1e6, 1),
        "state_writes_per_delivery": side.writes_per_delivery,
        "all_200": side.statuses_ok,
        "states_written_before_response": side.written_before_response,
        "states_written_after_the_responses": side.written_later,
        "deliveries_writing_nothing": side.writing_nothing,
    }


def ratios(ours: Side, base: Side) -> tuple[float, float, float]:
    """Ours ÷ base: events/s, and base latency ÷ ours at p50 and p99 (1.0 = as fast)."""
    return (
        ours.events_per_s() / base.events_per_s(),
        percentile(base.latencies, 0.5) / percentile(ours.latencies, 0.5),
        percentile(base.latencies, 0.99) / percentile(ours.latencies, 0.99),
    )


def add_scenario(report: Report, scenario: Scenario, ratio_table: Table, sides: Table) -> None:
    """The scenario's rows and figures."""
    ours = scenario.sides[OURS]
    rate, p50, p99 = ratios(ours, scenario.sides[NOOP])
    same_rate, same_p50, same_p99 = ratios(ours, scenario.sides[SAME])
    for label, side in scenario.sides.items():
        figures = side_figures(side)
        sides.rows.append(
            [
                scenario.name,
                label,
                side.deliveries,
                figures["events_per_s"],
                figures["p50_ms"],
                figures["p99_ms"],
                figures["handler_p50_us"],
                side.writes_per_delivery,
            ]
        )
    ratio_table.rows.append(
        [
            scenario.name,
            round(ours.events_per_s(), 1),
            round(scenario.sides[NOOP].events_per_s(), 1),
            round(rate, 2),
            round(p50, 2),
            round(p99, 2),
            "yes" if rate >= TARGET_RATIO else "no",
            round(same_rate, 2),
            round(same_p50, 2),
            "yes" if same_rate >= TARGET_RATIO else "no",
        ]
    )
    report.figures[scenario.key] = {
        "scenario": scenario.name,
        "events_per_delivery": scenario.events_per_delivery,
        **{SIDE_KEYS[label]: side_figures(side) for label, side in scenario.sides.items()},
        "ratio_events_per_s": round(rate, 3),
        "ratio_p50": round(p50, 3),
        "ratio_p99": round(p99, 3),
        "ratio_events_per_s_vs_same_writes": round(same_rate, 3),
        "ratio_p50_vs_same_writes": round(same_p50, 3),
        "ratio_p99_vs_same_writes": round(same_p99, 3),
        "profile": scenario.profile,
    }


def fleet_list(text: str) -> list[tuple[int, int]]:
    """argparse type of ``60:10,600:50`` (Milesight devices : TTLock locks)."""
    fleets: list[tuple[int, int]] = []
    try:
        for part in text.split(","):
            devices, locks = part.split(":")
            fleets.append((int(devices), int(locks)))
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected devices:locks,...: {text}") from err
    if not fleets or any(devices < 6 or locks < 1 for devices, locks in fleets):
        raise argparse.ArgumentTypeError("at least 6 devices and 1 lock per fleet")
    return fleets


async def run(args: argparse.Namespace) -> Report:
    """Every fleet in its own Home Assistant instance."""
    report = Report(
        benchmark="ingest",
        measures=(
            "the same signed Milesight deliveries and the same TTLock callback forms POSTed "
            "over loopback TCP, one at a time, to our webhooks and to a no-op webhook handler "
            "(reads the body, writes one state with hass.states.async_set, answers 200) "
            "registered beside them in the same Home Assistant test instance (real HTTP app and "
            "middlewares, webhook component, state machine; no recorder). Latency = POST sent to "
            "response read = POST to state written (no state is written after the answer: checked "
            "on an untimed pass). Rounds rotate which side goes first. Ratio = ours "
            "events/s divided by no-op events/s (1.0 = as fast as Home Assistant's floor). A "
            "third side, 'no-op, same writes', writes per delivery as many states as ours wrote "
            "for it on the untimed pass (as many changed, as many re-reported): ours ÷ that is "
            "the share of the gap that is our code rather than Home Assistant's state writes."
        ),
        parameters={
            "fleets_devices_locks": [f"{d}:{n}" for d, n in args.fleets],
            "deliveries_per_round_and_side": args.deliveries,
            "batches": args.batches,
            "rounds": args.rounds,
            "target_ratio": TARGET_RATIO,
        },
    )
    ratio_table = Table(
        "Ours ÷ no-op (same instance, same deliveries)",
        [
            "scenario",
            "ours events/s",
            "no-op events/s",
            "ratio events/s",
            "ratio p50",
            "ratio p99",
            f"≥ {TARGET_RATIO}",
            "ratio vs same writes",
            "ratio p50 vs same writes",
            f"vs same writes ≥ {TARGET_RATIO}",
        ],
    )
    sides = Table(
        "Each side: POST → state written",
        [
            "scenario",
            "webhook",
            "deliveries",
            "events/s",
            "p50 ms",
            "p99 ms",
            "handler p50 µs",
            "state writes/delivery",
        ],
    )
    hot = Table(
        "Profile of our handlers: top functions of the package by cumulative time (profiled µs)",
        ["scenario", "function", "calls/delivery", "cumulative µs/delivery", "own µs/delivery"],
    )
    own = Table(
        "Profile of our handlers: top functions anywhere by own time (profiled µs)",
        ["scenario", "function", "calls/delivery", "own µs/delivery"],
    )
    for devices, locks in args.fleets:
        for scenario in await measure_instance(devices, locks, args):
            add_scenario(report, scenario, ratio_table, sides)
            profile = scenario.profile[OURS]
            for row in profile["ours_by_cumulative"][: args.profile_rows]:
                hot.rows.append(
                    [
                        scenario.name,
                        row["function"],
                        row["calls_per_delivery"],
                        row["cumulative_us_per_delivery"],
                        row["own_us_per_delivery"],
                    ]
                )
            for row in profile["all_by_own_time"][: args.profile_rows]:
                own.rows.append(
                    [
                        scenario.name,
                        row["function"],
                        row["calls_per_delivery"],
                        row["own_us_per_delivery"],
                    ]
                )
    report.tables = [ratio_table, sides, hot, own]
    checks = [value for value in report.figures.values() if isinstance(value, dict)]
    side_keys = list(SIDE_KEYS.values())
    all_ok = all(item[side]["all_200"] for item in checks for side in side_keys)
    before = all(
        item[side]["states_written_before_response"] for item in checks for side in side_keys
    )
    lowest = min(item["ratio_events_per_s"] for item in checks)
    lowest_same = min(item["ratio_events_per_s_vs_same_writes"] for item in checks)
    report.figures["all_answered_200"] = all_ok
    report.figures["states_written_before_response"] = before
    report.figures["lowest_ratio"] = lowest
    report.figures["lowest_ratio_vs_same_writes"] = lowest_same
    report.figures["ratios"] = {
        item_key: item["ratio_events_per_s"]
        for item_key, item in (
            (key, value)
            for key, value in report.figures.items()
            if isinstance(value, dict) and "ratio_events_per_s" in value
        )
    }
    report.notes = [
        f"Every delivery answered 200: {all_ok}; every state written before its response: "
        f"{before}. Lowest ratio {lowest:.2f} against the bare no-op, {lowest_same:.2f} against "
        f"the no-op writing the same states (target ≥ {TARGET_RATIO}).",
        "Why a no-op that writes one state: the issue compares against Home Assistant's bare "
        "webhook path 'to state written'; a handler that only answers would compare a push that "
        "shows nothing with one that does. It writes one state per delivery whatever the batch.",
        "Why the same-writes no-op: a delivery of 20 uplinks shows 20 devices' readings, a "
        "record changes a lock, its battery and its activity; each shown state costs Home "
        "Assistant a state-machine write whoever writes it. That side writes exactly as many "
        "states per delivery as ours (measured on the untimed pass), so ours ÷ it is what our "
        "own code costs; ours ÷ bare no-op also counts Home Assistant's writes.",
        "'handler p50' is the time inside the webhook handler alone (HA's HTTP server and "
        "webhook routing are the rest of the latency, the same for every side); 'state "
        "writes/delivery' counts state_changed + state_reported events on the untimed pass.",
        "Client and server share one process and event loop: the latency includes the client; "
        "every side pays it alike. No TLS, proxy, Nabu Casa relay or recorder.",
        "Profile: cProfile enabled only while a webhook handler (ours, then the same-writes "
        "no-op for comparison) runs, on a separate pass (it "
        "slows the code: profiled µs are larger than timed ones; compare them with each other). "
        "Cumulative time of our functions includes the Home Assistant code they call.",
        "On a shared machine rates vary between runs; the ratio is taken inside one run with "
        "rotating order, which is the figure to compare.",
    ]
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest")
    parser.add_argument(
        "--fleets",
        type=fleet_list,
        default=[(60, 10), (600, 50)],
        help="Milesight devices:TTLock locks per Home Assistant instance, e.g. 60:10,600:50",
    )
    parser.add_argument(
        "--deliveries", type=int, default=200, help="deliveries per scenario, round and side"
    )
    parser.add_argument("--batches", type=lambda t: [int(x) for x in t.split(",")], default=[1, 20])
    parser.add_argument("--rounds", type=int, default=4, help="timed rounds (alternating order)")
    parser.add_argument("--profile-rows", type=int, default=8, help="hot-spot rows per scenario")
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.deliveries < 1 or args.rounds < 1 or min(args.batches) < 1:
        parser.error("deliveries, rounds and batches must be at least 1")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

"""Throughput and latency of the Milesight webhook, through Home Assistant's HTTP application.

Run: ``.venv/bin/python -m benchmarks.milesight_webhook [--devices 6,60] [--deliveries 500]
[--concurrency 1,10] [--batch 1] [--json]``.

What runs: a Home Assistant test instance (the harness of the test-suite) with a webhook-only
Milesight entry; signed deliveries built by the Milesight simulator are POSTed over loopback TCP
to ``/api/webhook/<id>`` of HA's own aiohttp application (all HA middlewares, the webhook
component's routing, our handler, the fleet model and the entity state writes). Client and server
share one process and one event loop, so the client's own work is inside the latency too: the
figures are an upper bound of the server-side cost. Sender-side signing is done before timing.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable
import time
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, EventStateChangedData, EventStateReportedData, callback
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.harness import HomeAssistantClient, http_client, quiet_logs, running_home_assistant
from benchmarks.milesight_fleet import grow_fleet
from benchmarks.report import Cell, Report, Table, add_common_arguments, emit, int_list, percentile
from custom_components.minerva_iot.clients.milesight.webhook import (
    WebhookVerifier,
    parse_delivery,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.webhook import MilesightWebhookHandler
from simulators.milesight import DEFAULT_WEBHOOK_SECRET, MilesightSimulator

WEBHOOK_ID = "benchmark0123456789abcdef012345"
# The sensor whose final state proves that the last delivery of its device was applied.
PROBE_SN = "6136D0000000AB12"  # EM300-TH "Cold store" of the simulator
PROBE_ENTITY = "sensor.cold_store_temperature"
FREE_PLAN_EVENTS_PER_DAY = 1000  # milesight-mdp-api.md §7
# One device of each simulated model: the smallest fleet (the probe sensor is one of them).
CATALOGUE_SIZE = len(MilesightSimulator().devices)

type Delivery = tuple[dict[str, str], bytes]


class Stopwatch:
    """Records the time spent in each call of one method of the handler (instrumentation)."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def wrap[**P, R](self, function: Callable[P, R]) -> Callable[P, R]:
        """``function`` timed on every call."""

        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.samples.append(time.perf_counter() - start)

        return timed

    def reset(self) -> None:
        """Forget what was measured so far."""
        self.samples.clear()

    def micros(self, fraction: float) -> float:
        """Percentile of the samples in microseconds (0 when there is none)."""
        return percentile(self.samples, fraction) * 1e6 if self.samples else 0.0


def webhook_entry() -> MockConfigEntry:
    """A webhook-only entry: no API client, so no cloud call can hide in the figures."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Milesight benchmark",
        unique_id="benchmark",
        data={
            "vendor": "milesight",
            "webhook_secret": DEFAULT_WEBHOOK_SECRET,
            "webhook_id": WEBHOOK_ID,
        },
    )


def build_deliveries(
    sim: MilesightSimulator, count: int, batch: int, last_probe: dict[str, Any]
) -> list[Delivery]:
    """``count`` signed deliveries of ``batch`` uplinks each, round-robin over the devices."""
    deliveries: list[Delivery] = []
    devices = sim.devices
    index = 0
    for _ in range(count):
        events = []
        for _ in range(batch):
            device = devices[index % len(devices)]
            index += 1
            event = sim.uplink_event(device.sn)
            if device.sn == PROBE_SN:
                last_probe["temperature"] = event["data"]["payload"]["temperature"]
            events.append(event)
        deliveries.append(sim.build_delivery(events))
    return deliveries


async def post_all(
    client: HomeAssistantClient, deliveries: list[Delivery], concurrency: int
) -> tuple[list[float], float, Counter[int]]:
    """POST every delivery with ``concurrency`` senders; latencies (s), wall time, statuses."""
    queue = list(reversed(deliveries))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async def sender() -> None:
        while queue:
            headers, body = queue.pop()
            start = time.perf_counter()
            response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers)
            await response.read()
            latencies.append(time.perf_counter() - start)
            statuses[response.status] += 1

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return latencies, time.perf_counter() - start, statuses


def verify_and_parse_rate(sim: MilesightSimulator, iterations: int, batch: int) -> float:
    """Deliveries per second through signature check + JSON parsing only (HA-free code)."""
    verifier = WebhookVerifier(DEFAULT_WEBHOOK_SECRET)
    deliveries = build_deliveries(sim, iterations, batch, {})
    start = time.perf_counter()
    for headers, body in deliveries:
        verifier.verify(headers)
        parse_delivery(body)
    return iterations / (time.perf_counter() - start)


def latency_row(devices: int, label: str, latencies: list[float], wall: float) -> list[Cell]:
    """Rate and latency percentiles in milliseconds."""
    return [
        devices,
        label,
        len(latencies),
        round(len(latencies) / wall, 1),
        round(percentile(latencies, 0.50) * 1000, 3),
        round(percentile(latencies, 0.95) * 1000, 3),
        round(percentile(latencies, 0.99) * 1000, 3),
        round(max(latencies) * 1000, 3),
    ]


class FleetRun:
    """Measurements of one Home Assistant instance holding one fleet of devices."""

    def __init__(self, devices: int) -> None:
        self.devices = devices
        self.layer_rows: list[list[Cell]] = []
        self.inside_rows: list[list[Cell]] = []
        self.figures: dict[str, Any] = {}
        self.all_accepted = True
        self.forged_rejected = True
        self.final_state_ok = False
        self.posted = 0


async def measure_fleet(args: argparse.Namespace, devices: int, with_forgeries: bool) -> FleetRun:
    """A fresh HA with a webhook-only entry; ``devices`` devices report; every level measured."""
    result = FleetRun(devices)
    sim = MilesightSimulator(seed=7)  # never started: it only builds and signs deliveries
    grow_fleet(sim, devices)
    async with running_home_assistant() as hass:
        entry = webhook_entry()
        entry.add_to_hass(hass)
        if not await hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError("the Milesight entry did not set up")
        await hass.async_block_till_done()
        handler: MilesightWebhookHandler = entry.runtime_data.webhook
        verify_clock, apply_clock = Stopwatch(), Stopwatch()
        handler.verifier.verify = verify_clock.wrap(handler.verifier.verify)  # type: ignore[method-assign]
        handler.processor.async_process = apply_clock.wrap(handler.processor.async_process)  # type: ignore[method-assign]
        state_changes = 0
        state_writes = 0  # changed or not: every entity that ran its state-write path

        @callback
        def count_state_change(_event: Event[EventStateChangedData]) -> None:
            nonlocal state_changes, state_writes
            state_changes += 1
            state_writes += 1

        @callback
        def count_state_report(_event: Event[EventStateReportedData]) -> None:
            nonlocal state_writes
            state_writes += 1

        @callback
        def every_report(_data: EventStateReportedData) -> bool:
            return True

        hass.bus.async_listen(EVENT_STATE_CHANGED, count_state_change)
        # Home Assistant requires a filter for this frequent event.
        hass.bus.async_listen(EVENT_STATE_REPORTED, count_state_report, event_filter=every_report)
        probe: dict[str, Any] = {}
        async with http_client(hass) as client:
            # First sight of each device creates its registry entry and entities (one-off).
            first = build_deliveries(sim, devices, 1, probe)
            latencies, wall, statuses = await post_all(client, first, 1)
            await hass.async_block_till_done()
            result.layer_rows.append(
                latency_row(devices, "new device (entities created)", latencies, wall)
            )
            # Warm-up (not reported): caches and first writes, so the tables show steady state.
            warm_up = build_deliveries(sim, max(1, args.deliveries // 10), args.batch, probe)
            _, _, warm_statuses = await post_all(client, warm_up, 1)
            result.all_accepted = statuses == Counter({200: len(first)}) and (
                warm_statuses == Counter({200: len(warm_up)})
            )
            result.posted = len(first) + len(warm_up)
            for concurrency in args.concurrency:
                deliveries = build_deliveries(sim, args.deliveries, args.batch, probe)
                verify_clock.reset()
                apply_clock.reset()
                state_changes = state_writes = 0
                latencies, wall, statuses = await post_all(client, deliveries, concurrency)
                await hass.async_block_till_done()
                result.all_accepted &= statuses == Counter({200: len(deliveries)})
                result.posted += len(deliveries)
                result.layer_rows.append(
                    latency_row(
                        devices, f"known devices, concurrency {concurrency}", latencies, wall
                    )
                )
                result.inside_rows.append(
                    [
                        devices,
                        concurrency,
                        round(verify_clock.micros(0.5), 1),
                        round(verify_clock.micros(0.95), 1),
                        round(apply_clock.micros(0.5), 1),
                        round(apply_clock.micros(0.95), 1),
                        round(state_changes / len(deliveries), 2),
                        round(state_writes / len(deliveries), 2),
                    ]
                )
                key = f"d{devices}_c{concurrency}"
                result.figures[f"{key}_deliveries_per_s"] = round(len(latencies) / wall, 1)
                result.figures[f"{key}_p50_ms"] = round(percentile(latencies, 0.5) * 1000, 3)
                result.figures[f"{key}_p95_ms"] = round(percentile(latencies, 0.95) * 1000, 3)
                result.figures[f"{key}_apply_p50_us"] = round(apply_clock.micros(0.5), 1)
                result.figures[f"{key}_state_writes_per_delivery"] = round(
                    state_writes / len(deliveries), 2
                )
            if with_forgeries:
                # Signed with a wrong secret, carrying an absurd reading that must never show.
                forged = [
                    sim.build_delivery(
                        [sim.uplink_event(PROBE_SN, {"temperature": -99.0})], secret="wrong"
                    )
                    for _ in range(max(1, args.deliveries // 4))
                ]
                latencies, wall, statuses = await post_all(client, forged, 1)
                result.layer_rows.append(
                    latency_row(devices, "forged signature (401)", latencies, wall)
                )
                result.forged_rejected = statuses == Counter({401: len(forged)})
        state = hass.states.get(PROBE_ENTITY)
        result.final_state_ok = state is not None and state.state == str(probe["temperature"])
        result.all_accepted &= entry.runtime_data.health.last_delivery is not None
    return result


async def run(args: argparse.Namespace) -> Report:
    """Every fleet size in its own Home Assistant, then the HA-free verify + parse rate."""
    report = Report(
        benchmark="milesight_webhook",
        measures=(
            "signed MDP deliveries POSTed over loopback TCP to Home Assistant's own aiohttp "
            "app (HA middlewares, webhook routing, our handler: signature + freshness + nonce "
            "check, JSON parsing, fleet update, entity state writes). Latency = client "
            "send to response read, client and server in one process/event loop (upper bound "
            "of the server cost). Not measured: TLS, reverse proxies, Nabu Casa relay, recorder."
        ),
        parameters={
            "devices": args.devices,
            "deliveries": args.deliveries,
            "concurrency": args.concurrency,
            "batch": args.batch,
            "verify_iterations": args.verify_iterations,
        },
    )
    layers = Table(
        "Per delivery through HTTP, by fleet size",
        [
            "devices",
            "deliveries of",
            "count",
            "deliveries/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
        ],
    )
    inside = Table(
        "Time inside the handler per delivery (instrumented)",
        [
            "devices",
            "concurrency",
            "verify p50 µs",
            "verify p95 µs",
            "apply + state writes p50 µs",
            "apply + state writes p95 µs",
            "state changes/delivery",
            "state writes/delivery",
        ],
    )
    runs = [
        await measure_fleet(args, devices, with_forgeries=index == 0)
        for index, devices in enumerate(args.devices)
    ]
    for fleet in runs:
        layers.rows.extend(fleet.layer_rows)
        inside.rows.extend(fleet.inside_rows)
        report.figures.update(fleet.figures)
    sim = MilesightSimulator(seed=7)
    rate = verify_and_parse_rate(sim, args.verify_iterations, args.batch)
    verify_table = Table(
        "HA-free layer alone: signature check + JSON parsing, in-process",
        ["deliveries", "events/delivery", "deliveries/s", "µs/delivery"],
        [[args.verify_iterations, args.batch, round(rate, 1), round(1e6 / rate, 1)]],
    )
    report.tables = [layers, inside, verify_table]
    all_ok = all(fleet.all_accepted for fleet in runs)
    forged_ok = all(fleet.forged_rejected for fleet in runs)
    final_ok = all(fleet.final_state_ok for fleet in runs)
    report.figures.update(
        {
            "verify_parse_per_s": round(rate, 1),
            "deliveries_posted": sum(fleet.posted for fleet in runs),
            "all_accepted_200": all_ok,
            "forged_rejected_401": forged_ok,
            "final_state_matches_last_delivery": final_ok,
        }
    )
    slowest = min(
        value for key, value in report.figures.items() if key.endswith("_deliveries_per_s")
    )
    report.notes = [
        f"All deliveries answered 200: {all_ok}; forged ones 401: {forged_ok}; "
        f"{PROBE_ENTITY} shows the last genuine temperature (not the forged -99): {final_ok}.",
        f"The MDP free plan pushes at most {FREE_PLAN_EVENTS_PER_DAY} events/day per app "
        f"(≈ {FREE_PLAN_EVENTS_PER_DAY / 86400:.3f}/s); the slowest level measured here handles "
        f"that day's worth in {FREE_PLAN_EVENTS_PER_DAY / (slowest * args.batch):.2f} s.",
        "'Inside the handler' is measured by wrapping the entry's verifier and delivery processor "
        "with a stopwatch; the rest of the latency is HTTP + HA + the client. 'apply' includes "
        "the state writes of the touched device's entities and of the Application's health "
        "sensors; 'state writes' counts every write (changed or only reported).",
        "On a shared machine rates vary up to 2x between runs: compare runs taken back to back.",
    ]
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milesight_webhook")
    parser.add_argument(
        "--devices", type=int_list, default=[6, 60], help="fleet sizes, e.g. 6,60 (min 6)"
    )
    parser.add_argument("--deliveries", type=int, default=500, help="per concurrency level")
    parser.add_argument("--concurrency", type=int_list, default=[1, 10], help="e.g. 1,10")
    parser.add_argument("--batch", type=int, default=1, help="uplink events per delivery")
    parser.add_argument("--verify-iterations", type=int, default=20000)
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.deliveries < 1 or args.batch < 1 or min(args.concurrency) < 1:
        parser.error("deliveries, batch and concurrency must be at least 1")
    if min(args.devices) < CATALOGUE_SIZE:
        parser.error(f"devices must be at least {CATALOGUE_SIZE} (one of each simulated model)")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

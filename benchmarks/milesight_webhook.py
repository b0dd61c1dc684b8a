"""Throughput and latency of the Milesight webhook, through Home Assistant's HTTP application.

Run: ``.venv/bin/python -m benchmarks.milesight_webhook [--deliveries 1000] [--concurrency 1,10]
[--batch 1] [--json]``.

What runs: a Home Assistant test instance (the harness of the test-suite) with a webhook-only
Milesight entry; signed deliveries built by the Milesight simulator are POSTed over loopback TCP
to ``/api/webhook/<id>`` of HA's own aiohttp application (all HA middlewares, the webhook
component's routing, our handler, the coordinator and the entity state writes). Client and server
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

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, callback
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.harness import HomeAssistantClient, http_client, quiet_logs, test_home_assistant
from benchmarks.report import Report, Table, add_common_arguments, emit, int_list, percentile
from custom_components.minerva_iot.clients.milesight.webhook import (
    WebhookVerifier,
    parse_delivery,
)
from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from custom_components.minerva_iot.milesight.webhook import MilesightWebhookHandler
from simulators.milesight import DEFAULT_WEBHOOK_SECRET, MilesightSimulator

WEBHOOK_ID = "benchmark0123456789abcdef012345"
# The sensor whose final state proves that the last delivery of its device was applied.
PROBE_SN = "6136D0000000AB12"  # EM300-TH "Cold store" of the simulator
PROBE_ENTITY = "sensor.cold_store_temperature"
FREE_PLAN_EVENTS_PER_DAY = 1000  # milesight-mdp-api.md §7

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


def latency_row(label: str, latencies: list[float], wall: float) -> list[Any]:
    """Rate and latency percentiles in milliseconds."""
    return [
        label,
        len(latencies),
        round(len(latencies) / wall, 1),
        round(percentile(latencies, 0.50) * 1000, 3),
        round(percentile(latencies, 0.95) * 1000, 3),
        round(percentile(latencies, 0.99) * 1000, 3),
        round(max(latencies) * 1000, 3),
    ]


async def run(args: argparse.Namespace) -> Report:
    """Set up HA and the entry, warm up, then measure each concurrency level."""
    report = Report(
        benchmark="milesight_webhook",
        measures=(
            "signed MDP deliveries POSTed over loopback TCP to Home Assistant's own aiohttp "
            "app (HA middlewares, webhook routing, our handler: signature + freshness + nonce "
            "check, JSON parsing, coordinator update, entity state writes). Latency = client "
            "send to response read, client and server in one process/event loop (upper bound "
            "of the server cost). Not measured: TLS, reverse proxies, Nabu Casa relay, recorder."
        ),
        parameters={
            "deliveries": args.deliveries,
            "concurrency": args.concurrency,
            "batch": args.batch,
            "verify_iterations": args.verify_iterations,
        },
    )
    sim = MilesightSimulator(seed=7)  # not started: only builds and signs deliveries
    layers = Table(
        "Per delivery, by layer",
        ["layer", "deliveries", "deliveries/s", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    )
    inside = Table(
        "Time inside the handler per delivery (instrumented)",
        [
            "concurrency",
            "verify p50 µs",
            "verify p95 µs",
            "apply + state writes p50 µs",
            "apply + state writes p95 µs",
            "state changes/delivery",
        ],
    )
    async with test_home_assistant() as hass:
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
        bus_events = 0

        @callback
        def count_state_change(_event: Event[EventStateChangedData]) -> None:
            nonlocal state_changes
            state_changes += 1

        @callback
        def count_bus_event(_event: Event) -> None:
            nonlocal bus_events
            bus_events += 1

        hass.bus.async_listen(EVENT_STATE_CHANGED, count_state_change)
        hass.bus.async_listen(EVENT_MINERVA, count_bus_event)
        probe: dict[str, Any] = {}
        async with http_client(hass) as client:
            # First sight of each device creates its registry entry and entities (one-off).
            first = build_deliveries(sim, len(sim.devices), 1, probe)
            latencies, wall, statuses = await post_all(client, first, 1)
            await hass.async_block_till_done()
            layers.rows.append(latency_row("HTTP, new device (entities created)", latencies, wall))
            # Warm-up (not reported): caches and first writes, so the tables show steady state.
            warm_up = build_deliveries(sim, max(1, args.deliveries // 10), args.batch, probe)
            _, _, warm_statuses = await post_all(client, warm_up, 1)
            all_ok = statuses == Counter({200: len(first)}) and warm_statuses == Counter(
                {200: len(warm_up)}
            )
            total_posted = len(first) + len(warm_up)
            for concurrency in args.concurrency:
                deliveries = build_deliveries(sim, args.deliveries, args.batch, probe)
                verify_clock.reset()
                apply_clock.reset()
                state_changes = 0
                latencies, wall, statuses = await post_all(client, deliveries, concurrency)
                await hass.async_block_till_done()
                all_ok = all_ok and statuses == Counter({200: len(deliveries)})
                total_posted += len(deliveries)
                label = f"HTTP, known devices, concurrency {concurrency}"
                layers.rows.append(latency_row(label, latencies, wall))
                inside.rows.append(
                    [
                        concurrency,
                        round(verify_clock.micros(0.5), 1),
                        round(verify_clock.micros(0.95), 1),
                        round(apply_clock.micros(0.5), 1),
                        round(apply_clock.micros(0.95), 1),
                        round(state_changes / len(deliveries), 2),
                    ]
                )
                report.figures[f"deliveries_per_s_c{concurrency}"] = round(len(latencies) / wall, 1)
                report.figures[f"p50_ms_c{concurrency}"] = round(
                    percentile(latencies, 0.5) * 1000, 3
                )
                report.figures[f"p95_ms_c{concurrency}"] = round(
                    percentile(latencies, 0.95) * 1000, 3
                )
            # Deliveries signed with a wrong secret: what a flood of forgeries costs.
            forged = [
                sim.build_delivery([sim.uplink_event(PROBE_SN, {"temperature": -99.0})], secret="x")
                for _ in range(max(1, args.deliveries // 4))
            ]
            latencies, wall, statuses = await post_all(client, forged, 1)
            layers.rows.append(latency_row("HTTP, forged signature (401)", latencies, wall))
            forged_rejected = statuses == Counter({401: len(forged)})
        state = hass.states.get(PROBE_ENTITY)
        final_state_ok = state is not None and state.state == str(probe["temperature"])
        accepted = handler.coordinator.stats.last_delivery is not None
    rate = verify_and_parse_rate(sim, args.verify_iterations, args.batch)
    layers.rows.append(
        [
            "in-process verify + parse only (no HA)",
            args.verify_iterations,
            round(rate, 1),
            None,
            None,
            None,
            None,
        ]
    )
    report.tables = [layers, inside]
    report.figures.update(
        {
            "verify_parse_per_s": round(rate, 1),
            "deliveries_posted": total_posted,
            "all_accepted_200": all_ok and accepted,
            "forged_rejected_401": forged_rejected,
            "final_state_matches_last_delivery": final_state_ok,
            "minerva_bus_events": bus_events,
        }
    )
    slowest = min(
        value for key, value in report.figures.items() if key.startswith("deliveries_per_s_")
    )
    report.notes = [
        f"All deliveries answered 200: {all_ok}; forged ones 401: {forged_rejected}; "
        f"{PROBE_ENTITY} shows the last temperature sent: {final_state_ok}.",
        f"The MDP free plan pushes at most {FREE_PLAN_EVENTS_PER_DAY} events/day per app "
        f"(≈ {FREE_PLAN_EVENTS_PER_DAY / 86400:.3f}/s); the slowest level measured here handles "
        f"that day's worth in {FREE_PLAN_EVENTS_PER_DAY / (slowest * args.batch):.2f} s.",
        "The 'inside the handler' figures are measured by wrapping the entry's verifier and "
        "delivery processor with a stopwatch; the rest of the latency is HTTP + HA + client.",
    ]
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milesight_webhook")
    parser.add_argument("--deliveries", type=int, default=1000, help="per concurrency level")
    parser.add_argument("--concurrency", type=int_list, default=[1, 10], help="e.g. 1,10")
    parser.add_argument("--batch", type=int, default=1, help="uplink events per delivery")
    parser.add_argument("--verify-iterations", type=int, default=20000)
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.deliveries < 1 or args.batch < 1 or min(args.concurrency) < 1:
        parser.error("deliveries, batch and concurrency must be at least 1")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

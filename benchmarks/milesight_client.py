"""Cloud calls of the Milesight client and of the integration, counted by the simulator.

Run: ``.venv/bin/python -m benchmarks.milesight_client [--callers 1,10,100] [--devices 10]
[--refresh-minutes 60,15] [--json]``.

Part 1 (client only, no Home Assistant): N concurrent callers on a fresh ``MilesightClient``;
the token must be fetched once whatever N is, also after every token died and when the token
endpoint fails. Part 2 (the integration in Home Assistant's test harness): an API entry set up
against the simulator with D devices, then one simulated day on a frozen clock
(``async_fire_time_changed``), with the default options (seed at start-up, no periodic refresh)
and with the slow refresh on. Every figure is read from the simulator's ``calls`` counter.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.harness import advance, quiet_logs, running_home_assistant, simulated_clock
from benchmarks.milesight_fleet import add_day_of_uplinks, grow_fleet
from benchmarks.report import Report, Table, add_common_arguments, emit, int_list
from custom_components.minerva_iot.clients.milesight import (
    MilesightClient,
    MilesightError,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.const import (
    DEFAULT_REFRESH_MINUTES,
    DEFAULT_SEED_FROM_API,
    OPT_REFRESH_MINUTES,
)
from simulators.milesight import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)

# milesight-mdp-api.md §7 (unconfirmed third-party summary of the pricing page).
FREE_PLAN_CALLS_PER_DAY = 1000
PRO_PLAN_BASE_CALLS_PER_DAY = 1000
PRO_PLAN_CALLS_PER_DEVICE = 100
DAY = timedelta(days=1)
# Stored uplinks per device before the set-up: a common LoRaWAN reporting interval.
UPLINK_EVERY_MINUTES = 10


def pro_plan_budget(devices: int) -> int:
    """Professional plan: 1,000 + 100 x devices API requests per 24 h."""
    return PRO_PLAN_BASE_CALLS_PER_DAY + PRO_PLAN_CALLS_PER_DEVICE * devices


# --- part 1: concurrent callers --------------------------------------------------------------


@dataclass
class Burst:
    """What N callers started together cost."""

    callers: int
    scenario: str
    token_requests: int
    device_calls: int
    other_calls: int
    failed_callers: int


async def burst(
    sim: MilesightSimulator, client: MilesightClient, callers: int, scenario: str
) -> Burst:
    """``callers`` device-detail reads started together; the simulator counts the calls."""
    sim.calls.clear()
    device_id = sim.devices[0].device_id
    results = await asyncio.gather(
        *(client.async_get_device(device_id) for _ in range(callers)), return_exceptions=True
    )
    tokens = sim.calls["oauth/token"]
    devices = sim.calls["device/detail"]
    return Burst(
        callers=callers,
        scenario=scenario,
        token_requests=tokens,
        device_calls=devices,
        other_calls=sum(sim.calls.values()) - tokens - devices,
        failed_callers=sum(isinstance(result, MilesightError) for result in results),
    )


async def concurrent_callers(sim: MilesightSimulator, callers: list[int]) -> list[Burst]:
    """Token requests for N concurrent callers: cold start, dead tokens, failing token endpoint."""
    bursts: list[Burst] = []
    async with aiohttp.ClientSession() as session:
        for count in callers:
            client = MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            bursts.append(await burst(sim, client, count, "cold start"))
            sim.expire_tokens()
            bursts.append(await burst(sim, client, count, "after every token died"))
            # A fresh client, so that no cached token can hide the outage.
            client = MilesightClient(session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            sim.fail_next(1, "http500", endpoint="oauth/token")
            bursts.append(await burst(sim, client, count, "token endpoint fails"))
    return bursts


def bursts_table(bursts: list[Burst]) -> Table:
    """Part 1 as a table."""
    table = Table(
        "Part 1 - N concurrent callers of one client (device detail each)",
        ["callers", "scenario", "token requests", "device calls", "other calls", "failed callers"],
    )
    for item in bursts:
        table.rows.append(
            [
                item.callers,
                item.scenario,
                item.token_requests,
                item.device_calls,
                item.other_calls,
                item.failed_callers,
            ]
        )
    return table


# --- part 2: one simulated day of the integration ---------------------------------------------


def api_entry(sim: MilesightSimulator, options: dict[str, Any]) -> MockConfigEntry:
    """An API + webhook entry pointing at the simulator (as the config flow stores it)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Milesight benchmark",
        unique_id=DEFAULT_CLIENT_ID,
        data={
            "vendor": "milesight",
            "server_address": sim.url,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "webhook_secret": DEFAULT_WEBHOOK_SECRET,
            "webhook_id": "benchmarkmilesightclient0123456",
        },
        options=options,
    )


async def one_day(devices: int, options: dict[str, Any]) -> tuple[Counter[str], Counter[str]]:
    """Calls at set-up and during the following 24 h (by endpoint) for one entry."""
    sim = MilesightSimulator(seed=11)
    with simulated_clock() as clock:
        grow_fleet(sim, devices)
        add_day_of_uplinks(sim, UPLINK_EVERY_MINUTES)
        await sim.start(host="127.0.0.1", port=0)
        try:
            async with running_home_assistant() as hass:
                entry = api_entry(sim, options)
                entry.add_to_hass(hass)
                if not await hass.config_entries.async_setup(entry.entry_id):
                    raise RuntimeError("the Milesight entry did not set up")
                await hass.async_block_till_done()
                set_up = Counter(sim.calls)
                sim.calls.clear()
                await simulate(hass, clock, options)
                return set_up, Counter(sim.calls)
        finally:
            await sim.stop()


async def simulate(hass: HomeAssistant, clock: Any, options: dict[str, Any]) -> None:
    """Advance 24 h in steps of the refresh interval (1 h when there is none)."""
    minutes = int(options.get(OPT_REFRESH_MINUTES, DEFAULT_REFRESH_MINUTES))
    step = timedelta(minutes=minutes) if minutes else timedelta(hours=1)
    elapsed = timedelta()
    while elapsed < DAY:
        await advance(hass, clock, step)
        elapsed += step


async def calls_per_day(
    devices_list: list[int], refresh_list: list[int]
) -> tuple[Table, Table, dict[str, Any]]:
    """Run every (devices, refresh) scenario; totals and per-endpoint breakdown."""
    totals = Table(
        "Part 2 - integration API calls per day (simulator counter)",
        [
            "devices",
            "options",
            "set-up calls",
            "calls/day",
            "free plan/day",
            "free headroom",
            "pro plan/day",
            "pro headroom",
        ],
    )
    endpoints = Table(
        "Part 2 - calls/day by endpoint", ["devices", "options", "endpoint", "set-up", "per day"]
    )
    figures: dict[str, Any] = {}
    for devices in devices_list:
        for minutes in [DEFAULT_REFRESH_MINUTES, *refresh_list]:
            options = {OPT_REFRESH_MINUTES: minutes} if minutes else {}
            label = (
                "defaults (seed on, refresh off)" if not minutes else f"refresh every {minutes} min"
            )
            set_up, day = await one_day(devices, options)
            per_day = sum(day.values())
            first_day = sum(set_up.values()) + per_day
            pro = pro_plan_budget(devices)
            totals.rows.append(
                [
                    devices,
                    label,
                    sum(set_up.values()),
                    per_day,
                    FREE_PLAN_CALLS_PER_DAY,
                    FREE_PLAN_CALLS_PER_DAY - first_day,
                    pro,
                    pro - first_day,
                ]
            )
            for endpoint in sorted(set(set_up) | set(day)):
                endpoints.rows.append([devices, label, endpoint, set_up[endpoint], day[endpoint]])
            key = f"d{devices}_refresh{minutes}"
            figures[f"{key}_setup_calls"] = sum(set_up.values())
            figures[f"{key}_calls_per_day"] = per_day
            figures[f"{key}_token_requests_per_day"] = day["oauth/token"]
            figures[f"{key}_setup_token_requests"] = set_up["oauth/token"]
            figures[f"{key}_setup_history_calls"] = set_up["device/properties-history"]
            figures[f"{key}_history_calls_per_day"] = day["device/properties-history"]
    return totals, endpoints, figures


async def run(args: argparse.Namespace) -> Report:
    """Both parts."""
    report = Report(
        benchmark="milesight_client",
        measures=(
            "cloud calls counted by the Milesight simulator (sim.calls). Part 1: the HA-free "
            "client alone, N callers started together with asyncio.gather. Part 2: the "
            "integration's coordinator in Home Assistant's test harness (real config entry, "
            "default options unless stated), set-up and then 24 simulated hours on a frozen "
            "clock fired with async_fire_time_changed; 'headroom' = plan budget - (set-up + "
            "one day), i.e. the first day, the worst one."
        ),
        parameters={
            "callers": args.callers,
            "devices": args.devices,
            "refresh_minutes": args.refresh_minutes,
            "default_seed_from_api": DEFAULT_SEED_FROM_API,
            "default_refresh_minutes": DEFAULT_REFRESH_MINUTES,
            "stored_uplink_every_minutes": UPLINK_EVERY_MINUTES,
        },
    )
    sim = MilesightSimulator(seed=5)
    await sim.start(host="127.0.0.1", port=0)
    try:
        bursts = await concurrent_callers(sim, args.callers)
    finally:
        await sim.stop()
    totals, endpoints, figures = await calls_per_day(args.devices, args.refresh_minutes)
    report.tables = [bursts_table(bursts), totals, endpoints]
    report.figures = {
        "max_token_requests_per_burst": max(item.token_requests for item in bursts),
        "bursts": [asdict(item) for item in bursts],
        **figures,
    }
    over_free_plan = [
        f"{row[1]} with {row[0]} devices"
        for row in totals.rows
        if isinstance(row[5], int) and row[5] < 0
    ]
    report.notes = [
        "Over the free plan's daily budget on the first day: "
        + ("; ".join(over_free_plan) if over_free_plan else "none of the measured scenarios")
        + ".",
        "Token lifetime 3600 s, refreshed 300 s early: a client in use all day fetches ~24-27 "
        "tokens/day. Whether token requests count against the MDP quota is unknown (reference "
        "§11), so they are included in the totals.",
        "Plan budgets are from an unconfirmed summary of Milesight's pricing (reference §7): free "
        f"{FREE_PLAN_CALLS_PER_DAY}/24 h, Professional 1,000 + 100 x devices per 24 h.",
        "With refresh off, the API is used only at start-up (each Home Assistant restart or "
        "entry reload costs the set-up calls again).",
    ]
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milesight_client")
    parser.add_argument("--callers", type=int_list, default=[1, 10, 100], help="e.g. 1,10,100")
    parser.add_argument("--devices", type=int_list, default=[10], help="device counts, e.g. 10,50")
    parser.add_argument(
        "--refresh-minutes",
        type=int_list,
        default=[60, 15],
        help="slow refresh intervals to measure besides the default (off)",
    )
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if min(args.callers) < 1 or min(args.devices) < 1:
        parser.error("callers and devices must be at least 1")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

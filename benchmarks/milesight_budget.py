"""Milesight API calls: first set-up, a day, and a restart, by fleet size and option.

Run: ``.venv/bin/python -m benchmarks.milesight_budget [--devices 10,200,1000]
[--options all] [--max-calls 15000] [--json]``.

What runs: the integration's Milesight entry in Home Assistant's test harness against the
Milesight simulator holding D devices (clones of the simulator's catalogue, each with a day of
10-minute uplinks stored, as real devices have). For each option set: the first set-up, then 24
simulated hours on a frozen clock (``async_fire_time_changed``; steps of the refresh interval,
1 h without one) with no delivery arriving (the delivery watchdog sees a silent Application),
then a restart: a second Home Assistant instance on the same in-memory ``.storage`` (the entry's
own store, with its fleet and thing models, survives; the test harness's registries start empty,
which costs no API call), with MDP holding a day of 10-minute uplinks again (the devices kept
reporting). Webhook-only entries make no API call by construction (no client);
they are measured anyway. Every figure is the simulator's ``calls`` counter.

Long refresh days are measured over a window of refreshes and scaled to the day when the full
day would exceed ``--max-calls`` calls (the table says so); token requests are then taken from
the full-day run of the smallest fleet with the same options (they do not depend on the fleet).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
import math
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.harness import (
    advance,
    http_client,
    quiet_logs,
    running_home_assistant,
    simulated_clock,
)
from benchmarks.milesight_fleet import add_day_of_uplinks, grow_fleet
from benchmarks.report import Cell, Report, Table, add_common_arguments, emit, int_list
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.const import (
    DEFAULT_REFRESH_MINUTES,
    DEFAULT_SEED_FROM_API,
    OPT_REFRESH_MINUTES,
    OPT_SEED_FROM_API,
)
from simulators.milesight import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)

DAY = timedelta(days=1)
UPLINK_EVERY_MINUTES = 10
ENTRY_ID = "benchmarkmilesightbudget01"
WEBHOOK_ID = "benchmarkmilesightbudget0123456"
FREE_PLAN_CALLS_PER_DAY = 1000  # milesight-mdp-api.md §7 (unconfirmed third-party summary)
TOKEN = "oauth/token"
SEARCH = "device/search"
HISTORY = "properties-history"
THING_MODEL = "thing-specification"

# Words of the watchdog's repair issue ids (milesight/const.py SILENCE_ISSUES).
SILENCE_WORDS = ("silent", "quiet", "stopped")
WEBHOOK_ONLY = "webhook-only entry"
# label -> (figure key, options; None = webhook-only entry).
OPTION_SETS: dict[str, tuple[str, dict[str, Any] | None]] = {
    WEBHOOK_ONLY: ("webhook_only", None),
    "API, defaults (seed on, refresh off)": ("defaults", {}),
    "API, seed off": ("seed_off", {OPT_SEED_FROM_API: False}),
    "API, refresh 1440 min": ("refresh_1440", {OPT_REFRESH_MINUTES: 1440}),
    "API, refresh 60 min": ("refresh_60", {OPT_REFRESH_MINUTES: 60}),
    "API, refresh 15 min (minimum)": ("refresh_15", {OPT_REFRESH_MINUTES: 15}),
}


@dataclass
class Budget:
    """The calls of one (fleet, options) run, by endpoint."""

    devices: int
    label: str
    set_up: Counter[str]
    day: Counter[str]
    restart: Counter[str]
    refreshes_per_day: int
    refreshes_measured: int
    watchdog_checks_day: int | None
    tokens_from: str = "measured"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scaled(self) -> bool:
        """Whether the day was measured over a window and scaled."""
        return self.refreshes_measured < self.refreshes_per_day

    def day_total(self) -> int:
        """Calls in 24 h (scaled to the day when measured over a window)."""
        return sum(self.day.values())


def entry_for(sim: MilesightSimulator, options: dict[str, Any] | None) -> MockConfigEntry:
    """The entry as the config flow stores it (webhook-only when ``options`` is None)."""
    data: dict[str, Any] = {
        "vendor": "milesight",
        "webhook_secret": DEFAULT_WEBHOOK_SECRET,
        "webhook_id": WEBHOOK_ID,
    }
    if options is not None:
        data |= {
            "server_address": sim.url,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
        }
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Milesight benchmark",
        unique_id=DEFAULT_CLIENT_ID if options is not None else "benchmark-webhook",
        data=data,
        options=options or {},
    )


def by_kind(calls: Counter[str]) -> Counter[str]:
    """Calls grouped into token / search / thing model / history / other."""
    kinds: Counter[str] = Counter()
    for endpoint, count in calls.items():
        kind = next(
            (
                name
                for name, part in (
                    ("token", TOKEN),
                    ("search pages", SEARCH),
                    ("thing models", THING_MODEL),
                    ("history", HISTORY),
                )
                if part in endpoint
            ),
            "other",
        )
        kinds[kind] += count
    return kinds


async def set_up_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry; wait for its start-up work."""
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("the Milesight entry did not set up")
    await hass.async_block_till_done(wait_background_tasks=True)


def watchdog_checks(entry: MockConfigEntry) -> int | None:
    """History calls the delivery watchdog made so far (None: no watchdog in this code)."""
    watchdog = getattr(entry.runtime_data, "watchdog", None)
    checks = getattr(watchdog, "history_checks", None)
    return checks if isinstance(checks, int) else None


async def simulate_day(
    hass: HomeAssistant,
    clock: FrozenDateTimeFactory,
    sim: MilesightSimulator,
    minutes: int,
    max_calls: int,
) -> tuple[Counter[str], int, int]:
    """24 h in steps of the refresh interval (1 h when off): calls, refreshes/day, measured.

    Stops after a window of refreshes when the whole day would pass ``max_calls``; the counts
    are then scaled to the day (token requests are not: the caller replaces them).
    """
    step = timedelta(minutes=minutes) if minutes else timedelta(hours=1)
    steps = math.ceil(DAY / step)
    refreshes = steps if minutes else 0
    measured = 0
    for index in range(steps):
        await advance(hass, clock, step)
        measured = index + 1
        calls_so_far = sum(sim.calls.values())
        if minutes and measured >= 2 and calls_so_far / measured * steps > max_calls:
            break
    day = Counter(sim.calls)
    if measured < steps:
        factor = steps / measured
        day = Counter({endpoint: round(count * factor) for endpoint, count in day.items()})
    return day, refreshes, measured if minutes else 0


async def measure(
    devices: int, label: str, options: dict[str, Any] | None, max_calls: int
) -> Budget:
    """First set-up, a silent day, and a restart on the same storage."""
    sim = MilesightSimulator(seed=11)
    minutes = int((options or {}).get(OPT_REFRESH_MINUTES, DEFAULT_REFRESH_MINUTES))
    storage: dict[str, Any] = {}
    with simulated_clock() as clock:
        grow_fleet(sim, devices)
        add_day_of_uplinks(sim, UPLINK_EVERY_MINUTES)
        await sim.start(host="127.0.0.1", port=0)
        try:
            async with running_home_assistant(storage) as hass:
                entry = entry_for(sim, options)
                await set_up_entry(hass, entry)
                set_up = Counter(sim.calls)
                sim.calls.clear()
                checks_before = watchdog_checks(entry)
                day, per_day, measured = await simulate_day(hass, clock, sim, minutes, max_calls)
                checks_after = watchdog_checks(entry)
            # The devices kept reporting meanwhile: MDP holds a day of uplinks again.
            add_day_of_uplinks(sim, UPLINK_EVERY_MINUTES)
            sim.calls.clear()
            async with running_home_assistant(storage) as hass:
                await set_up_entry(hass, entry_for(sim, options))
                restart = Counter(sim.calls)
        finally:
            await sim.stop()
    checks = None if checks_before is None or checks_after is None else checks_after - checks_before
    return Budget(devices, label, set_up, day, restart, per_day, measured or per_day, checks)


async def watchdog_with_deliveries(devices: int, hours: int) -> dict[str, Any]:
    """API entry, defaults: every device delivers every 10 min for ``hours``, then silence.

    The watchdog learns each device's interval from its uplinks; when all are overdue it asks
    MDP once (a history call) which silence this is. Calls are counted per phase.
    """
    sim = MilesightSimulator(seed=13)
    step = timedelta(minutes=UPLINK_EVERY_MINUTES)
    with simulated_clock() as clock:
        grow_fleet(sim, devices)
        add_day_of_uplinks(sim, UPLINK_EVERY_MINUTES)
        await sim.start(host="127.0.0.1", port=0)
        try:
            async with running_home_assistant() as hass:
                entry = entry_for(sim, {})
                await set_up_entry(hass, entry)
                sim.calls.clear()
                start = watchdog_checks(entry)
                refused = 0
                async with http_client(hass) as client:
                    for _ in range(timedelta(hours=hours) // step):
                        await advance(hass, clock, step)
                        for device in sim.devices:
                            headers, body = sim.build_delivery([sim.uplink_event(device.sn)])
                            response = await client.post(
                                f"/api/webhook/{WEBHOOK_ID}", data=body, headers=headers
                            )
                            refused += response.status != 200
                    delivering = Counter(sim.calls)
                    middle = watchdog_checks(entry)
                    sim.calls.clear()
                    for _ in range((DAY - timedelta(hours=hours)) // step):
                        await advance(hass, clock, step)
                    silent = Counter(sim.calls)
                end = watchdog_checks(entry)
                issues = sorted(
                    issue_id
                    for (domain, issue_id) in ir.async_get(hass).issues
                    if domain == DOMAIN and any(word in issue_id for word in SILENCE_WORDS)
                )
        finally:
            await sim.stop()
    known = None not in (start, middle, end)
    return {
        "devices": devices,
        "delivering_hours": hours,
        "deliveries": devices * (timedelta(hours=hours) // step),
        "refused": refused,
        "api_calls_while_delivering": sum(delivering.values()),
        "api_calls_while_silent": sum(silent.values()),
        "silent_by_endpoint": dict(sorted(silent.items())),
        "watchdog_checks_while_delivering": middle - start if known else None,  # type: ignore[operator]
        "watchdog_checks_while_silent": end - middle if known else None,  # type: ignore[operator]
        "silence_issues": issues,
    }


def replace_tokens(budget: Budget, full_day_tokens: dict[str, int]) -> None:
    """A scaled day gets the token requests of the full-day run with the same options."""
    if not budget.scaled:
        return
    token_endpoints = [endpoint for endpoint in budget.day if TOKEN in endpoint]
    for endpoint in token_endpoints:
        del budget.day[endpoint]
    if budget.label in full_day_tokens:
        budget.day[TOKEN] = full_day_tokens[budget.label]
        budget.tokens_from = "full-day run of the smallest fleet"
    else:
        budget.tokens_from = "not measured (no full-day run with these options)"


def totals_row(budget: Budget) -> list[Cell]:
    """One line of the main table."""
    first_day = sum(budget.set_up.values()) + budget.day_total()
    window = (
        f"{budget.refreshes_measured} of {budget.refreshes_per_day} refreshes, scaled"
        if budget.scaled
        else "full day"
    )
    return [
        budget.devices,
        budget.label,
        sum(budget.set_up.values()),
        budget.day_total(),
        sum(budget.restart.values()),
        FREE_PLAN_CALLS_PER_DAY - first_day,
        budget.watchdog_checks_day,
        window,
    ]


async def run(args: argparse.Namespace) -> Report:
    """Every (fleet size, option set)."""
    report = Report(
        benchmark="milesight_budget",
        measures=(
            "Milesight API calls counted by the simulator (sim.calls) while the real entry runs "
            "in Home Assistant's test harness: first set-up, 24 simulated hours with no delivery "
            "(steps of the refresh interval, 1 h without one; the delivery watchdog sees a "
            "silent Application), then a restart (a second instance on the same in-memory "
            "storage). Stored history: one uplink every 10 min for the last 24 h per device. "
            "Free-plan headroom = 1,000 - (set-up + day), the first day."
        ),
        parameters={
            "devices": args.devices,
            "options": list(args.options),
            "default_seed_from_api": DEFAULT_SEED_FROM_API,
            "default_refresh_minutes": DEFAULT_REFRESH_MINUTES,
            "stored_uplink_every_minutes": UPLINK_EVERY_MINUTES,
            "max_calls_per_day_run": args.max_calls,
        },
    )
    totals = Table(
        "API calls: first set-up, per day, at restart (simulator counter)",
        [
            "devices",
            "entry / options",
            "set-up",
            "calls/day",
            "restart",
            "free headroom (first day)",
            "watchdog calls/day",
            "day measured",
        ],
    )
    kinds = Table(
        "Set-up and restart by kind of call (does a restart grow with pages or with devices?)",
        [
            "devices",
            "entry / options",
            "set-up token",
            "set-up search pages",
            "set-up thing models",
            "set-up history",
            "restart token",
            "restart search pages",
            "restart thing models",
            "restart history",
        ],
    )
    day_kinds = Table(
        "Calls per day by kind",
        ["devices", "entry / options", "token", "search pages", "thing models", "history", "other"],
    )
    full_day_tokens: dict[str, int] = {}
    for devices in sorted(args.devices):
        for label in args.options:
            figure_key, options = OPTION_SETS[label]
            budget = await measure(devices, label, options, args.max_calls)
            if not budget.scaled:
                full_day_tokens.setdefault(label, budget.day[TOKEN])
            replace_tokens(budget, full_day_tokens)
            totals.rows.append(totals_row(budget))
            setup_kinds, restart_kinds, day_kind = (
                by_kind(budget.set_up),
                by_kind(budget.restart),
                by_kind(budget.day),
            )
            kinds.rows.append(
                [devices, label]
                + [setup_kinds[k] for k in ("token", "search pages", "thing models", "history")]
                + [restart_kinds[k] for k in ("token", "search pages", "thing models", "history")]
            )
            day_kinds.rows.append(
                [devices, label]
                + [
                    day_kind[k]
                    for k in ("token", "search pages", "thing models", "history", "other")
                ]
            )
            report.figures[f"d{devices}_{figure_key}"] = {
                "devices": devices,
                "options": label,
                "set_up_calls": sum(budget.set_up.values()),
                "calls_per_day": budget.day_total(),
                "restart_calls": sum(budget.restart.values()),
                "set_up_by_endpoint": dict(sorted(budget.set_up.items())),
                "day_by_endpoint": dict(sorted(budget.day.items())),
                "restart_by_endpoint": dict(sorted(budget.restart.items())),
                "restart_by_kind": dict(sorted(restart_kinds.items())),
                "watchdog_calls_per_day": budget.watchdog_checks_day,
                "day_scaled_from_refreshes": budget.refreshes_measured if budget.scaled else None,
                "tokens": budget.tokens_from,
            }
    report.tables = [totals, kinds, day_kinds]
    if args.watchdog_devices:
        report.figures["watchdog_with_deliveries"] = await watchdog_with_deliveries(
            args.watchdog_devices, args.watchdog_hours
        )
    report.figures["restart_growth"] = restart_growth(report.figures)
    report.figures["watchdog_present"] = any(
        isinstance(v, dict) and v.get("watchdog_calls_per_day") is not None
        for v in report.figures.values()
    )
    report.notes = notes(report)
    return report


def restart_growth(figures: dict[str, Any]) -> dict[str, Any]:
    """Per option set: restart calls by kind against the device count."""
    growth: dict[str, Any] = {}
    for value in figures.values():
        if not isinstance(value, dict) or "restart_by_kind" not in value:
            continue
        growth.setdefault(value["options"], {})[value["devices"]] = value["restart_by_kind"]
    return growth


def notes(report: Report) -> list[str]:
    """What the tables say."""
    result = []
    growth = report.figures["restart_growth"]
    for label, per_size in growth.items():
        sizes = sorted(per_size)
        if label == WEBHOOK_ONLY or len(sizes) < 2:
            continue
        small, big = per_size[sizes[0]], per_size[sizes[-1]]
        thing_models = big.get("thing models", 0)
        history = big.get("history", 0)
        pages = big.get("search pages", 0)
        result.append(
            f"{label}: restart with {sizes[0]} → {sizes[-1]} devices: search pages "
            f"{small.get('search pages', 0)} → {pages}, thing models "
            f"{small.get('thing models', 0)} → {thing_models}, history "
            f"{small.get('history', 0)} → {history}: the restart grows with "
            + ("devices" if thing_models or history else "pages")
            + (" (history reads of the start-up seed)" if history else "")
            + (" (thing models fetched again)" if thing_models else "")
            + "."
        )
    present = report.figures["watchdog_present"]
    with_deliveries = report.figures.get("watchdog_with_deliveries")
    result.append(
        "Delivery watchdog: "
        + (
            "present (milesight/watchdog.py); its history calls in the silent day are in the "
            "'watchdog calls/day' column (it needs a learnt or echoed report interval: after a "
            "set-up without deliveries it has none, hence 0)."
            if present
            else "not present in the code measured (no watchdog calls to count)."
        )
        + (
            f" {with_deliveries['devices']} devices delivering every 10 min for "
            f"{with_deliveries['delivering_hours']} h, then silent for the rest of the day: "
            f"{with_deliveries['api_calls_while_delivering']} API calls while delivering "
            f"(watchdog {with_deliveries['watchdog_checks_while_delivering']}), "
            f"{with_deliveries['api_calls_while_silent']} while silent (watchdog "
            f"{with_deliveries['watchdog_checks_while_silent']}; issues: "
            f"{', '.join(with_deliveries['silence_issues']) or 'none'})."
            if with_deliveries
            else ""
        )
    )
    result += [
        "Free-plan headroom uses the first day (set-up + 24 h), the worst one; the plan figures "
        "are an unconfirmed summary of Milesight's pricing (reference §7). Whether token "
        "requests count against the quota is unknown: they are included.",
        "A restart (or reload) costs the 'restart' column again; thing models are kept in the "
        "entry's store and re-read only when a device's firmware changes.",
        "'day measured': long refresh days are measured over a window of refreshes and scaled "
        "(each refresh of a silent Application costs the same); their token requests come from "
        "the smallest fleet's full day with the same options.",
    ]
    return result


def option_list(text: str) -> list[str]:
    """argparse type: 'all' or option-set labels separated by ';'."""
    if text.strip() == "all":
        return list(OPTION_SETS)
    names = [part.strip() for part in text.split(";") if part.strip()]
    unknown = [name for name in names if name not in OPTION_SETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"option sets are: {'; '.join(OPTION_SETS)}")
    return names


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.milesight_budget")
    parser.add_argument("--devices", type=int_list, default=[10, 200, 1000])
    parser.add_argument("--options", type=option_list, default=list(OPTION_SETS))
    parser.add_argument(
        "--max-calls", type=int, default=8000, help="scale a refresh day above this"
    )
    parser.add_argument(
        "--watchdog-devices",
        type=int,
        default=10,
        help="devices delivering for a day in the watchdog check (0: skip)",
    )
    parser.add_argument(
        "--watchdog-hours", type=int, default=6, help="hours of deliveries before the silence"
    )
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if min(args.devices) < 1 or not 0 < args.watchdog_hours < 24:
        parser.error("devices must be at least 1, watchdog hours between 1 and 23")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

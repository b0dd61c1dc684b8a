"""TTLock cloud calls and lock wake-ups per day: our defaults beside hass-ttlock's policy.

Run: ``.venv/bin/python -m benchmarks.ttlock_versus [--locks 1,10,50] [--days 1]
[--operations 8] [--commands 4] [--late-push 120] [--json]``.

Ours: the integration's TTLock entry with its default options in Home Assistant's test harness
against the TTLock simulator (N locks behind one gateway); after set-up the frozen clock moves
through the simulated day(s) (``async_fire_time_changed``, stopping at every poll time, so the
coordinator and every timer run on their own schedules). Scenarios: idle; pushes arriving
(each lock operated by hand ``--operations`` times a day, the simulator pushing each record to
the entry's webhook); a day of user commands (``lock.unlock`` / ``lock.lock`` on the lock entity,
``--commands`` per lock and day) with the confirming push on time, late (``--late-push`` s, as
field pushes are) or missing (no callback configured). Whatever the code
does to confirm a command without its push (a ``queryOpenState`` or a ``lockRecord/list``
read, whichever the code measured uses) is what gets counted.

Reference: ``benchmarks/ttlock_reference.py`` replays jbergler/hass-ttlock's policy (line
citations there) against a fresh simulator holding the same locks, for the same days and the
same commands; pushes cost it no call. Every figure is the simulator's ``calls`` counter.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from benchmarks.harness import (
    HomeAssistantClient,
    advance,
    http_client,
    quiet_logs,
    running_home_assistant,
    simulated_clock,
)
from benchmarks.report import Report, Table, add_common_arguments, emit, int_list
from benchmarks.ttlock_account import WEBHOOK_ID, add_entry, populate
from benchmarks.ttlock_commands import wait_for_push
from benchmarks.ttlock_reference import measure_reference
from custom_components.minerva_iot.compat import async_get_entry_device
from custom_components.minerva_iot.const import EVENT_MINERVA
from custom_components.minerva_iot.ttlock.const import (
    COMMAND_CONFIRM_TIMEOUT,
    DEFAULT_POLL_MINUTES,
    DEFAULT_SAFETY_RECHECK,
    DEFAULT_SLOW_HOURS,
)
from custom_components.minerva_iot.ttlock.identifiers import lock_identifier
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.pushes import MAX_PUSH_DELAY

DAY_S = 86400.0
POLL = timedelta(minutes=DEFAULT_POLL_MINUTES)
# Calls that go through the gateway to the lock itself and wake it (reference §7); user commands
# wake it too but are the user's, counted apart.
LOCK_WAKING_ENDPOINTS = ("lock/queryOpenState", "lock/queryElectricQuantity", "lock/queryDate")
COMMAND_ENDPOINTS = ("lock/lock", "lock/unlock")
# Issue 16's targets at 10 locks with the defaults (idle): calls/day and wake-ups per lock/day.
TARGET_LOCKS = 10
TARGET_CALLS_PER_DAY = 120
TARGET_WAKEUPS = 0
QUOTAS_PER_MONTH = {"5k/month": 5000, "30k/month": 30000}

IDLE = "idle"
PUSHES = "pushes arriving"
ON_TIME = "commands, push on time"
LATE = "commands, push late"
MISSING = "commands, no push"
SCENARIOS = (IDLE, PUSHES, ON_TIME, LATE, MISSING)

type Action = Callable[[], Awaitable[float]]


@dataclass
class Measured:
    """Calls at set-up and during the simulated days, by endpoint."""

    set_up: Counter[str]
    period: Counter[str]
    days: int
    locks: int
    pushes_handled: int = 0

    def per_day(self) -> float:
        """All calls per day after set-up."""
        return sum(self.period.values()) / self.days

    def wakeups_per_lock_day(self) -> float:
        """Lock-waking reads (not the user's commands) per lock and day."""
        return sum(self.period[e] for e in LOCK_WAKING_ENDPOINTS) / self.days / self.locks

    def by_endpoint(self) -> dict[str, float]:
        """Calls per day by endpoint."""
        return {key: round(value / self.days, 2) for key, value in sorted(self.period.items())}


def spread(count: int, seconds: float) -> list[float]:
    """``count`` instants spread evenly over ``(0, seconds)``."""
    return [(index + 1) * seconds / (count + 1) for index in range(count)]


def command_plan(
    lock_ids: list[int], per_lock_day: int, days: int
) -> list[tuple[float, int, bool]]:
    """(time s, lock id, locked) of every command: round-robin, each lock unlock then lock."""
    total = len(lock_ids) * per_lock_day * days
    return [
        (at, lock_ids[index % len(lock_ids)], (index // len(lock_ids)) % 2 == 1)
        for index, at in enumerate(spread(total, days * DAY_S))
    ]


def lock_entities(hass: HomeAssistant, entry_id: str, lock_ids: list[int]) -> dict[int, str]:
    """The lock entity of each lock, through the device and entity registries."""
    entities = er.async_get(hass)
    found: dict[int, str] = {}
    for lock_id in lock_ids:
        # The entry's device (Home Assistant 2026.8 deprecated the global identifier lookup).
        device = async_get_entry_device(hass, entry_id, lock_identifier(lock_id))
        if device is None:
            raise RuntimeError(f"no device for lock {lock_id}")
        (entity,) = (
            item
            for item in er.async_entries_for_device(entities, device.id)
            if item.domain == "lock"
        )
        found[lock_id] = entity.entity_id
    return found


class DayDriver:
    """Moves the frozen clock through the day, running each action at its time."""

    def __init__(
        self,
        hass: HomeAssistant,
        clock: FrozenDateTimeFactory,
        sim: TTLockSimulator,
        entry: MockConfigEntry,
    ) -> None:
        """The clock starts at the end of the set-up."""
        self.hass, self.clock, self.sim, self.entry = hass, clock, sim, entry
        self.elapsed = 0.0
        self.records = 0

        @callback
        def count(_event: Event[Any]) -> None:
            self.records += 1

        hass.bus.async_listen(EVENT_MINERVA, count)

    def _next_poll_in(self) -> float:
        """Seconds until the coordinator's scheduled poll (one interval when none is found).

        Read from the coordinator's timer (Home Assistant internals, benchmark only): a timer
        fires when the clock passes it and the next poll is scheduled from then, so a clock
        that jumps past a poll would delay every later one; stopping exactly at each poll is
        what real time does.
        """
        coordinator = getattr(self.entry.runtime_data, "coordinator", None)
        handle = getattr(getattr(coordinator, "_unsub_refresh", None), "__self__", None)
        if isinstance(handle, asyncio.TimerHandle) and not handle.cancelled():
            return max(handle.when() - self.hass.loop.time(), 0.0)
        return POLL.total_seconds()

    async def advance(self, seconds: float) -> None:
        """Move the clock ``seconds``, stopping at every poll on the way."""
        target = self.elapsed + seconds
        while self.elapsed < target:
            # A hair past the poll's time: async_fire_time_changed fires what is due by then.
            step = min(self._next_poll_in() + 0.001, target - self.elapsed)
            await advance(self.hass, self.clock, timedelta(seconds=step))
            self.elapsed += step

    async def run(self, actions: list[tuple[float, Action]], seconds: float) -> None:
        """Each action at its time (it may move the clock itself), then up to ``seconds``."""
        for at, action in sorted(actions, key=lambda item: item[0]):
            if at > self.elapsed:
                await self.advance(at - self.elapsed)
            await action()
        if seconds > self.elapsed:
            await self.advance(seconds - self.elapsed)

    async def pushed(self, seen: int) -> None:
        """Wait until the push after ``seen`` records was handled and the sender is done."""

        def arrived() -> bool:
            return self.records > seen

        await wait_for_push(arrived)
        await self.sim.wait_for_pushes()


def door_operations(
    driver: DayDriver, lock_ids: list[int], per_lock_day: int, days: int
) -> list[tuple[float, Action]]:
    """Unlocks by passcode at the door (the lock relocks itself, silently), pushed at once."""
    actions: list[tuple[float, Action]] = []
    total = len(lock_ids) * per_lock_day * days
    for index, at in enumerate(spread(total, days * DAY_S)):
        lock_id = lock_ids[index % len(lock_ids)]

        async def operate(lock_id: int = lock_id) -> float:
            seen = driver.records
            await driver.sim.operate_by_hand(lock_id, locked=False, method="passcode")
            await driver.pushed(seen)
            return 0.0

        actions.append((at, operate))
    return actions


def commands(
    driver: DayDriver,
    entities: dict[int, str],
    plan: list[tuple[float, int, bool]],
    scenario: str,
    late_push_s: float,
) -> list[tuple[float, Action]]:
    """The user's commands through Home Assistant, and the wait for their push, if any."""
    actions: list[tuple[float, Action]] = []
    for at, lock_id, locked in plan:

        async def command(lock_id: int = lock_id, locked: bool = locked) -> float:
            seen = driver.records
            service = "lock" if locked else "unlock"
            await driver.hass.services.async_call(
                "lock", service, {"entity_id": entities[lock_id]}, blocking=True
            )
            if scenario == ON_TIME:
                await driver.pushed(seen)
            elif scenario == LATE:
                # Late as pushes are in the field; past the confirmation timeout, if it is
                # shorter, the integration's confirmation runs first.
                await driver.advance(late_push_s + 1)
                await driver.pushed(seen)
            return 0.0

        actions.append((at, command))
    return actions


async def measure_ours(locks: int, scenario: str, args: argparse.Namespace) -> Measured:
    """Set-up and ``args.days`` simulated days of our entry (default options) in one scenario."""
    sim = TTLockSimulator()
    populate(sim, locks)
    lock_ids = list(sim.locks)
    if scenario == LATE:
        sim.set_push_delay(args.late_push)
    with simulated_clock() as clock:
        await sim.start(host="127.0.0.1", port=0)
        try:
            async with running_home_assistant() as hass:
                entry = await add_entry(hass, sim, {})
                async with http_client(hass) as client:
                    return await _run_day(hass, clock, sim, client, entry, lock_ids, scenario, args)
        finally:
            await sim.stop()


async def _run_day(
    hass: HomeAssistant,
    clock: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    client: HomeAssistantClient,
    entry: MockConfigEntry,
    lock_ids: list[int],
    scenario: str,
    args: argparse.Namespace,
) -> Measured:
    if scenario != MISSING:
        sim.callback_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    set_up = Counter(sim.calls)
    driver = DayDriver(hass, clock, sim, entry)
    # The first day after a set-up is not a steady day (the slow tier counts from the set-up):
    # the measured days follow an idle one.
    await driver.advance(args.warm_up_days * DAY_S)
    await sim.wait_for_pushes()
    sim.calls.clear()
    start = driver.elapsed
    actions: list[tuple[float, Action]] = []
    if scenario == PUSHES:
        actions = door_operations(driver, lock_ids, args.operations, args.days)
    elif scenario != IDLE:
        plan = command_plan(lock_ids, args.commands, args.days)
        actions = commands(
            driver, lock_entities(hass, entry.entry_id, lock_ids), plan, scenario, args.late_push
        )
    await driver.run([(start + at, action) for at, action in actions], start + args.days * DAY_S)
    await sim.wait_for_pushes()
    return Measured(set_up, Counter(sim.calls), args.days, len(lock_ids), driver.records)


async def reference(locks: int, scenario: str, args: argparse.Namespace) -> Measured:
    """hass-ttlock's policy for the same locks, days and commands (pushes cost it nothing)."""
    plan: list[tuple[float, int, bool]] = []
    if scenario not in (IDLE, PUSHES):
        sim = TTLockSimulator()
        populate(sim, locks)
        plan = command_plan(list(sim.locks), args.commands, args.days)
    set_up, period = await measure_reference(locks, args.warm_up_days, args.days, plan, populate)
    return Measured(set_up, period, args.days, locks)


def month(measured: Measured) -> float:
    """30 days of this day plus one set-up."""
    return sum(measured.set_up.values()) + 30 * measured.per_day()


async def run(args: argparse.Namespace) -> Report:
    """Every (locks, scenario): ours and the reference in the same run."""
    report = Report(
        benchmark="ttlock_versus",
        measures=(
            "TTLock cloud calls counted by the simulator (sim.calls). Ours: the real TTLock entry "
            "with default options in Home Assistant's test harness: set-up, an idle warm-up day, "
            "then the measured day(s) on a frozen clock stopped at each of the coordinator's "
            "polls (async_fire_time_changed; the coordinator and timers run on their own "
            "schedules). Reference: jbergler/hass-ttlock's polling policy as its "
            "code does it (benchmarks/ttlock_reference.py, line citations there and in "
            "simulators/ttlock/field_facts.md §11), replayed against the same simulator with "
            "the same locks, days and commands. Wake-ups = lock-waking reads "
            f"({', '.join(LOCK_WAKING_ENDPOINTS)}) per lock and day, user commands excluded."
        ),
        parameters={
            "locks": args.locks,
            "days": args.days,
            "warm_up_days": args.warm_up_days,
            "door_operations_per_lock_day": args.operations,
            "commands_per_lock_day": args.commands,
            "late_push_s": args.late_push,
            "confirm_timeout_s": COMMAND_CONFIRM_TIMEOUT.total_seconds(),
            "default_poll_minutes": DEFAULT_POLL_MINUTES,
            "default_slow_hours": DEFAULT_SLOW_HOURS,
            "default_safety_recheck": DEFAULT_SAFETY_RECHECK,
            "scenarios": list(args.scenarios),
        },
    )
    totals = Table(
        "Calls per day and lock wake-ups per lock per day: ours (defaults) vs hass-ttlock",
        [
            "locks",
            "scenario",
            "ours set-up",
            "ours calls/day",
            "ours wake-ups/lock/day",
            "hass-ttlock set-up",
            "hass-ttlock calls/day",
            "hass-ttlock wake-ups/lock/day",
            "calls ours ÷ hass-ttlock",
        ],
    )
    monthly = Table(
        "Calls per month (30 days + one set-up) against reported quotas",
        ["locks", "scenario", "ours/month", "hass-ttlock/month"]
        + [f"ours headroom {name}" for name in QUOTAS_PER_MONTH],
    )
    endpoints = Table(
        "Calls per day by endpoint",
        ["locks", "scenario", "integration", "endpoint", "set-up", "per day"],
    )
    for locks in args.locks:
        references: dict[str, Measured] = {}
        for scenario in args.scenarios:
            ours = await measure_ours(locks, scenario, args)
            # Pushes and push timing cost the reference nothing: one run per command plan.
            plan_key = IDLE if scenario in (IDLE, PUSHES) else ON_TIME
            if plan_key not in references:
                references[plan_key] = await reference(locks, plan_key, args)
            ref = references[plan_key]
            ratio = ours.per_day() / ref.per_day() if ref.per_day() else None
            totals.rows.append(
                [
                    locks,
                    scenario,
                    sum(ours.set_up.values()),
                    round(ours.per_day(), 1),
                    round(ours.wakeups_per_lock_day(), 2),
                    sum(ref.set_up.values()),
                    round(ref.per_day(), 1),
                    round(ref.wakeups_per_lock_day(), 2),
                    None if ratio is None else round(ratio, 3),
                ]
            )
            monthly.rows.append(
                [locks, scenario, round(month(ours)), round(month(ref))]
                + [round(quota - month(ours)) for quota in QUOTAS_PER_MONTH.values()]
            )
            for name, measured in (("ours", ours), ("hass-ttlock", ref)):
                for endpoint in sorted(set(measured.set_up) | set(measured.period)):
                    endpoints.rows.append(
                        [
                            locks,
                            scenario,
                            name,
                            endpoint,
                            measured.set_up[endpoint],
                            round(measured.period[endpoint] / measured.days, 1),
                        ]
                    )
            key = f"l{locks}_{scenario.replace(', ', '_').replace(' ', '_')}"
            report.figures[key] = {
                "ours": {
                    "set_up_calls": sum(ours.set_up.values()),
                    "calls_per_day": round(ours.per_day(), 2),
                    "wakeups_per_lock_day": round(ours.wakeups_per_lock_day(), 3),
                    "per_day_by_endpoint": ours.by_endpoint(),
                    "set_up_by_endpoint": dict(sorted(ours.set_up.items())),
                    "records_handled": ours.pushes_handled,
                },
                "reference": {
                    "set_up_calls": sum(ref.set_up.values()),
                    "calls_per_day": round(ref.per_day(), 2),
                    "wakeups_per_lock_day": round(ref.wakeups_per_lock_day(), 3),
                    "per_day_by_endpoint": ref.by_endpoint(),
                    "set_up_by_endpoint": dict(sorted(ref.set_up.items())),
                },
                "ratio_calls": None if ratio is None else round(ratio, 3),
            }
    report.tables = [totals, monthly, endpoints]
    target_key = f"l{TARGET_LOCKS}_{IDLE}"
    if target_key in report.figures:
        ours_target = report.figures[target_key]["ours"]
        report.figures["target_10_locks"] = {
            "calls_per_day": ours_target["calls_per_day"],
            "calls_target": TARGET_CALLS_PER_DAY,
            "calls_met": ours_target["calls_per_day"] <= TARGET_CALLS_PER_DAY,
            "wakeups_per_lock_day": ours_target["wakeups_per_lock_day"],
            "wakeups_met": ours_target["wakeups_per_lock_day"] <= TARGET_WAKEUPS,
            "ratio_to_reference": report.figures[target_key]["ratio_calls"],
        }
    report.notes = notes(report, args)
    return report


def notes(report: Report, args: argparse.Namespace) -> list[str]:
    """What the figures say, and what they leave out."""
    result = []
    target = report.figures.get("target_10_locks")
    if target:
        result.append(
            f"Targets at {TARGET_LOCKS} locks, defaults, idle: ≤ {TARGET_CALLS_PER_DAY} calls/day "
            f"(measured {target['calls_per_day']:g}: {'met' if target['calls_met'] else 'NOT met'})"
            f", {TARGET_WAKEUPS} wake-ups per lock per day (measured "
            f"{target['wakeups_per_lock_day']:g}: {'met' if target['wakeups_met'] else 'NOT met'})"
            f"; ours ÷ hass-ttlock = {target['ratio_to_reference']}."
        )
    result += [
        "The measured day follows an idle warm-up day (not counted) for both integrations: the "
        "first day after a set-up is not a steady one (slow tiers count from the set-up, a "
        "door-sensor read comes after 24 h).",
        "hass-ttlock: doorSensor/query at most once a day for feature-bit-13 locks (here every "
        "lock; half have a sensor bound; the others are probed daily until 3 failures). Its "
        "Bluetooth reads (a local fallback) are off, as for a Home Assistant without a Bluetooth "
        "adapter near the locks.",
        f"Door operations: {args.operations} unlocks by passcode per lock and day, pushed at once; "
        "the lock relocks itself silently (auto-lock 5 s), as the simulator's locks do.",
        f"Commands: {args.commands} per lock and day, unlock and lock alternately, spread over the "
        f"day; 'late' pushes arrive {args.late_push:g} s after the command (field reports: one "
        f"to five minutes; the integration's confirmation timeout is "
        f"{COMMAND_CONFIRM_TIMEOUT.total_seconds():g} s); 'no push': the callback is not "
        "configured, so only the integration's own confirmation tells. hass-ttlock confirms "
        "nothing (one call per command whatever the push does).",
        "Wake-ups exclude the user's own lock/unlock commands (both integrations send them once).",
        "All locks sit behind one gateway; a restart costs each integration its set-up again.",
    ]
    return result


def scenario_list(text: str) -> list[str]:
    """argparse type: scenario names separated by ';' (default: all)."""
    names = [part.strip() for part in text.split(";") if part.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"scenarios are {'; '.join(SCENARIOS)}")
    return names


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ttlock_versus")
    parser.add_argument("--locks", type=int_list, default=[1, 10, 50], help="e.g. 1,10,50")
    parser.add_argument("--days", type=int, default=1, help="simulated days measured")
    parser.add_argument(
        "--warm-up-days", type=int, default=1, help="idle days before (not counted)"
    )
    parser.add_argument("--operations", type=int, default=8, help="door operations/lock/day")
    parser.add_argument("--commands", type=int, default=4, help="user commands/lock/day")
    parser.add_argument("--late-push", type=float, default=120.0, help="seconds (late scenario)")
    parser.add_argument(
        "--scenarios", type=scenario_list, default=list(SCENARIOS), help="'; '-separated"
    )
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    if min(args.locks) < 1 or args.days < 1 or args.warm_up_days < 0:
        parser.error("locks and days must be at least 1, warm-up days at least 0")
    if args.operations < 1 or args.commands < 1:
        parser.error("operations and commands must be at least 1")
    if not 0 < args.late_push <= MAX_PUSH_DELAY:
        parser.error(f"a late push comes within {MAX_PUSH_DELAY:g} s (the simulator's limit)")
    quiet_logs(args.verbose)
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

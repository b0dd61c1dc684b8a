"""Smoke test of benchmarks.ttlock_budget: the idle schedule and the monthly quota for one lock."""

from __future__ import annotations

import pytest

from benchmarks.ttlock_budget import capacity_row, linear_fit
from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES, DEFAULT_SLOW_HOURS

from .conftest import rows_by, run_benchmark, table_titled

POLLS_PER_DAY = 24 * 60 // DEFAULT_POLL_MINUTES
SLOW_RUNS_PER_DAY = 24 // DEFAULT_SLOW_HOURS


def test_ttlock_budget_benchmark_stays_inside_the_schedule_and_quota() -> None:
    """Idle schedule, wake-ups, 1 lock under 5k/month, and the cost of a user command.

    Account-wide calls once per poll, no lock wake-up with the defaults (the safety re-check is
    opt-in), and a command costs one call with its confirming push, two without (the second
    is the confirming read).
    """
    report = run_benchmark("ttlock_budget", "--locks", "1,2", "--commands", "2")
    figures = report["figures"]
    for option_key in ("defaults", "safety_recheck_on"):
        for locks in (1, 2):
            per_day = figures[f"{option_key}_l{locks}_per_day_by_endpoint"]
            assert sum(per_day.values()) == figures[f"{option_key}_l{locks}_calls_per_day"]
            assert per_day["lock/list"] <= POLLS_PER_DAY
            assert per_day["gateway/list"] <= POLLS_PER_DAY
            assert per_day.get("lock/detail", 0) <= SLOW_RUNS_PER_DAY * locks
            assert per_day.get("oauth2/token", 0) == 0  # 90-day tokens: no refresh in a day
            # Read only when something says they changed, or on the daily tier (details.py).
            assert per_day.get("gateway/listByLock", 0) == 0  # each lock's gateway is known
            assert per_day.get("lock/getPassageModeConfiguration", 0) <= locks
            assert per_day.get("lock/listKeyboardPwd", 0) <= locks
            assert per_day.get("doorSensor/query", 0) == 0  # asked once, remembered
            wakeups = per_day.get("lock/queryOpenState", 0)
            if option_key == "defaults":
                assert wakeups == 0  # battery-friendly default: never wake a lock
            else:
                assert 0 < wakeups <= SLOW_RUNS_PER_DAY * locks
            assert "lock/queryElectricQuantity" not in per_day  # never polled

    totals = rows_by(table_titled(report, "Calls per simulated day"), "options", "locks")
    assert set(totals) == {(o, n) for o in ("defaults", "safety re-check on") for n in (1, 2)}
    for row in totals.values():
        assert row["calls/month"] == round(row["set-up"] + 30 * row["calls/day"])
        assert row["headroom 5k/month"] == 5000 - row["calls/month"]
    # The budget: one lock with default options fits the smallest reported quota.
    assert totals[("defaults", 1)]["headroom 5k/month"] > 0
    capacity = rows_by(table_titled(report, "Locks that fit"), "options")
    assert capacity[("defaults",)]["max locks 5k/month"] >= 1
    # Issue 16's budget: 10 locks at the defaults make at most 120 calls a day (the line through
    # 1 and 2 locks: fixed account-wide calls + calls per lock).
    fixed, per_lock = (
        capacity[("defaults",)]["fixed calls/day"],
        capacity[("defaults",)]["calls/day per lock"],
    )
    assert fixed + 10 * per_lock <= 120
    assert (
        capacity[("safety re-check on",)]["calls/day per lock"]
        > capacity[("defaults",)]["calls/day per lock"]
    )
    assert report["parameters"]["default_safety_recheck"] is False

    # User commands: a confirmed one costs its own call; an unconfirmed one adds queryOpenState.
    assert figures["commands_push_by_endpoint"] == {"lock/lock": 1, "lock/unlock": 1}
    assert figures["commands_push_calls_per_command"] == 1
    assert figures["commands_push_records_handled"] >= 2  # every command's push arrived
    # Without its push, one confirming read per command: whichever the code uses (the lock's
    # state, which wakes it, or its records, which do not).
    no_push = dict(figures["commands_no_push_by_endpoint"])
    assert (no_push.pop("lock/lock"), no_push.pop("lock/unlock")) == (1, 1)
    assert set(no_push) <= {"lock/queryOpenState", "lockRecord/list"}
    assert sum(no_push.values()) == 2
    assert figures["commands_no_push_calls_per_command"] == 2
    # No push arrived; the records reported, if any, are those the confirming read found.
    assert 0 <= figures["commands_no_push_records_handled"] <= 2


def test_capacity_needs_two_lock_counts() -> None:
    """One point cannot split fixed and per-lock cost; two give the line and the lock counts."""
    assert linear_fit([(3, 150.0)]) is None
    assert capacity_row("defaults", None) == ["defaults", None, None, None, None]
    fit = linear_fit([(1, 108.0), (5, 156.0), (20, 336.0)])
    assert fit == pytest.approx((96.0, 12.0))
    # (5,000 / 30 - 96) / 12 = 5.9 locks; (30,000 / 30 - 96) / 12 = 75.3 locks.
    assert capacity_row("defaults", fit) == ["defaults", 96.0, 12.0, 5, 75]
    # A quota smaller than the fixed cost allows no lock at all (never a negative count).
    assert capacity_row("x", (500.0, 10.0))[3] == 0

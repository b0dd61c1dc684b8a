"""Smoke test of benchmarks.ttlock_versus: our entry's calls beside hass-ttlock's replayed policy.

The reference's counts are exact (its policy, see benchmarks/ttlock_reference.py); ours are
checked for shape and for what the scenario itself makes exact (commands sent, pushes handled).
"""

from __future__ import annotations

from .conftest import rows_by, run_benchmark, table_titled

LOCKS = (2,)
OPERATIONS = 1
COMMANDS = 2
SCENARIOS = ("idle", "pushes_arriving", "commands_push_on_time", "commands_no_push")
# hass-ttlock per lock and steady day: queryOpenState every 30 min, the slow tier every 6 h,
# the door sensor once a day (every simulated lock has feature bit 13).
REFERENCE_PER_LOCK_DAY = {
    "lock/queryOpenState": 48,
    "lock/detail": 4,
    "lock/getPassageModeConfig": 4,
    "gateway/listByLock": 4,
    "doorSensor/query": 1,
}
REFERENCE_SET_UP_PER_LOCK = dict.fromkeys(REFERENCE_PER_LOCK_DAY, 1)


def test_ttlock_versus_counts_both_integrations_on_the_same_simulator() -> None:
    """Every (locks, scenario) measured for both; the reference exactly as its code polls."""
    report = run_benchmark(
        "ttlock_versus",
        "--locks",
        ",".join(map(str, LOCKS)),
        "--operations",
        str(OPERATIONS),
        "--commands",
        str(COMMANDS),
        "--scenarios",
        "idle;pushes arriving;commands, push on time;commands, no push",
    )
    figures = report["figures"]
    for locks in LOCKS:
        for scenario in SCENARIOS:
            measured = figures[f"l{locks}_{scenario}"]
            ours, reference = measured["ours"], measured["reference"]
            commands = COMMANDS * locks if scenario.startswith("commands") else 0
            expected = {
                endpoint: count * locks for endpoint, count in REFERENCE_PER_LOCK_DAY.items()
            }
            expected["gateway/list"] = 96
            if commands:
                expected |= {"lock/lock": commands / 2, "lock/unlock": commands / 2}
            assert reference["per_day_by_endpoint"] == expected
            assert reference["set_up_by_endpoint"] == {
                "lock/list": 1,
                "gateway/list": 1,
                **dict.fromkeys(REFERENCE_SET_UP_PER_LOCK, locks),
            }
            assert reference["wakeups_per_lock_day"] == 48
            # Ours: the user's commands are sent once each, whatever the push does.
            per_day = ours["per_day_by_endpoint"]
            assert per_day.get("lock/lock", 0) + per_day.get("lock/unlock", 0) == commands
            assert ours["set_up_calls"] > 0
            assert ours["calls_per_day"] == sum(per_day.values())
            assert ours["wakeups_per_lock_day"] >= 0
            assert (
                0
                < measured["ratio_calls"]
                == round(ours["calls_per_day"] / reference["calls_per_day"], 3)
            )
            if scenario == "commands_no_push":
                # Only what the integration's own confirmation read may report.
                assert 0 <= ours["records_handled"] <= commands
            else:
                pushed = {"idle": 0, "pushes_arriving": OPERATIONS * locks}.get(scenario, commands)
                assert ours["records_handled"] == pushed
    totals = rows_by(table_titled(report, "Calls per day and lock wake-ups"), "locks", "scenario")
    assert len(totals) == len(LOCKS) * len(SCENARIOS)
    monthly = rows_by(table_titled(report, "Calls per month"), "locks", "scenario")
    for row in monthly.values():
        assert row["ours headroom 5k/month"] == 5000 - row["ours/month"]
    assert "target_10_locks" not in figures  # only with 10 locks in the run
    assert any("hass-ttlock" in note for note in report["notes"])

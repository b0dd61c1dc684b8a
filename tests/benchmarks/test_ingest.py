"""Smoke test of benchmarks.ingest: every side answered and wrote its states; figures are sane."""

from __future__ import annotations

from benchmarks.results_md import render_results

from .conftest import rows_by, run_benchmark, table_titled

DELIVERIES = 4
ROUNDS = 2
SIDES = ("ours", "noop", "noop_same_writes")


def test_ingest_benchmark_compares_our_webhooks_with_a_no_op() -> None:
    """Both vendors, batches of 1 and 3, one tiny fleet: counts exact, rates and ratios > 0."""
    report = run_benchmark(
        "ingest",
        "--fleets",
        "6:1",
        "--deliveries",
        str(DELIVERIES),
        "--rounds",
        str(ROUNDS),
        "--batches",
        "1,3",
        "--profile-rows",
        "2",
    )
    figures = report["figures"]
    assert figures["all_answered_200"] is True
    assert figures["states_written_before_response"] is True
    scenarios = {"milesight_d6_b1": 1, "milesight_d6_b3": 3, "ttlock_l1": 1}
    assert set(figures["ratios"]) == set(scenarios)
    for key, batch in scenarios.items():
        scenario = figures[key]
        assert scenario["events_per_delivery"] == batch
        for side in SIDES:
            measured = scenario[side]
            # TTLock rounds are whole unlock + lock pairs per lock: 2 callbacks for 1 lock.
            per_round = 2 * round(DELIVERIES / 2) if key.startswith("ttlock") else DELIVERIES
            assert measured["deliveries"] == per_round * ROUNDS
            assert measured["events_per_s"] > 0
            assert 0 < measured["p50_ms"] <= measured["p99_ms"]
            assert measured["handler_p50_us"] > 0
        assert scenario["noop"]["state_writes_per_delivery"] == 1
        # The same-writes no-op wrote exactly what ours wrote, delivery by delivery.
        assert (
            scenario["noop_same_writes"]["state_writes_per_delivery"]
            == scenario["ours"]["state_writes_per_delivery"]
        )
        assert scenario["ratio_events_per_s_vs_same_writes"] > 0
        # Our webhook writes what the delivery changed: at least one state per delivery (the
        # devices' readings are random, the locks alternate unlocked / locked), and a TTLock
        # record no more than its lock's entities.
        assert scenario["ours"]["state_writes_per_delivery"] >= 1
        if key.startswith("ttlock"):
            assert scenario["ours"]["state_writes_per_delivery"] <= 4
        assert scenario["ratio_events_per_s"] > 0
        assert scenario["ratio_events_per_s"] == figures["ratios"][key]
        profile = scenario["profile"]["ours"]["ours_by_cumulative"]
        assert profile
        # The hottest function of our package is the webhook handler (it calls everything else).
        assert "webhook.py" in profile[0]["function"]
        assert all(row["cumulative_us_per_delivery"] >= 0 for row in profile)
    assert figures["lowest_ratio"] == min(figures["ratios"].values())
    ratios = rows_by(table_titled(report, "Ours ÷ no-op"), "scenario")
    assert len(ratios) == len(scenarios)
    sides = table_titled(report, "Each side")
    assert len(sides["rows"]) == len(scenarios) * len(SIDES)

    page = render_results(
        {
            "run": {
                "date_utc": "2026-01-01 00:00 UTC",
                "integration_version": "0",
                "git_commit": "abc",
                "uncommitted_changes_in_integration_or_simulators": False,
                "home_assistant": "2025.4.4",
                "python": "3.13",
                "cpus": 2,
                "platform": "Linux",
                "load_average_at_start": [1.0, 1.0, 1.0],
                "smoke": True,
                "wall_s": 1.0,
            },
            "parts": {"ingest": {"title": "1. Ingest", **report}},
        }
    )
    assert "## Headlines" in page
    assert "**Ingest**" in page
    assert "| scenario | ours events/s |" in page

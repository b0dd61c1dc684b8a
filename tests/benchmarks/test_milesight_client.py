"""Smoke test of benchmarks.milesight_client: one token per burst, push-first default budget."""

from __future__ import annotations

from .conftest import rows_by, run_benchmark, table_titled

DEVICES = 3
DEFAULTS = "defaults (seed on, refresh off)"
HOURLY = "refresh every 60 min"


def test_client_benchmark_counts_calls_within_budgets() -> None:
    """Single-flight tokens, no API call per day by default, hourly refresh inside the free plan."""
    report = run_benchmark(
        "milesight_client",
        "--callers",
        "1,5",
        "--devices",
        str(DEVICES),
        "--refresh-minutes",
        "60",
    )
    figures = report["figures"]
    bursts = figures["bursts"]
    assert {(item["callers"], item["scenario"]) for item in bursts} == {
        (callers, scenario)
        for callers in (1, 5)
        for scenario in ("cold start", "after every token died", "token endpoint fails")
    }
    for item in bursts:
        # The budget: one token request per burst, whatever the number of callers.
        assert item["token_requests"] == 1, item
        assert item["other_calls"] == 0
        if item["scenario"] == "cold start":
            assert (item["device_calls"], item["failed_callers"]) == (item["callers"], 0)
        elif item["scenario"] == "after every token died":
            # One 401 and one retry per caller, still one token.
            assert (item["device_calls"], item["failed_callers"]) == (2 * item["callers"], 0)
        else:
            # The failed token request is shared: nobody reaches the device endpoint.
            assert (item["device_calls"], item["failed_callers"]) == (0, item["callers"])
    assert figures["max_token_requests_per_burst"] == 1

    # Default options: the API is used at set-up only (push-first).
    assert figures[f"d{DEVICES}_refresh0_calls_per_day"] == 0
    assert figures[f"d{DEVICES}_refresh0_setup_token_requests"] == 1
    assert figures[f"d{DEVICES}_refresh0_setup_calls"] >= 1 + DEVICES  # search + per device
    # An hourly refresh renews the token about once an hour, not per call.
    assert 24 <= figures[f"d{DEVICES}_refresh60_token_requests_per_day"] <= 27
    assert figures[f"d{DEVICES}_refresh60_calls_per_day"] > 0
    # The stored day of 10-minute uplinks is two history pages per device at start-up; an
    # hourly refresh reads only the hour since the previous read: one page per device.
    assert figures[f"d{DEVICES}_refresh0_setup_history_calls"] == 2 * DEVICES
    assert figures[f"d{DEVICES}_refresh60_history_calls_per_day"] == 24 * DEVICES

    totals = rows_by(table_titled(report, "Part 2 - integration"), "devices", "options")
    assert set(totals) == {(DEVICES, DEFAULTS), (DEVICES, HOURLY)}
    for row in totals.values():
        assert row["free headroom"] > 0  # inside the free plan's 1,000 calls per 24 h
        assert row["free headroom"] == row["free plan/day"] - row["set-up calls"] - row["calls/day"]
        assert row["pro plan/day"] > row["free plan/day"]
    endpoints = table_titled(report, "Part 2 - calls/day by endpoint")
    for (devices, options), row in totals.items():
        per_endpoint = [r for r in endpoints["rows"] if r[0] == devices and r[1] == options]
        assert sum(r[3] for r in per_endpoint) == row["set-up calls"]
        assert sum(r[4] for r in per_endpoint) == row["calls/day"]

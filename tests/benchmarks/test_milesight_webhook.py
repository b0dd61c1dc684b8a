"""Smoke test of benchmarks.milesight_webhook (tiny run; figures are checked for shape, not speed)."""

from __future__ import annotations

from .conftest import rows_by, run_benchmark, table_titled


def test_webhook_benchmark_runs_and_every_delivery_is_applied() -> None:
    """Every timed delivery is accepted and applied, forgeries are refused, figures are sane."""
    report = run_benchmark(
        "milesight_webhook",
        "--deliveries",
        "12",
        "--concurrency",
        "1,3",
        "--verify-iterations",
        "30",
    )
    figures = report["figures"]
    assert figures["all_accepted_200"] is True
    assert figures["forged_rejected_401"] is True
    assert figures["final_state_matches_last_delivery"] is True
    assert figures["verify_parse_per_s"] > 0

    layers = rows_by(table_titled(report, "Per delivery"), "layer")
    for concurrency in (1, 3):
        row = layers[(f"HTTP, known devices, concurrency {concurrency}",)]
        assert row["deliveries"] == 12
        assert row["deliveries/s"] > 0
        assert 0 < row["p50 ms"] <= row["p95 ms"] <= row["p99 ms"] <= row["max ms"]
        assert figures[f"p50_ms_c{concurrency}"] == row["p50 ms"]
    assert layers[("HTTP, forged signature (401)",)]["deliveries"] == 3

    inside = rows_by(table_titled(report, "Time inside the handler"), "concurrency")
    assert set(inside) == {(1,), (3,)}
    for row in inside.values():
        assert 0 < row["verify p50 µs"] <= row["verify p95 µs"]
        assert 0 < row["apply + state writes p50 µs"] <= row["apply + state writes p95 µs"]
        # Each uplink updates at least one entity (the point of the webhook).
        assert row["state changes/delivery"] >= 1

"""Smoke test of benchmarks.milesight_webhook (tiny run; figures are checked for shape, not speed)."""

from __future__ import annotations

from .conftest import rows_by, run_benchmark, table_titled

# Whole catalogues (6 models each), so both fleets report the same mix of devices.
FLEETS = (6, 12)
LEVELS = (1, 3)
DELIVERIES = 12


def test_webhook_benchmark_runs_and_every_delivery_is_applied() -> None:
    """Every timed delivery is accepted and applied, forgeries are refused, figures are sane."""
    report = run_benchmark(
        "milesight_webhook",
        "--devices",
        ",".join(map(str, FLEETS)),
        "--deliveries",
        str(DELIVERIES),
        "--concurrency",
        ",".join(map(str, LEVELS)),
        "--verify-iterations",
        "30",
    )
    figures = report["figures"]
    assert figures["all_accepted_200"] is True
    assert figures["forged_rejected_401"] is True
    assert figures["final_state_matches_last_delivery"] is True
    assert figures["verify_parse_per_s"] > 0

    layers = rows_by(table_titled(report, "Per delivery through HTTP"), "devices", "deliveries of")
    for devices in FLEETS:
        assert layers[(devices, "new device (entities created)")]["count"] == devices
        for concurrency in LEVELS:
            row = layers[(devices, f"known devices, concurrency {concurrency}")]
            assert row["count"] == DELIVERIES
            assert row["deliveries/s"] > 0
            assert 0 <= row["p50 ms"] <= row["p95 ms"] <= row["p99 ms"] <= row["max ms"]
            assert figures[f"d{devices}_c{concurrency}_p50_ms"] == row["p50 ms"]
    # Forgeries are sent once, with the first fleet.
    assert layers[(FLEETS[0], "forged signature (401)")]["count"] == DELIVERIES // 4
    assert (FLEETS[1], "forged signature (401)") not in layers
    # Warm-up + first sight + timed deliveries, for every fleet.
    assert figures["deliveries_posted"] == sum(
        devices + 1 + DELIVERIES * len(LEVELS) for devices in FLEETS
    )

    inside = rows_by(table_titled(report, "Time inside the handler"), "devices", "concurrency")
    assert set(inside) == {(devices, level) for devices in FLEETS for level in LEVELS}
    for row in inside.values():
        assert 0 <= row["verify p50 µs"] <= row["verify p95 µs"]
        assert 0 <= row["apply + state writes p50 µs"] <= row["apply + state writes p95 µs"]
        # Each uplink updates at least one entity (the point of the webhook).
        assert row["state changes/delivery"] >= 1
        assert row["state writes/delivery"] >= row["state changes/delivery"]
    # Only the touched device's entities write: the cost of a delivery does not grow with the
    # fleet (writing every entity of the entry would double it from 6 to 12 devices).
    for level in LEVELS:
        small, big = (inside[(devices, level)]["state writes/delivery"] for devices in FLEETS)
        assert big <= small * 1.2
        assert figures[f"d{FLEETS[1]}_c{level}_state_writes_per_delivery"] == big
    (verify_row,) = table_titled(report, "HA-free layer")["rows"]
    assert verify_row[0] == 30

"""Smoke test of benchmarks.scale: a real hass process takes both entries; figures are sane."""

from __future__ import annotations

from .conftest import FLOOR_HA_ONLY, rows_by, run_benchmark, table_titled

pytestmark = FLOOR_HA_ONLY


def test_scale_benchmark_sets_up_both_entries_in_a_real_hass() -> None:
    """Tiny sites, no restart: loaded, entities with states, memory and cloud calls counted."""
    report = run_benchmark("scale", "--locks", "2", "--devices", "6", "--no-restart")
    entries = {entry["label"]: entry for entry in report["figures"]["entries"]}
    assert set(entries) == {"TTLock, 2 locks", "Milesight API, 6 devices"}
    for entry in entries.values():
        assert entry["entities"] > 0
        assert 0 <= entry["loaded_s"] <= entry["entities_s"] + 0.5
        assert entry["peak_rss_mb"] > 0
        assert entry["peak_rss_growth_mb"] is not None
        assert entry["cloud_calls"] > 0
    assert report["figures"]["restart"] is None
    rows = rows_by(table_titled(report, "Start-up at scale"), "entry", "phase")
    assert len(rows) == 2

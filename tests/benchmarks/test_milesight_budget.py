"""Smoke test of benchmarks.milesight_budget: set-up, day and restart calls by kind, exactly."""

from __future__ import annotations

from .conftest import run_benchmark

SMALL, BIG = 2, 7
OPTIONS = (
    "webhook-only entry;API, defaults (seed on, refresh off);API, seed off;API, refresh 60 min"
)
# A day of 10-minute uplinks is 144 history rows: two pages of 100 per device.
HISTORY_PAGES = 2


def test_milesight_budget_counts_set_up_day_and_restart() -> None:
    """Thing models once per device and kept across the restart; search pages per restart."""
    report = run_benchmark(
        "milesight_budget",
        "--devices",
        f"{SMALL},{BIG}",
        "--options",
        OPTIONS,
        "--watchdog-devices",
        "2",
        "--max-calls",
        "150",  # the small fleet's hourly day runs in full, the big one is scaled
    )
    figures = report["figures"]
    for devices in (SMALL, BIG):
        webhook_only = figures[f"d{devices}_webhook_only"]
        assert webhook_only["set_up_calls"] == 0
        assert webhook_only["calls_per_day"] == 0
        assert webhook_only["restart_calls"] == 0

        defaults = figures[f"d{devices}_defaults"]
        assert defaults["set_up_by_endpoint"] == {
            "oauth/token": 1,
            "device/search": 1,
            "device/thing-specification": devices,
            "device/properties-history": HISTORY_PAGES * devices,
        }
        assert defaults["calls_per_day"] == 0
        # Thing models are kept in the entry's store: the restart reads none.
        assert defaults["restart_by_kind"].get("thing models", 0) == 0
        assert defaults["restart_by_kind"]["search pages"] == 1

        seed_off = figures[f"d{devices}_seed_off"]
        assert seed_off["restart_by_endpoint"] == {"oauth/token": 1, "device/search": 1}
        assert seed_off["calls_per_day"] == 0

        hourly = figures[f"d{devices}_refresh_60"]
        day = hourly["day_by_endpoint"]
        # One search page and one history page per device every hour (since the last read).
        assert day["device/search"] == 24
        assert day["device/properties-history"] == 24 * devices
        assert 24 <= day["oauth/token"] <= 27
    assert figures[f"d{SMALL}_refresh_60"]["day_scaled_from_refreshes"] is None
    assert figures[f"d{BIG}_refresh_60"]["day_scaled_from_refreshes"] >= 2
    assert figures[f"d{BIG}_refresh_60"]["tokens"].startswith("full-day run")

    watchdog = figures["watchdog_with_deliveries"]
    assert watchdog["deliveries"] == 2 * 6 * 6
    assert watchdog["refused"] == 0
    assert watchdog["api_calls_while_delivering"] >= 0
    assert watchdog["api_calls_while_silent"] >= 0
    assert isinstance(figures["watchdog_present"], bool)
    assert set(figures["restart_growth"]) == set(OPTIONS.split(";"))

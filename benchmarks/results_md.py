"""``RESULTS.md`` from the runner's results: headlines first, then each part's tables and notes."""

from __future__ import annotations

from typing import Any

from benchmarks.report import Cell

# Tables longer than this stay in results.json only (the by-endpoint breakdowns).
MAX_ROWS = 60


def _cell(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float) and cell.is_integer():
        return f"{int(cell):,}"
    if isinstance(cell, float):
        return f"{cell:,.2f}" if abs(cell) < 100 else f"{cell:,.0f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return str(cell).replace("|", "\\|")


def markdown_table(table: dict[str, Any]) -> str:
    """A titled Markdown table (or a pointer to results.json when too long)."""
    rows = table["rows"]
    lines = [f"**{table['title']}**", ""]
    if len(rows) > MAX_ROWS:
        return "\n".join([*lines, f"({len(rows)} rows: see `results.json`.)", ""])
    numeric = [
        all(isinstance(row[index], int | float | None) for row in rows)
        for index in range(len(table["columns"]))
    ]
    lines.append("| " + " | ".join(table["columns"]) + " |")
    lines.append("|" + "|".join("---:" if number else "---" for number in numeric) + "|")
    lines.extend("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows)
    return "\n".join([*lines, ""])


def _ingest_headline(part: dict[str, Any]) -> list[str]:
    figures = part["figures"]
    target = part["parameters"]["target_ratio"]
    lines = [
        f"- **Ingest** (events/s, target ≥ {target}): ours ÷ bare no-op (one state per "
        "delivery), and ours ÷ a no-op writing the same states as ours (Home Assistant's own "
        "limit for what ours shows):"
    ]
    for value in figures.values():
        if isinstance(value, dict) and "ratio_events_per_s" in value:
            bare, same = value["ratio_events_per_s"], value["ratio_events_per_s_vs_same_writes"]
            lines.append(
                f"  {value['scenario']}: **{bare:.2f}** vs bare ({_met(bare, target)}), "
                f"**{same:.2f}** vs same writes ({_met(same, target)}); "
                f"{value['ours']['state_writes_per_delivery']:g} state writes per delivery"
            )
    return lines


def _met(ratio: float, target: float) -> str:
    return "met" if ratio >= target else "not met"


def _ttlock_headline(part: dict[str, Any]) -> list[str]:
    figures = part["figures"]
    lines = []
    target = figures.get("target_10_locks")
    if target:
        lines.append(
            f"- **TTLock, 10 locks, defaults, idle**: {target['calls_per_day']:g} calls/day "
            f"(target ≤ {target['calls_target']}: {'met' if target['calls_met'] else 'NOT met'}), "
            f"{target['wakeups_per_lock_day']:g} lock wake-ups per lock per day (target 0: "
            f"{'met' if target['wakeups_met'] else 'NOT met'}); ours ÷ hass-ttlock = "
            f"**{target['ratio_to_reference']}**"
        )
    ratios = [
        f"{key.split('_', 1)[0][1:]} locks {value_label(key)} {value['ratio_calls']}"
        f" (wake-ups/lock/day {value['ours']['wakeups_per_lock_day']:g} vs "
        f"{value['reference']['wakeups_per_lock_day']:g})"
        for key, value in figures.items()
        if isinstance(value, dict)
        and "ratio_calls" in value
        and value_label(key) in ("idle", "commands no push")
    ]
    if ratios:
        lines.append("  calls ours ÷ hass-ttlock: " + "; ".join(ratios))
    return lines


def value_label(key: str) -> str:
    """``l10_commands_no_push`` → ``commands no push``."""
    return key.split("_", 1)[1].replace("_", " ")


def _milesight_headline(part: dict[str, Any]) -> list[str]:
    figures = part["figures"]
    lines = ["- **Milesight** (API calls; webhook-only entries make none):"]
    for value in figures.values():
        if isinstance(value, dict) and value.get("options", "").startswith("API, defaults"):
            lines.append(
                f"  {value['devices']} devices, defaults: set-up {value['set_up_calls']:,}, "
                f"{value['calls_per_day']:,} per day, restart {value['restart_calls']:,} "
                f"({', '.join(f'{k} {v:,}' for k, v in value['restart_by_kind'].items() if v)})"
            )
    for label, per_size in figures.get("restart_growth", {}).items():
        if label.startswith("API, seed off"):
            sizes = sorted(per_size, key=int)
            lines.append(
                "  seed off: restart = "
                + ", ".join(
                    f"{sum(per_size[size].values())} calls at {size} devices" for size in sizes
                )
                + " (token + search pages only)"
            )
    return lines


def _tokens_headline(part: dict[str, Any]) -> list[str]:
    passed = sum(test["verdict"] == "passed" for test in part["tests"])
    return [
        f"- **Token single-flight**: {passed} of {len(part['tests'])} tests passed "
        "(100 concurrent callers → exactly 1 token request, both clouds)"
    ]


def _scale_headline(part: dict[str, Any]) -> list[str]:
    figures = part["figures"]
    lines = ["- **Start-up at scale** (real `hass` process, config flow included):"]
    for value in figures.get("entries", []):
        lines.append(
            f"  {value['label']}: loaded in {value['loaded_s']} s, all "
            f"{value['entities']:,} entities in {value['entities_s']} s, peak RSS "
            f"{value['peak_rss_mb']} MB (+{value['peak_rss_growth_mb']} MB), "
            f"{value['cloud_calls']:,} cloud calls"
        )
    restart = figures.get("restart")
    if restart:
        lines.append(
            "  restart: "
            + "; ".join(
                f"{entry['label']} loaded {entry['loaded_s']} s after the old process exited "
                f"({entry['cloud_calls']:,} calls)"
                for entry in restart["entries"]
            )
        )
    return lines


HEADLINES = {
    "ingest": _ingest_headline,
    "ttlock": _ttlock_headline,
    "milesight": _milesight_headline,
    "tokens": _tokens_headline,
    "scale": _scale_headline,
}


def _part_section(key: str, part: dict[str, Any]) -> list[str]:
    lines = [f"## {part['title']}", ""]
    if "error" in part:
        return [*lines, "**This part failed:**", "", "```", str(part["error"])[-2000:], "```", ""]
    lines += [f"Measures: {part['measures']}", ""]
    if "command" in part:
        lines += [f"Command: `{part['command']}` ({part['wall_s']} s).", ""]
    if key == "tokens":
        lines += ["| what | test | verdict |", "|---|---|---|"]
        lines += [f"| {t['what']} | `{t['test']}` | {t['verdict']} |" for t in part["tests"]]
        return [*lines, ""]
    for table in part.get("tables", []):
        lines.append(markdown_table(table))
    if part.get("notes"):
        lines += ["Notes:", ""] + [f"- {note}" for note in part["notes"]] + [""]
    return lines


def render_results(results: dict[str, Any]) -> str:
    """The whole page."""
    run = results["run"]
    dirty = (
        ", with uncommitted changes"
        if run["uncommitted_changes_in_integration_or_simulators"]
        else ""
    )
    lines = [
        "# Benchmark results (issue 16)",
        "",
        f"Written by `benchmarks/run` on {run['date_utc']}{' (SMOKE RUN: tiny parameters)' if run['smoke'] else ''}."
        f" Integration {run['integration_version']} at commit {run['git_commit']}{dirty}; "
        f"Home Assistant {run['home_assistant']}, Python {run['python']}; "
        f"{run['cpus']} CPUs ({run['platform']}), load average at start "
        f"{' / '.join(str(v) for v in run['load_average_at_start'])}; total {run['wall_s']} s.",
        "",
        "The machine was shared with other engineers' test runs: absolute rates move between runs, "
        "ratios are taken inside one run (same instance, alternating order). Call counts are exact "
        "(the simulators' counters). Every figure, with more detail, is in `results.json`.",
        "",
        "## Headlines",
        "",
    ]
    for key, part in results["parts"].items():
        if "error" in part:
            lines.append(f"- **{part['title']}**: failed (see below)")
        elif key in HEADLINES:
            lines += HEADLINES[key](part)
    lines.append("")
    for key, part in results["parts"].items():
        lines += _part_section(key, part)
    return "\n".join(lines).rstrip() + "\n"

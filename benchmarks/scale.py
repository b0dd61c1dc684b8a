"""Start-up and memory at scale: a real ``hass`` process, one big entry at a time.

Run: ``.venv/bin/python -m benchmarks.scale [--locks 200] [--devices 1000] [--json]``.

What runs (the end-to-end harness, tests/e2e/processes.py): for each entry, a fresh ``hass``
process on a temporary configuration (loopback only, the integration linked in, our logger at
warning level so that debug logging does not weigh on the figures) and a simulator process
holding the site (``benchmarks.scale_sims``: N TTLock locks behind one gateway, or N Milesight
devices with a day of 10-minute uplinks stored). The entry is added through Home Assistant's
config-flow API, as a user does. Measured: wall time from the flow's last step to the entry being
``loaded`` and to every entity of the entry having a state; peak RSS of the ``hass`` process
(``VmHWM``) before the entry and at the end; entities created; cloud calls of the flow and of the
set-up (the simulator's counter); then the same after a restart of ``hass``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import signal
import sys
import tempfile
import time
from typing import Any

import aiohttp

from benchmarks.report import Report, Table, add_common_arguments, emit
from tests.e2e.hass_client import HomeAssistantClient, drive_flow, poll
from tests.e2e.processes import (
    LOOPBACK,
    HassProcess,
    ManagedProcess,
    free_port,
    write_config,
)
from tests.e2e.provision_demo import (
    DEMO_OWNER_NAME,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    TTLOCK_CLIENT_ID,
    TTLOCK_CLIENT_SECRET,
    TTLOCK_CREDENTIAL_NAME,
    milesight_answers,
    ttlock_answers,
)

SIMULATOR_READY_S = 120.0
LOADED_WITHIN_S = 600.0
# The entity count must hold this long (polls 0.5 s apart) to count as complete.
STABLE_POLLS = 4


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident set size of a process (``VmHWM``), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def sim_calls(session: aiohttp.ClientSession, sim_url: str) -> int:
    """All cloud calls the simulator counted so far."""
    async with session.get(f"{sim_url}/_sim/calls") as response:
        calls: dict[str, int] = await response.json()
    return sum(calls.values())


async def wait_loaded(ha: HomeAssistantClient, entry_id: str) -> str:
    """The entry's state once it left the set-up states."""

    async def settled() -> str | None:
        for entry in await ha.config_entries():
            if entry["entry_id"] == entry_id and entry["state"] not in (
                "not_loaded",
                "setup_in_progress",
            ):
                return str(entry["state"])
        return None

    return await poll(settled, within=LOADED_WITHIN_S, what="the entry to set up", interval=0.1)


async def wait_entities(ha: HomeAssistantClient, entry_id: str, since: float) -> tuple[int, float]:
    """Entities of the entry once their count holds and all have a state; seconds since ``since``."""
    seen, stable, reached = -1, 0, time.monotonic()

    async def complete() -> tuple[int, float] | None:
        nonlocal seen, stable, reached
        registered = {
            item["entity_id"]
            for item in await ha.entity_registry(entry_id)
            if not item.get("disabled_by")  # disabled entities have no state
        }
        with_state = {state["entity_id"] for state in await ha.states()} & registered
        count = len(registered) if with_state == registered else -1
        if count != seen:
            seen, stable, reached = count, 0, time.monotonic()
            return None
        stable += 1
        return (count, round(reached - since, 2)) if stable >= STABLE_POLLS and count > 0 else None

    return await poll(complete, within=LOADED_WITHIN_S, what="every entity", interval=0.5)


async def add_entry(
    ha: HomeAssistantClient, vendor: str, sim_url: str
) -> tuple[str, float, dict[str, Any]]:
    """The config flow as a user runs it; the entry id and when its last step was answered."""
    if vendor == "ttlock":
        credential = await ha.create_application_credential(
            TTLOCK_CLIENT_ID, TTLOCK_CLIENT_SECRET, TTLOCK_CREDENTIAL_NAME
        )
        answers = ttlock_answers(sim_url, credential["id"])
    else:
        answers = milesight_answers(sim_url)
    flow_started = time.monotonic()
    result = await drive_flow(ha, await ha.flow_start(), answers)
    if result["type"] != "create_entry":
        raise RuntimeError(f"the {vendor} flow ended with {result}")
    return str(result["result"]["entry_id"]), flow_started, result


async def measure_phase(
    session: aiohttp.ClientSession,
    ha: HomeAssistantClient,
    sim_url: str,
    entry_id: str,
    started: float,
    calls_before: int,
) -> dict[str, Any]:
    """Loaded, all entities, and cloud calls since ``calls_before`` (times since ``started``)."""
    state = await wait_loaded(ha, entry_id)
    loaded_s = round(time.monotonic() - started, 2)
    entities, entities_s = await wait_entities(ha, entry_id, started)
    return {
        "state": state,
        "loaded_s": loaded_s,
        "entities": entities,
        "entities_s": entities_s,
        "cloud_calls": await sim_calls(session, sim_url) - calls_before,
    }


def simulator(vendor: str, count: int, workdir: Path) -> tuple[ManagedProcess, str]:
    """The simulator process holding the site, and its URL (not started)."""
    port = free_port()
    process = ManagedProcess(
        f"{vendor} simulator ({count})",
        [
            sys.executable,
            *("-m", "benchmarks.scale_sims", "--vendor", vendor),
            *("--count", str(count), "--port", str(port)),
        ],
        workdir / f"simulator-{vendor}.log",
    )
    return process, f"http://{LOOPBACK}:{port}"


def hass_config(workdir: Path) -> HassProcess:
    """A fresh loopback configuration; our logger at warning level (debug would weigh)."""
    port = free_port()
    config = workdir / "config"
    write_config(config, port, log_level="warning")
    configuration = config / "configuration.yaml"
    configuration.write_text(
        configuration.read_text().replace(
            "custom_components.minerva_iot: debug", "custom_components.minerva_iot: warning"
        )
    )
    return HassProcess(config, port)


async def measure_all(
    plan: list[tuple[str, int, str]], workdir: Path, *, restart: bool
) -> dict[str, Any]:
    """One hass: each entry added in turn, then (optionally) one restart with all of them."""
    sims = {vendor: simulator(vendor, count, workdir) for vendor, count, _ in plan}
    hass = hass_config(workdir)
    try:
        for vendor, (process, url) in sims.items():
            process.start()
            ready = "/_sim/locks" if vendor == "ttlock" else "/_sim/devices"
            process.wait_until(f"{url}{ready}", (200,), SIMULATOR_READY_S)
        started = time.monotonic()
        hass.start()
        result: dict[str, Any] = {"hass_http_up_s": round(time.monotonic() - started, 2)}
        result["entries"] = await _first_setups(hass, plan, sims)
        if restart:
            result["restart"] = await _restart(hass, sims, result["entries"])
        return result
    finally:
        hass.stop()
        for process, _ in sims.values():
            process.stop()


async def _first_setups(
    hass: HassProcess,
    plan: list[tuple[str, int, str]],
    sims: dict[str, tuple[ManagedProcess, str]],
) -> list[dict[str, Any]]:
    assert hass.process is not None
    measured: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantClient(session, hass.url)
        try:
            await ha.onboard_owner(DEMO_OWNER_NAME, DEMO_USERNAME, DEMO_PASSWORD)
            await ha.finish_onboarding()
            for vendor, count, label in plan:
                sim_url = sims[vendor][1]
                rss_before = peak_rss_mb(hass.process.pid)
                before = await sim_calls(session, sim_url)
                entry_id, flow_started, _ = await add_entry(ha, vendor, sim_url)
                phase = await measure_phase(session, ha, sim_url, entry_id, flow_started, before)
                phase |= {
                    "label": label,
                    "vendor": vendor,
                    "count": count,
                    "entry_id": entry_id,
                    "peak_rss_before_mb": rss_before,
                    "peak_rss_mb": peak_rss_mb(hass.process.pid),
                }
                measured.append(phase)
        finally:
            await ha.close()
    return measured


async def _restart(
    hass: HassProcess,
    sims: dict[str, tuple[ManagedProcess, str]],
    entries: list[dict[str, Any]],
) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        before = {vendor: await sim_calls(session, url) for vendor, (_, url) in sims.items()}
    stopping = time.monotonic()
    code = hass.stop()
    stopped = time.monotonic()
    hass.start()
    assert hass.process is not None
    restart: dict[str, Any] = {
        "stop_s": round(stopped - stopping, 2),
        "exit_code": code,
        "http_up_s": round(time.monotonic() - stopped, 2),
        "entries": [],
    }
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantClient(session, hass.url)
        try:
            await ha.login(DEMO_USERNAME, DEMO_PASSWORD)
            for entry in entries:
                vendor = entry["vendor"]
                phase = await measure_phase(
                    session, ha, sims[vendor][1], entry["entry_id"], stopped, before[vendor]
                )
                restart["entries"].append({"label": entry["label"], **phase})
            restart["peak_rss_mb"] = peak_rss_mb(hass.process.pid)
        finally:
            await ha.close()
    return restart


async def run(args: argparse.Namespace) -> Report:
    """Both big entries in one Home Assistant, then a restart."""
    report = Report(
        benchmark="scale",
        measures=(
            "a real hass process (tests/e2e harness, loopback only, our logger at warning "
            "level), the entries added one after the other through the config-flow API against "
            "simulator processes holding the sites; wall time from the flow's first request to "
            "'loaded' and to every enabled entity of the entry having a state (its count stable "
            "for 2 s), peak RSS (VmHWM) of hass before and after each entry, entities, cloud "
            "calls (simulator counters, flow included); then a restart of hass with both "
            "entries (times from the moment the old process exited)."
        ),
        parameters={"locks": args.locks, "devices": args.devices, "restart": args.restart},
    )
    table = Table(
        "Start-up at scale (real hass process)",
        [
            "entry",
            "phase",
            "to loaded s",
            "to all entities s",
            "entities",
            "cloud calls",
            "peak RSS before MB",
            "peak RSS after MB",
        ],
    )
    plan: list[tuple[str, int, str]] = []
    if args.locks:
        plan.append(("ttlock", args.locks, f"TTLock, {args.locks} locks"))
    if args.devices:
        plan.append(("milesight", args.devices, f"Milesight API, {args.devices} devices"))
    with tempfile.TemporaryDirectory(prefix="minerva-scale-") as directory:
        measured = await measure_all(plan, Path(directory), restart=args.restart)
    for entry in measured["entries"]:
        table.rows.append(
            [
                entry["label"],
                "first set-up (config flow included)",
                entry["loaded_s"],
                entry["entities_s"],
                entry["entities"],
                entry["cloud_calls"],
                entry["peak_rss_before_mb"],
                entry["peak_rss_mb"],
            ]
        )
    restart = measured.get("restart") or {"entries": []}
    for entry in restart["entries"]:
        table.rows.append(
            [
                entry["label"],
                f"restart (stop {restart['stop_s']} s, HTTP up {restart['http_up_s']} s)",
                entry["loaded_s"],
                entry["entities_s"],
                entry["entities"],
                entry["cloud_calls"],
                None,
                restart["peak_rss_mb"],
            ]
        )
    report.tables = [table]
    report.figures = {
        "hass_http_up_s": measured["hass_http_up_s"],
        "entries": [
            {
                "label": entry["label"],
                "loaded_s": entry["loaded_s"],
                "entities_s": entry["entities_s"],
                "entities": entry["entities"],
                "peak_rss_mb": entry["peak_rss_mb"],
                "peak_rss_growth_mb": round(entry["peak_rss_mb"] - entry["peak_rss_before_mb"], 1)
                if entry["peak_rss_mb"] and entry["peak_rss_before_mb"]
                else None,
                "cloud_calls": entry["cloud_calls"],
            }
            for entry in measured["entries"]
        ],
        "restart": measured.get("restart"),
    }
    report.notes = [
        "One hass holds both entries (the TTLock one added first): 'peak RSS before' is the "
        "process's peak before that entry's flow, so 'after - before' is what the entry added.",
        "First set-up times start at the config flow's first request (the flow validates the "
        "credentials against the simulator, then the entry sets up before the flow answers).",
        "Restart times start when the old process has exited (stop time shown): they include "
        "Home Assistant's own start; 'HTTP up' is when its API answered.",
        "State writes per delivery against fleet size: see part 1 (60 vs 600 Milesight devices, "
        "10 vs 50 TTLock locks in the same instance).",
        "The machine is shared: times move with its load; memory and counts much less.",
    ]
    return report


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--locks", type=int, default=200, help="TTLock locks (0: skip)")
    parser.add_argument("--devices", type=int, default=1000, help="Milesight devices (0: skip)")
    parser.add_argument(
        "--no-restart", dest="restart", action="store_false", help="skip the restart"
    )
    add_common_arguments(parser)
    args = parser.parse_args(argv)
    # Stopped by the runner (SIGTERM): unwind, so that hass and the simulator are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.locks < 0 or args.devices < 0 or not (args.locks or args.devices):
        parser.error("at least one of locks and devices")
    emit(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()

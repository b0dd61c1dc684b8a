"""Issue 16 in one command: every part, one ``results.json`` and one ``RESULTS.md``.

Run: ``benchmarks/run`` (or ``.venv/bin/python -m benchmarks.runner``) with ``--smoke`` for tiny
parameters (the smoke test), ``--parts ingest,ttlock`` for a subset, ``--output DIR`` to write
elsewhere. Each part runs as its own process (``python -m benchmarks.<module> --json``), so one
failing part is reported and the others still run; nothing here is timed against a threshold.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any
import xml.etree.ElementTree as ElementTree

from benchmarks.results_md import render_results

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Part:
    """One part of issue 16 and how to run it, fully and as a smoke run."""

    key: str
    title: str
    module: str
    full: tuple[str, ...]
    smoke: tuple[str, ...]
    timeout_s: int


PARTS = (
    Part(
        "ingest",
        "1. Ingest ratio: our webhooks ÷ a no-op webhook in the same Home Assistant",
        "ingest",
        ("--fleets", "60:10,600:50", "--deliveries", "200", "--rounds", "4"),
        ("--fleets", "6:1", "--deliveries", "6", "--rounds", "2", "--profile-rows", "3"),
        600,
    ),
    Part(
        "ttlock",
        "2. TTLock calls and lock wake-ups per day beside hass-ttlock's policy",
        "ttlock_versus",
        (
            *("--locks", "1,10,50", "--days", "1", "--operations", "4", "--commands", "4"),
            *("--scenarios", "idle;pushes arriving;commands, push on time;commands, no push"),
        ),
        (
            "--locks",
            "2",
            "--operations",
            "1",
            "--commands",
            "2",
            "--scenarios",
            "idle;commands, no push",
        ),
        900,
    ),
    Part(
        "milesight",
        "3. Milesight API calls per day, at first set-up and at restart",
        "milesight_budget",
        ("--devices", "10,200,1000", "--watchdog-devices", "10"),
        (
            "--devices",
            "2,7",
            "--options",
            "webhook-only entry;API, defaults (seed on, refresh off);API, seed off;"
            "API, refresh 60 min",
            "--watchdog-devices",
            "2",
            "--max-calls",
            "60",
        ),
        900,
    ),
    Part(
        "scale",
        "4. Start-up and memory at scale in a real hass process",
        "scale",
        ("--locks", "200", "--devices", "1000"),
        ("--locks", "3", "--devices", "7", "--no-restart"),
        900,
    ),
)

# Part 5 is covered by these tests (each asserts exactly one token request for 100 callers).
TOKEN_TESTS = (
    (
        "Milesight client, 100 calls refused for an expired token",
        "tests/clients/milesight/test_client.py::"
        "test_a_hundred_calls_on_an_expired_token_make_one_token_request",
    ),
    (
        "Milesight client, 100 calls after the token lifetime",
        "tests/clients/milesight/test_client.py::"
        "test_a_hundred_calls_after_the_token_lifetime_make_one_token_request",
    ),
    (
        "TTLock client, 100 calls refused for an expired token",
        "tests/clients/ttlock/test_token.py::test_many_refused_calls_refresh_once",
    ),
    (
        "TTLock client, 100 calls with an expired token",
        "tests/clients/ttlock/test_token.py::test_many_calls_with_an_expired_token_refresh_once",
    ),
    (
        "TTLock entry in Home Assistant, 100 actions refused for an expired token",
        "tests/ttlock/test_resilience.py::test_concurrent_rejections_refresh_once",
    ),
    (
        "TTLock entry in Home Assistant, 100 actions with an expiring stored token",
        "tests/ttlock/test_resilience.py::test_concurrent_calls_with_an_expiring_token_refresh_once",
    ),
)


def run_part(part: Part, smoke: bool) -> dict[str, Any]:
    """The part's JSON report, or what went wrong; with its wall time."""
    arguments = part.smoke if smoke else part.full
    command = [sys.executable, "-m", f"benchmarks.{part.module}", *arguments, "--json"]
    start = time.monotonic()
    completed = _run_stopping_politely(command, part.timeout_s)
    if completed is None:
        return {"error": f"timed out after {part.timeout_s} s", "wall_s": part.timeout_s}
    wall = round(time.monotonic() - start, 1)
    if completed.returncode != 0:
        return {"error": completed.stderr[-4000:], "wall_s": wall, "command": command[2:]}
    try:
        report: dict[str, Any] = json.loads(completed.stdout)
    except json.JSONDecodeError:
        return {"error": "no JSON report", "stdout": completed.stdout[-2000:], "wall_s": wall}
    report["wall_s"] = wall
    report["command"] = " ".join(["python", *command[1:]])
    return report


def _run_stopping_politely(
    command: list[str], timeout_s: int
) -> subprocess.CompletedProcess[str] | None:
    """Run ``command``; past the timeout SIGTERM first (a part stops its own children), None."""
    with subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
            return None
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_token_tests() -> dict[str, Any]:
    """Run the single-flight tests and report each verdict (pytest's own JUnit XML)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as directory:
        junit = Path(directory) / "token-tests.xml"
        completed, verdicts = _pytest_verdicts(junit)
    tests = [
        {"what": what, "test": node, "verdict": verdicts.get(node.rsplit("::", 1)[1], "not run")}
        for what, node in TOKEN_TESTS
    ]
    return {
        "benchmark": "tokens",
        "measures": (
            "100 concurrent callers on an expired (or refused) token make exactly one token "
            "request: asserted by the listed tests against the simulators (sim.calls counter), "
            "for both clients and for the TTLock entry through Home Assistant's actions."
        ),
        "tests": tests,
        "all_passed": all(test["verdict"] == "passed" for test in tests),
        "pytest_exit_code": completed.returncode,
        "pytest_tail": completed.stdout[-600:],
        "wall_s": round(time.monotonic() - start, 1),
    }


def _pytest_verdicts(junit: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *(node for _, node in TOKEN_TESTS),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    verdicts: dict[str, str] = {}
    try:
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            failed = case.find("failure") is not None or case.find("error") is not None
            skipped = case.find("skipped") is not None
            verdicts[case.get("name", "")] = (
                "failed" if failed else "skipped" if skipped else "passed"
            )
    except (OSError, ElementTree.ParseError):
        pass
    return completed, verdicts


def versions() -> dict[str, Any]:
    """Where and on what the figures were taken."""
    # Imported here: Home Assistant takes seconds to import, argument errors should not wait.
    from homeassistant.const import __version__ as ha_version

    manifest = json.loads(
        (REPO / "custom_components" / "minerva_iot" / "manifest.json").read_text()
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "custom_components", "simulators"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "integration_version": manifest.get("version"),
        "git_commit": commit or None,
        "uncommitted_changes_in_integration_or_simulators": bool(dirty),
        "home_assistant": ha_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(terse=True),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    """Run the parts, write results.json and RESULTS.md."""
    parser = argparse.ArgumentParser(prog="benchmarks/run")
    parser.add_argument("--smoke", action="store_true", help="tiny parameters (smoke test)")
    parser.add_argument(
        "--parts",
        default=",".join([*(part.key for part in PARTS), "tokens"]),
        help="comma-separated: ingest, ttlock, milesight, scale, tokens",
    )
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks", help="directory")
    args = parser.parse_args(argv)
    wanted = {key.strip() for key in args.parts.split(",") if key.strip()}
    known = {part.key for part in PARTS} | {"tokens"}
    if not wanted or wanted - known:
        parser.error(f"parts are: {', '.join(sorted(known))}")
    results: dict[str, Any] = {"run": {**versions(), "smoke": args.smoke}, "parts": {}}
    start = time.monotonic()
    for part in PARTS:
        if part.key in wanted:
            print(f"[benchmarks] {part.title} ...", flush=True)
            results["parts"][part.key] = {"title": part.title, **run_part(part, args.smoke)}
            print(f"[benchmarks]   {results['parts'][part.key]['wall_s']} s", flush=True)
    if "tokens" in wanted:
        print("[benchmarks] 5. Token single-flight (tests) ...", flush=True)
        results["parts"]["tokens"] = {
            "title": "5. Token single-flight: 100 concurrent callers, one token request",
            **run_token_tests(),
        }
    results["run"]["wall_s"] = round(time.monotonic() - start, 1)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.output / "RESULTS.md").write_text(render_results(results))
    failed = [key for key, part in results["parts"].items() if "error" in part]
    print(
        f"[benchmarks] wrote {args.output / 'results.json'} and {args.output / 'RESULTS.md'} "
        f"in {results['run']['wall_s']} s"
        + (f"; FAILED parts: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Fixtures of the reliability tests, and the summary of what they measured.

The figures (cases fuzzed, attacks refused, secrets found, leak checks) are printed at the end of
a run that is not split by xdist (`scripts/test`, `scripts/reliability`), and written to
`$MINERVA_RELIABILITY_RESULTS/<worker>.json` when that variable is set.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path
import secrets
import tempfile
from typing import Any

from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
from hypothesis.configuration import set_hypothesis_home_dir
import pytest

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .faults import (  # noqa: F401 (fixtures)
    SIMULATOR_HANG,
    backoff,
    local_dns,
    short_timeouts,
)
from .harness import ClientFactory, Poster
from .results import RESULTS, Results

EXTERNAL_URL = "https://ha.example.org"

# Hypothesis caches character tables in its home directory: not in the repository (pytest would
# warn about a `.hypothesis` directory there), and no example database is used anyway.
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "minerva-iot-hypothesis"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the measured figures (only the process that ran the tests has them)."""
    lines = RESULTS.summary_lines()
    if lines:
        terminalreporter.section("reliability")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Outcome and duration of each reliability test, for RELIABILITY.md."""
    if "tests/reliability/" not in report.nodeid:
        return
    entry = RESULTS.tests.setdefault(report.nodeid, {"outcome": "passed", "seconds": 0.0})
    entry["seconds"] = round(entry["seconds"] + report.duration, 2)
    if report.when == "call" and hasattr(report, "wasxfail"):
        entry["outcome"] = "xfailed" if report.skipped else "xpassed"
    elif report.failed:
        entry["outcome"] = "failed" if report.when == "call" else "error"
    elif report.skipped and not hasattr(report, "wasxfail"):
        entry["outcome"] = "skipped"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave the figures for scripts/reliability."""
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    RESULTS.write(worker)


@pytest.fixture
def results() -> Results:
    """Where the tests put what they measured."""
    return RESULTS


@pytest.fixture(autouse=True)
def allow_loopback_sockets(socket_enabled: None) -> None:
    """The simulators listen on 127.0.0.1."""


@pytest.fixture
async def external_url(hass: HomeAssistant) -> str:
    """An external URL, so that webhook URLs can be shown; diagnostics before HTTP starts."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    # The HTTP router freezes when the first client starts: components with views go first.
    assert await async_setup_component(hass, "diagnostics", {})
    return EXTERNAL_URL


@pytest.fixture
def poster(hass: HomeAssistant, hass_client_no_auth: ClientFactory) -> Poster:
    """POSTs to webhooks through Home Assistant's HTTP server, without authentication."""
    return Poster(hass, hass_client_no_auth)


@pytest.fixture
async def milesight_cloud() -> AsyncGenerator[MilesightSimulator]:
    """A running Milesight cloud with secrets of its own (recognisable if they leak)."""
    simulator = MilesightSimulator(
        seed=11,
        client_id=f"client-{secrets.token_hex(8)}",
        client_secret=f"cs-{secrets.token_urlsafe(24)}",
        webhook_secret=f"ws-{secrets.token_urlsafe(24)}",
        timeout_delay=SIMULATOR_HANG,
    )
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


@pytest.fixture
async def ttlock_cloud(hass: HomeAssistant, external_url: str) -> AsyncGenerator[TTLockSimulator]:
    """A running TTLock cloud, its application imported as Home Assistant's credential."""
    simulator = TTLockSimulator(
        client_id=f"tt-{secrets.token_hex(8)}",
        client_secret=f"tts-{secrets.token_urlsafe(24)}",
        username=f"owner-{secrets.token_hex(4)}@example.com",
        password=f"pw-{secrets.token_urlsafe(18)}",
        hang_seconds=SIMULATOR_HANG,
    )
    await simulator.start(host="127.0.0.1", port=0)
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass,
        DOMAIN,
        ClientCredential(simulator.client_id, simulator.client_secret, "TTLock app"),
        DOMAIN,
    )
    yield simulator
    await simulator.stop()

"""Session fixtures of the end-to-end suite: simulators, a real `hass` process and a logged-in client.

One Home Assistant process serves the whole session (starting one costs seconds); the modules run
in file order and build on each other (entries made by the flow tests are reused later), but each
fixture also creates what it needs when run alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
import shutil
from typing import Any

import aiohttp
import pytest

from .entries import wait_entry_state
from .hass_client import HomeAssistantClient
from .processes import (
    ROOT,
    HassProcess,
    ManagedProcess,
    free_port,
    start_simulator,
    write_config,
)
from .provision_demo import (
    TTLOCK_CLIENT_ID,
    TTLOCK_CLIENT_SECRET,
    TTLOCK_CREDENTIAL_NAME,
    ensure_entry,
    milesight_answers,
    ttlock_answers,
)

OWNER_USERNAME = "e2e-owner"
OWNER_PASSWORD = "e2e-password-123"


@dataclass(slots=True)
class Simulator:
    """One cloud simulator of the session."""

    process: ManagedProcess
    url: str


def simulator_missing(vendor: str) -> str | None:
    """Why a simulator cannot run, or None when its package is there."""
    if (ROOT / "simulators" / vendor / "__main__.py").exists():
        return None
    return f"the {vendor} simulator (python -m simulators.{vendor}) does not exist yet"


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scratch directory of the session (config dirs, process logs)."""
    return tmp_path_factory.mktemp("minerva-e2e")


def _simulator(vendor: str, log_dir: Path) -> Iterator[Simulator]:
    if (reason := simulator_missing(vendor)) is not None:
        pytest.skip(reason)
    port = free_port()
    process = start_simulator(vendor, port, log_dir)
    try:
        yield Simulator(process, f"http://127.0.0.1:{port}")
    finally:
        process.stop()


@pytest.fixture(scope="session")
def milesight_sim(e2e_dir: Path) -> Iterator[Simulator]:
    """The Milesight cloud simulator on a free loopback port."""
    yield from _simulator("milesight", e2e_dir)


@pytest.fixture(scope="session")
def ttlock_sim(e2e_dir: Path) -> Iterator[Simulator]:
    """The TTLock cloud simulator on a free loopback port."""
    yield from _simulator("ttlock", e2e_dir)


@pytest.fixture(scope="session")
def hass_process(e2e_dir: Path) -> Iterator[HassProcess]:
    """A real Home Assistant on a fresh config directory; its logs are scanned when it stops."""
    port = free_port()
    config_dir = e2e_dir / "hass-config"
    write_config(config_dir, port)
    hass = HassProcess(config_dir, port)
    hass.start()
    try:
        yield hass
    finally:
        hass.stop()
        keep = ROOT / "artifacts" / "e2e-logs"
        keep.mkdir(parents=True, exist_ok=True)
        for log in [*hass.log_files(), *e2e_dir.glob("simulator-*.log")]:
            shutil.copy(log, keep / log.name)


@pytest.fixture(scope="session")
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    """One HTTP session for the whole run (loopback only)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield session


@pytest.fixture(scope="session")
async def ha(
    hass_process: HassProcess, http_session: aiohttp.ClientSession
) -> AsyncIterator[HomeAssistantClient]:
    """A client logged in as the owner created through onboarding."""
    client = HomeAssistantClient(http_session, hass_process.url)
    steps = await client.onboarding_steps()
    if steps.get("user") is False:
        await client.onboard_owner("E2E Owner", OWNER_USERNAME, OWNER_PASSWORD)
    else:
        await client.login(OWNER_USERNAME, OWNER_PASSWORD)
    await client.finish_onboarding()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture(scope="session")
async def milesight_entry(
    ha: HomeAssistantClient, hass_process: HassProcess, milesight_sim: Simulator
) -> dict[str, Any]:
    """The Milesight entry (made by the flow test, or here with the happy path), loaded."""
    entry = await ensure_entry(
        ha, hass_process.config_dir, "milesight", milesight_answers(milesight_sim.url)
    )
    await wait_entry_state(ha, entry["entry_id"], "loaded")
    return entry


@pytest.fixture(scope="session")
async def ttlock_entry(
    ha: HomeAssistantClient, hass_process: HassProcess, ttlock_sim: Simulator
) -> dict[str, Any]:
    """The TTLock entry (made by the flow test, or here with the happy path), loaded."""
    credential = await ha.create_application_credential(
        TTLOCK_CLIENT_ID, TTLOCK_CLIENT_SECRET, TTLOCK_CREDENTIAL_NAME
    )
    entry = await ensure_entry(
        ha,
        hass_process.config_dir,
        "ttlock",
        ttlock_answers(ttlock_sim.url, credential["id"]),
    )
    await wait_entry_state(ha, entry["entry_id"], "loaded")
    return entry

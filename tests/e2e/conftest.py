"""Session fixtures of the end-to-end suite: simulators, a real `hass` process and a logged-in client.

One Home Assistant process serves the whole session (starting one costs seconds); the modules run
in file order and build on each other (entries made by the flow tests are reused later), but each
fixture also creates what it needs when run alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
import importlib.util
from pathlib import Path
import shutil

import aiohttp
import pytest

from .hass_client import HomeAssistantClient
from .processes import HassProcess, ManagedProcess, free_port, start_simulator, write_config

OWNER_USERNAME = "e2e-owner"
OWNER_PASSWORD = "e2e-password-123"  # noqa: S105 - throwaway instance on loopback


@dataclass(slots=True)
class Simulators:
    """Both cloud simulators of the session."""

    milesight: ManagedProcess
    milesight_url: str
    ttlock: ManagedProcess
    ttlock_url: str


def simulators_available() -> bool:
    """True when both simulator packages are importable."""
    return all(
        importlib.util.find_spec(f"simulators.{vendor}") is not None
        for vendor in ("milesight", "ttlock")
    )


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scratch directory of the session (config dirs, process logs)."""
    return tmp_path_factory.mktemp("minerva-e2e")


@pytest.fixture(scope="session")
def simulators(e2e_dir: Path) -> Iterator[Simulators]:
    """Both simulators on free loopback ports."""
    if not simulators_available():
        pytest.skip("the cloud simulators (simulators.milesight, simulators.ttlock) do not exist yet")
    milesight_port, ttlock_port = free_port(), free_port()
    milesight = start_simulator("milesight", milesight_port, e2e_dir)
    try:
        ttlock = start_simulator("ttlock", ttlock_port, e2e_dir)
    except Exception:
        milesight.stop()
        raise
    try:
        yield Simulators(
            milesight,
            f"http://127.0.0.1:{milesight_port}",
            ttlock,
            f"http://127.0.0.1:{ttlock_port}",
        )
    finally:
        ttlock.stop()
        milesight.stop()


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
        keep = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs"
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

"""The demo of scripts/develop: its configuration.yaml and its provisioning, on a fresh instance."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from .conftest import Simulator
from .entries import wait_entry_state
from .hass_client import HomeAssistantClient
from .log_scan import assert_clean_logs
from .processes import ROOT, HassProcess, free_port, link_integration, seed_onboarding
from .provision_demo import DEMO_PASSWORD, DEMO_USERNAME, entries_by_vendor, provision
from .wire import get_json, post_json

pytestmark = pytest.mark.asyncio(loop_scope="session")


def demo_config(target: Path, port: int) -> None:
    """config/configuration.yaml as scripts/develop uses it, moved to a free port."""
    target.mkdir(parents=True)
    yaml = (ROOT / "config" / "configuration.yaml").read_text()
    assert "8123" in yaml
    (target / "configuration.yaml").write_text(yaml.replace("8123", str(port)))
    link_integration(target)
    seed_onboarding(target)


async def test_demo_configuration_and_provisioning(
    e2e_dir: Path,
    http_session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    ttlock_sim: Simulator,
) -> None:
    """Owner, both entries and the simulators' pushes on the first run; reuse on the second."""
    port = free_port()
    config_dir = e2e_dir / "demo-config"
    demo_config(config_dir, port)
    hass = HassProcess(config_dir, port)
    hass.start()
    try:
        assert await provision(config_dir, hass.url, milesight_sim.url, ttlock_sim.url) == 0
        first = {
            vendor: entry["entry_id"] for vendor, entry in entries_by_vendor(config_dir).items()
        }
        assert set(first) == {"milesight", "ttlock"}

        assert await provision(config_dir, hass.url, milesight_sim.url, ttlock_sim.url) == 0
        second = {
            vendor: entry["entry_id"] for vendor, entry in entries_by_vendor(config_dir).items()
        }
        assert second == first, "a second run must reuse the entries"

        client = HomeAssistantClient(http_session, hass.url)
        await client.login(DEMO_USERNAME, DEMO_PASSWORD)  # the login the demo prints
        try:
            assert len(await client.config_entries()) == 2
            for entry_id in first.values():
                await wait_entry_state(client, entry_id, "loaded")
        finally:
            await client.close()

        # The simulator now pushes to the demo's Milesight webhook.
        devices = await get_json(http_session, f"{milesight_sim.url}/_sim/devices")
        reply = await post_json(
            http_session, f"{milesight_sim.url}/_sim/uplink", {"sn": devices[0]["sn"]}
        )
        assert reply["delivered_status"] == 200
    finally:
        hass.stop()
    assert_clean_logs(hass.log_files())

"""The demo of scripts/develop: its configuration.yaml and its provisioning, on a fresh instance."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from .conftest import Simulator
from .entries import wait_entry_state, wait_state
from .hass_client import HomeAssistantClient
from .log_scan import assert_clean_logs
from .processes import ROOT, HassProcess, free_port, link_integration, seed_onboarding
from .provision_demo import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    TTLOCK_USERNAME,
    entries_by_vendor,
    provision,
)
from .simulated_things import (
    milesight_cold_store,
    milesight_sensor,
    ttlock_lock_entity,
    ttlock_manual_lock,
    value_other_than,
    wait_lock_entity,
    wait_sim_lock,
)
from .wire import post_json

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
    """Owner, both entries and the simulators' pushes on the first run; reuse on the second.

    Then what a newcomer sees: a sensor value, a lock's state and who operated it reach Home
    Assistant, and the lock actions reach the cloud.
    """
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
            # What a newcomer then sees, with nothing pointed by hand: the provisioning alone
            # must have sent both simulators' pushes to the demo's webhooks.
            await _sensor_follows_the_cloud(client, http_session, milesight_sim, first["milesight"])
            await _lock_follows_the_cloud(client, http_session, ttlock_sim, first["ttlock"])
        finally:
            await client.close()
    finally:
        hass.stop()
    assert_clean_logs(hass.log_files())


async def _sensor_follows_the_cloud(
    ha: HomeAssistantClient,
    session: aiohttp.ClientSession,
    milesight_sim: Simulator,
    entry_id: str,
) -> None:
    """A simulator uplink shows up as the sensor's state (a 200 alone proves nothing: Home
    Assistant answers 200 for webhook ids nobody registered)."""
    device = await milesight_cold_store(session, milesight_sim.url)
    entity_id = await milesight_sensor(ha, entry_id, device, "temperature")
    current = await ha.state(entity_id)
    value = value_other_than(current["state"] if current else None)
    reply = await post_json(
        session,
        f"{milesight_sim.url}/_sim/uplink",
        {"sn": device["sn"], "data": {"temperature": value}},
    )
    assert reply["delivered_status"] == 200
    await wait_state(ha, entity_id, lambda s: s["state"] == str(value), f"{entity_id} = {value}")


async def _lock_follows_the_cloud(
    ha: HomeAssistantClient,
    session: aiohttp.ClientSession,
    ttlock_sim: Simulator,
    entry_id: str,
) -> None:
    """Operating the lock at the door moves the entity and names who did it; the lock and
    unlock actions move the lock in the cloud."""
    lock = await ttlock_manual_lock(session, ttlock_sim.url)
    entity_id = await ttlock_lock_entity(ha, entry_id, lock)

    operate = f"{ttlock_sim.url}/_sim/operate"
    await post_json(session, operate, {"lockId": lock["lockId"], "locked": False, "method": "card"})
    await wait_lock_entity(ha, entity_id, "unlocked", changed_by="Cleaner card")
    await post_json(
        session, operate, {"lockId": lock["lockId"], "locked": True, "method": "passcode"}
    )
    await wait_lock_entity(ha, entity_id, "locked", changed_by="Guest code")

    await ha.call_service("lock", "unlock", {"entity_id": entity_id})
    await wait_sim_lock(session, ttlock_sim.url, lock["lockId"], locked=False)
    # The cloud pushes the remote unlock back under the app account's name.
    await wait_lock_entity(ha, entity_id, "unlocked", changed_by=TTLOCK_USERNAME)
    await ha.call_service("lock", "lock", {"entity_id": entity_id})
    await wait_sim_lock(session, ttlock_sim.url, lock["lockId"], locked=True)
    await wait_lock_entity(ha, entity_id, "locked")

"""Snapshots of everything a Milesight entry shows: devices, entities, states, diagnostics.

They record today's behaviour, so a refactoring that changes what users see fails here. After an
intended change, regenerate with ``pytest --snapshot-update`` and review the diff.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory

# Diagnostics import hassio's models on first download; imported under a frozen clock their
# (mashumaro) date parsers would be built for freezegun's fake datetime class and fail.
import homeassistant.components.hassio  # noqa: F401
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from simulators.milesight import MilesightSimulator
from tests.plugins.snapshots import assert_diagnostics_match, assert_entry_matches

from .conftest import EXTERNAL_URL, Deliver, api_entry, setup_entry, webhook_entry

# A fixed clock: timestamps in states and diagnostics are part of the snapshot.
NOW = "2025-03-01T12:00:00+00:00"


@pytest.fixture(autouse=True)
async def frozen_clock(freezer: FrozenDateTimeFactory) -> None:
    """Set the clock before the simulator seeds its history (2 h and 30 min ago)."""
    freezer.move_to(NOW)


@pytest.fixture
async def diagnostics_ready(hass: HomeAssistant) -> None:
    """Diagnostics and an external URL set up before any HTTP client freezes the router."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    assert await async_setup_component(hass, "diagnostics", {})


async def deliver_each_device(sim: MilesightSimulator, deliver: Deliver) -> None:
    """One signed delivery with an uplink of every simulated device."""
    status, _ = await deliver([sim.uplink_event(device.sn) for device in sim.devices])
    assert status == 200


async def test_api_entry(
    diagnostics_ready: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: MilesightSimulator,
    deliver: Deliver,
    snapshot: SnapshotAssertion,
) -> None:
    """An API + webhook entry with the simulator's devices, after one uplink of each."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    await deliver_each_device(sim, deliver)
    assert_entry_matches(hass, entry.entry_id, snapshot)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert_diagnostics_match(diagnostics, entry.entry_id, snapshot)


async def test_webhook_only_entry(
    diagnostics_ready: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: MilesightSimulator,
    deliver: Deliver,
    snapshot: SnapshotAssertion,
) -> None:
    """A webhook-only entry: devices and entities come from the deliveries alone."""
    entry = webhook_entry()
    await setup_entry(hass, entry)
    await deliver_each_device(sim, deliver)
    assert_entry_matches(hass, entry.entry_id, snapshot)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert_diagnostics_match(diagnostics, entry.entry_id, snapshot)

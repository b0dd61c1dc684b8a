"""Snapshots of everything a TTLock entry shows: devices, entities, states, diagnostics.

They record today's behaviour, so a refactoring that changes what users see fails here. After an
intended change, regenerate with ``pytest --snapshot-update`` and review the diff.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory

# Diagnostics import hassio's models on first download; imported under a frozen clock their
# (mashumaro) date parsers would be built for freezegun's fake datetime class and fail.
import homeassistant.components.hassio  # noqa: F401
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from simulators.ttlock import TTLockSimulator
from tests.plugins.snapshots import assert_diagnostics_match, assert_entry_matches

from .conftest import FRONT_DOOR, PostCallback

# A fixed clock: timestamps in states and diagnostics are part of the snapshot.
NOW = "2025-03-01T12:00:00+00:00"
UNLOCK_WITH_PASSCODE = 4


@pytest.fixture(autouse=True)
async def frozen_clock(freezer: FrozenDateTimeFactory) -> None:
    """Set the clock before the simulator issues the entry's token."""
    freezer.move_to(NOW)


@pytest.fixture
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set up before any HTTP client starts (the router freezes then)."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_entry_with_locks_and_gateway(
    diagnostics_component: None,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    snapshot: SnapshotAssertion,
) -> None:
    """The simulator's two locks behind its gateway, after one pushed passcode unlock."""
    await post_callback(sim.build_callback(FRONT_DOOR, UNLOCK_WITH_PASSCODE, keyboardPwd="482913"))
    assert_entry_matches(hass, loaded_entry.entry_id, snapshot)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    assert_diagnostics_match(diagnostics, loaded_entry.entry_id, snapshot)

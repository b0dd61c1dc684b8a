"""Controls across a restart, and in the entry's diagnostics."""

from __future__ import annotations

from typing import Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from simulators.milesight import MilesightSimulator

from .conftest import Deliver
from .test_control import (
    GARAGE_DOOR,
    WS523,
    deliver_events,
    entity,
    setup_api,
    setup_with_interval_number,
)


@pytest.fixture
def milesight_sim_options() -> dict[str, Any]:
    """The field scenario (WS523 plug beside the classic devices)."""
    return {"seed": 5, "scenario": "field"}


async def test_controls_keep_their_state_across_a_restart(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Values are not stored: the state shown before the restart stays until the device
    reports (the garage door's stored uplinks do not hold its interval)."""
    mock_restore_cache(hass, [State("number.garage_door_reporting_interval", "15")])
    number = await setup_with_interval_number(hass, sim)
    assert number == "number.garage_door_reporting_interval"
    assert float(hass.states.get(number).state) == 15
    await deliver_events(deliver, [sim.uplink_event(GARAGE_DOOR, {"reporting_interval": 20})])
    assert float(hass.states.get(number).state) == 20


async def test_diagnostics_show_pending_writes(
    hass: HomeAssistant, sim: MilesightSimulator, hass_client: Any
) -> None:
    """A pending write is listed in the entry's diagnostics."""
    entry = await setup_api(hass, sim)
    switch = entity(hass, "switch", WS523, "socket_status")
    await hass.services.async_call("switch", "turn_off", {ATTR_ENTITY_ID: switch}, blocking=True)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    (write,) = diagnostics["api"]["pending_writes"]
    assert (write["sn"], write["key"], write["value"]) == (WS523, "socket_status", "off")

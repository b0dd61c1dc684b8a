"""What the flows tell the user: where the webhook URL is, what a refresh interval costs."""

from __future__ import annotations

from typing import Any

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.coordinator import estimated_daily_calls
from simulators.milesight import DEFAULT_WEBHOOK_SECRET, MilesightSimulator

from .conftest import EXTERNAL_URL, api_entry, setup_entry

FIELD = {"seed": 3, "scenario": "field"}


async def _webhook_only_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "milesight_webhook"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
    )
    return await hass.config_entries.flow.async_configure(result["flow_id"], {})


@pytest.mark.usefixtures("external_url")
async def test_the_created_entry_dialog_repeats_the_webhook_url(hass: HomeAssistant) -> None:
    """The closing dialog names the URL again and where to find it later."""
    result = await _webhook_only_flow(hass)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "milesight_webhook_url"
    url = result["description_placeholders"]["webhook_url"]
    assert url == f"{EXTERNAL_URL}/api/webhook/{result['data']['webhook_id']}"


async def test_without_a_public_url_the_dialog_says_where_it_will_be(
    hass: HomeAssistant,
) -> None:
    """No external URL and no cloud: the dialog is not silent, it says where the URL comes."""
    result = await _webhook_only_flow(hass)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "milesight_webhook_url_missing"
    assert not result["description_placeholders"]


async def _options(hass: HomeAssistant, sim: MilesightSimulator) -> dict[str, Any]:
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    return await hass.config_entries.options.async_init(entry.entry_id)


@pytest.mark.parametrize("milesight_sim_options", [FIELD])
async def test_options_show_the_cost_of_a_refresh(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """The form always says what a refresh costs for this application's devices."""
    result = await _options(hass, sim)
    devices = len(sim.devices)
    assert result["description_placeholders"] == {
        "minimum": "15",
        "calls_per_refresh": str(devices + 1),
        "devices": str(devices),
        "daily_budget": "1000",
    }


@pytest.mark.parametrize("milesight_sim_options", [FIELD])
async def test_an_interval_over_the_free_plan_warns_with_the_figures(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """16 devices every 15 minutes: 96 refreshes of 17 calls and 27 tokens a day, over 1,000.
    The user chooses another interval (30 minutes stays under) or keeps it."""
    result = await _options(hass, sim)
    flow_id = result["flow_id"]
    result = await hass.config_entries.options.async_configure(
        flow_id, {"seed_from_api": True, "refresh_minutes": 15}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "milesight_options_over_budget"
    assert result["description_placeholders"] == {
        "minutes": "15",
        "calls_per_day": str(96 * 17 + 27),
        "devices": "16",
        "daily_budget": "1000",
    }
    result = await hass.config_entries.options.async_configure(
        flow_id, {"next_step_id": "milesight_options"}
    )
    assert result["step_id"] == "milesight_options"
    assert estimated_daily_calls(16, 30) < 1000
    result = await hass.config_entries.options.async_configure(
        flow_id, {"seed_from_api": True, "refresh_minutes": 30}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"seed_from_api": True, "refresh_minutes": 30}
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("milesight_sim_options", [FIELD])
async def test_an_interval_over_the_free_plan_can_be_kept(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """A paid plan allows more: the warned interval is saved when the user keeps it."""
    result = await _options(hass, sim)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"seed_from_api": False, "refresh_minutes": 15}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "milesight_options_save"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"seed_from_api": False, "refresh_minutes": 15}
    await hass.async_block_till_done(wait_background_tasks=True)


def test_the_estimate_counts_pages_devices_and_tokens() -> None:
    """One search page per 100 devices, one history page per device, a token per ~55 min."""
    assert estimated_daily_calls(0, 1440) == 1 + 1
    assert estimated_daily_calls(250, 60) == 24 * (3 + 250) + 24
    assert estimated_daily_calls(10, 15) == 96 * 11 + 27

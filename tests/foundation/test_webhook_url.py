"""The public webhook URL survives every Nabu Casa cloudhook failure (flow, removal)."""

from __future__ import annotations

from unittest.mock import AsyncMock, patch

import aiohttp
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN

EXTERNAL_URL = "https://ha.example.org"

pytest.importorskip(
    "homeassistant.components.cloud",
    reason="the cloud component needs optional native libraries",
)

CLOUDHOOK_FAILURES = [
    pytest.param(ValueError("Cloud is not connected"), id="not-connected"),
    pytest.param(ValueError("Hook is already enabled for the cloud."), id="already-enabled"),
    pytest.param(TimeoutError(), id="timeout"),
    pytest.param(aiohttp.ClientError("502"), id="http-error"),
]


def _webhook_only_entry(hass: HomeAssistant, **data: str) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="webhook-only",
        data={"vendor": "milesight", "webhook_id": "abc123", "webhook_secret": "s3cret", **data},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def subscribed_cloud(hass: HomeAssistant) -> None:
    """A Nabu Casa subscription, and an external URL to fall back on."""
    await async_process_ha_core_config(hass, {"external_url": EXTERNAL_URL})
    hass.config.components.add("cloud")


@pytest.mark.usefixtures("subscribed_cloud")
@pytest.mark.parametrize("failure", CLOUDHOOK_FAILURES)
async def test_flow_falls_back_to_external_url(hass: HomeAssistant, failure: Exception) -> None:
    """A cloudhook that cannot be created never breaks the flow: the external URL is shown."""
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            AsyncMock(side_effect=failure),
        ),
    ):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": config_entries.SOURCE_USER}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "milesight_webhook"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"webhook_secret": "s3cret"}
        )
    webhook_url = result["description_placeholders"]["webhook_url"]
    assert webhook_url.startswith(f"{EXTERNAL_URL}/api/webhook/")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "cloudhook_url" not in result["data"]
    assert webhook_url.endswith(result["data"]["webhook_id"])


@pytest.mark.usefixtures("subscribed_cloud")
@pytest.mark.parametrize("failure", CLOUDHOOK_FAILURES)
async def test_removal_survives_cloudhook_deletion_failure(
    hass: HomeAssistant, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    """Removing an entry whose cloudhook the cloud cannot delete still removes the entry."""
    entry = _webhook_only_entry(hass, cloudhook_url="https://hooks.example.org/abc")
    delete = AsyncMock(side_effect=failure)
    with patch("homeassistant.components.cloud.async_delete_cloudhook", delete):
        result = await hass.config_entries.async_remove(entry.entry_id)
    assert result == {"require_restart": False}
    delete.assert_awaited_once_with(hass, "abc123")
    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    assert "Traceback" not in caplog.text
    assert "Error calling entry remove callback" not in caplog.text


@pytest.mark.usefixtures("subscribed_cloud")
async def test_entry_set_up_with_a_subscription_keeps_its_new_cloudhook(
    hass: HomeAssistant,
) -> None:
    """An entry made before the subscription gets a cloudhook at set-up, kept in entry.data."""
    entry = _webhook_only_entry(hass)
    create = AsyncMock(return_value="https://hooks.example.org/abc123")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch("homeassistant.components.cloud.async_create_cloudhook", create),
    ):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    create.assert_awaited_once_with(hass, "abc123")
    assert entry.data["cloudhook_url"] == "https://hooks.example.org/abc123"


async def test_removal_without_the_cloud_component_deletes_no_cloudhook(
    hass: HomeAssistant,
) -> None:
    """Nabu Casa not loaded (subscription ended, cloud removed): removal does not call it."""
    entry = _webhook_only_entry(hass, cloudhook_url="https://hooks.example.org/abc")
    delete = AsyncMock()
    with patch("homeassistant.components.cloud.async_delete_cloudhook", delete):
        await hass.config_entries.async_remove(entry.entry_id)
    delete.assert_not_awaited()
    assert hass.config_entries.async_get_entry(entry.entry_id) is None


@pytest.mark.parametrize(
    ("external_url", "offered"),
    [
        pytest.param("https://ha.example.org", True, id="https"),
        pytest.param("http://ha.example.org:8123", False, id="plain-http"),
        pytest.param("http://192.168.1.20:8123", False, id="plain-http-lan"),
        pytest.param("http://127.0.0.1:8123", True, id="loopback-simulator"),
        pytest.param("http://localhost:8123", True, id="localhost-simulator"),
    ],
)
async def test_only_https_external_urls_are_offered(
    hass: HomeAssistant, external_url: str, offered: bool
) -> None:
    """The clouds refuse plain-HTTP callbacks: such a URL leads to the "no public URL" step."""
    await async_process_ha_core_config(hass, {"external_url": external_url})
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "milesight_webhook"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": "s3cret"}
    )
    if offered:
        assert result["description_placeholders"]["webhook_url"].startswith(
            f"{external_url}/api/webhook/"
        )
    else:
        assert result["step_id"] == "milesight_finish_no_url"

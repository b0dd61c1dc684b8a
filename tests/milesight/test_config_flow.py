"""Config flow of the Milesight branch: API entry, webhook-only entry, reauth, reconfigure, options."""

from __future__ import annotations

from unittest.mock import AsyncMock, patch

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    MilesightSimulator,
)

from .conftest import EXTERNAL_URL, api_entry, setup_entry, webhook_entry


async def _start(hass: HomeAssistant, branch: str) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": branch}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == branch
    return str(result["flow_id"])


def _form(sim: MilesightSimulator, **overrides: str) -> dict[str, str]:
    return {
        "server_address": sim.url,
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "webhook_secret": DEFAULT_WEBHOOK_SECRET,
        **overrides,
    }


@pytest.mark.usefixtures("external_url")
async def test_api_entry_cleans_inputs_and_shows_webhook_url(
    hass: HomeAssistant, sim: MilesightSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pasted path and whitespace are cleaned, a real token + search validate, the URL is shown."""
    # Validation reads one page only, however many devices the Application has.
    monkeypatch.setattr(
        "custom_components.minerva_iot.milesight.validation.VALIDATION_PAGE_SIZE", 2
    )
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        _form(
            sim,
            server_address=f"{sim.url}/uc/account/api/",
            client_id=f" {DEFAULT_CLIENT_ID}\n",
            client_secret=f"{DEFAULT_CLIENT_SECRET[:5]} \n{DEFAULT_CLIENT_SECRET[5:]}",
            webhook_secret=f"{DEFAULT_WEBHOOK_SECRET}\n",
        ),
    )
    assert result["type"] is FlowResultType.FORM
    # The removed path is named only on this variant of the last step.
    assert result["step_id"] == "milesight_finish_path_dropped"
    placeholders = result["description_placeholders"]
    assert placeholders["dropped_path"] == "/uc/account/api"
    assert placeholders["server_address"] == sim.url
    assert placeholders["webhook_url"].startswith(f"{EXTERNAL_URL}/api/webhook/")
    assert sim.calls["oauth/token"] == 1
    assert sim.calls["device/search"] == 1

    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data["vendor"] == "milesight"
    assert data["server_address"] == sim.url
    assert data["client_id"] == DEFAULT_CLIENT_ID
    assert data["client_secret"] == DEFAULT_CLIENT_SECRET
    assert data["webhook_secret"] == DEFAULT_WEBHOOK_SECRET
    assert placeholders["webhook_url"].endswith(data["webhook_id"])
    assert result["result"].unique_id == DEFAULT_CLIENT_ID
    # The title tells two applications of one data center apart.
    assert result["title"] == f"Milesight {sim.url.split('://')[1]} ({DEFAULT_CLIENT_ID[:8]})"


@pytest.mark.usefixtures("external_url")
async def test_api_entry_without_pasted_path_shows_only_the_webhook_url(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Nothing was removed from the server address: the last step shows the URL only."""
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["step_id"] == "milesight_finish"
    assert list(result["description_placeholders"]) == ["webhook_url"]
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["server_address"] == sim.url


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"client_secret": "wrong"}, "base", "invalid_auth"),
        ({"server_address": "https://bad host"}, "server_address", "invalid_server_address"),
        ({"server_address": "http://127.0.0.1:1"}, "base", "cannot_connect"),
        ({"webhook_secret": "  "}, "webhook_secret", "webhook_secret_required"),
        ({"client_id": " "}, "base", "invalid_auth"),
    ],
)
async def test_api_errors_then_recovery(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    overrides: dict[str, str],
    field: str,
    error: str,
) -> None:
    """Each failure re-shows the form with its error; fixing the input creates the entry."""
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim, **overrides))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    # No external URL configured: the final step explains what is missing.
    assert result["step_id"] == "milesight_finish_no_url"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("kind", "error"), [("http500", "cannot_connect"), ("429", "milesight_rate_limited")]
)
async def test_api_cloud_failures(
    hass: HomeAssistant, sim: MilesightSimulator, kind: str, error: str
) -> None:
    """Server errors say "check the connection"; a quota says so instead."""
    flow_id = await _start(hass, "milesight")
    sim.fail_next(5, kind)
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["errors"] == {"base": error}


async def test_api_unexpected_errors(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """An error envelope or a crash become `unknown`."""
    from custom_components.minerva_iot.clients.milesight import MilesightResponseError

    flow_id = await _start(hass, "milesight")
    sim.fail_next(1, "error:403:ip_not_allowed", endpoint="device/search")
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["errors"] == {"base": "milesight_api_error"}
    assert (
        result["description_placeholders"]["error_detail"]
        == "ip_not_allowed: Simulated ip_not_allowed"
    )
    with patch(
        "custom_components.minerva_iot.milesight.validation.MilesightClient.async_search_devices_page",
        AsyncMock(side_effect=MilesightResponseError("no code")),
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["errors"] == {"base": "unknown"}
    with patch(
        "custom_components.minerva_iot.milesight.validation.MilesightClient.async_search_devices_page",
        AsyncMock(side_effect=RuntimeError("boom")),
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["errors"] == {"base": "unknown"}


async def test_api_duplicate_aborts(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """The same client id cannot be added twice; no API call is spent finding out."""
    api_entry(sim).add_to_hass(hass)
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(sim, client_id=f" {DEFAULT_CLIENT_ID}\n")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert sum(sim.calls.values()) == 0


@pytest.mark.usefixtures("external_url")
async def test_webhook_only_entry(hass: HomeAssistant) -> None:
    """Only the webhook secret is asked; it is required; duplicates abort."""
    flow_id = await _start(hass, "milesight_webhook")
    result = await hass.config_entries.flow.async_configure(flow_id, {"webhook_secret": " \n"})
    assert result["errors"] == {"webhook_secret": "webhook_secret_required"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"webhook_secret": f" {DEFAULT_WEBHOOK_SECRET} "}
    )
    assert result["step_id"] == "milesight_finish"
    # No server line for an entry without API access.
    assert list(result["description_placeholders"]) == ["webhook_url"]
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["webhook_secret"] == DEFAULT_WEBHOOK_SECRET
    assert result["title"] == f"Milesight webhook ({result['data']['webhook_id'][:8]})"
    assert "client_id" not in result["data"]
    assert DEFAULT_WEBHOOK_SECRET not in str(result["result"].unique_id)

    flow_id = await _start(hass, "milesight_webhook")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


def _require_cloud() -> None:
    try:
        from homeassistant.components import cloud  # noqa: F401
    except ImportError:  # the cloud component needs optional native libraries
        pytest.skip("homeassistant.components.cloud cannot be imported here")


async def test_cloudhook_url_is_created_and_stored(hass: HomeAssistant) -> None:
    """With a Nabu Casa subscription the flow shows (and the entry keeps) a cloudhook URL."""
    _require_cloud()
    hass.config.components.add("cloud")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            AsyncMock(return_value="https://hooks.nabu.casa/abc"),
        ),
    ):
        flow_id = await _start(hass, "milesight_webhook")
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
        )
    assert result["description_placeholders"]["webhook_url"] == "https://hooks.nabu.casa/abc"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["data"]["cloudhook_url"] == "https://hooks.nabu.casa/abc"


async def test_cloud_unavailable_falls_back(hass: HomeAssistant) -> None:
    """When the cloud cannot create a hook and there is no external URL, the flow says so."""
    _require_cloud()
    from homeassistant.components import cloud

    hass.config.components.add("cloud")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            AsyncMock(side_effect=cloud.CloudNotAvailable),
        ),
    ):
        flow_id = await _start(hass, "milesight_webhook")
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
        )
    assert result["step_id"] == "milesight_finish_no_url"


async def test_reauth(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """A regenerated client secret: wrong one refused, right one saved and the entry reloaded."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    sim.rotate_secret("new-secret")
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "milesight_reauth_confirm"
    assert result["description_placeholders"]["client_id"] == DEFAULT_CLIENT_ID
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"client_secret": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"client_secret": " new-secret\n"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["client_secret"] == "new-secret"
    # The reload the reauth scheduled runs now, not during the test's teardown.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_reauth_of_webhook_only_entry_aborts(hass: HomeAssistant) -> None:
    """Webhook-only entries have no credentials to renew."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "milesight_reauth_not_needed"


async def test_reconfigure_api_entry(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """Blank secrets keep the stored ones; errors re-show; another application aborts."""
    entry = api_entry(sim)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "milesight_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"server_address": "http://127.0.0.1:1", "client_id": DEFAULT_CLIENT_ID}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "server_address": f"{sim.url}/",
            "client_id": DEFAULT_CLIENT_ID,
            "webhook_secret": "rotated-webhook-secret",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data["webhook_secret"] == "rotated-webhook-secret"
    assert entry.data["client_secret"] == DEFAULT_CLIENT_SECRET

    other = MilesightSimulator(client_id="other-app", client_secret="other-secret")
    await other.start()
    try:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "server_address": other.url,
                "client_id": "other-app",
                "client_secret": "other-secret",
            },
        )
    finally:
        await other.stop()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "milesight_wrong_application"
    await hass.async_block_till_done()


async def test_reconfigure_webhook_only_entry(hass: HomeAssistant) -> None:
    """Only the webhook secret can change; the unique id follows it."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "milesight_reconfigure_webhook"
    assert list(result["data_schema"].schema) == ["webhook_secret"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": ""}
    )
    assert result["errors"] == {"webhook_secret": "webhook_secret_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": "new-webhook-secret"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data["webhook_secret"] == "new-webhook-secret"
    assert entry.unique_id != "webhook_test"


async def test_options(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """Seeding and the slow refresh; a too-short interval is refused; options reload the entry."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "milesight_options"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"seed_from_api": False, "refresh_minutes": 5}
    )
    assert result["errors"] == {"refresh_minutes": "milesight_refresh_too_short"}
    calls_before = sim.calls["device/search"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"seed_from_api": False, "refresh_minutes": 30}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options == {"seed_from_api": False, "refresh_minutes": 30}
    # The reload listed the devices again.
    assert sim.calls["device/search"] > calls_before


async def test_options_of_webhook_only_entry_abort(hass: HomeAssistant) -> None:
    """Without API there are no options."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "milesight_no_api_options"


async def test_other_vendor_entry_does_not_block_milesight(hass: HomeAssistant) -> None:
    """A TTLock entry (another unique id) does not make a Milesight entry a duplicate."""
    MockConfigEntry(domain=DOMAIN, unique_id="other", data={"vendor": "ttlock"}).add_to_hass(hass)
    flow_id = await _start(hass, "milesight_webhook")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
    )
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


@pytest.mark.usefixtures("external_url")
async def test_api_flow_upgrades_the_webhook_only_entry_of_the_same_application(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Same webhook secret: the webhook-only entry gains the API, keeping its webhook id."""
    entry = webhook_entry()
    await setup_entry(hass, entry)
    webhook_id = entry.data["webhook_id"]
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(flow_id, _form(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "milesight_upgraded_to_api"
    await hass.async_block_till_done()
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    assert entry.unique_id == DEFAULT_CLIENT_ID
    assert entry.data["client_id"] == DEFAULT_CLIENT_ID
    assert entry.data["webhook_id"] == webhook_id
    assert entry.title.startswith("Milesight 127.0.0.1")
    # Reloaded as an API entry: the device list came from the API.
    assert sim.calls["device/search"] > 0
    assert hass.states.get("sensor.cold_store_temperature") is not None


async def test_webhook_only_flow_aborts_when_an_api_entry_has_the_secret(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """The reverse: the Application already has an API entry receiving its deliveries."""
    api_entry(sim).add_to_hass(hass)
    flow_id = await _start(hass, "milesight_webhook")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_api_flow_aborts_when_another_api_entry_has_the_secret(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Another client id with the same webhook secret is the same Application: no API call."""
    api_entry(sim).add_to_hass(hass)
    flow_id = await _start(hass, "milesight")
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(sim, client_id="another-client")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert sum(sim.calls.values()) == 0


async def test_reconfigure_webhook_only_entry_to_another_entrys_secret_aborts(
    hass: HomeAssistant,
) -> None:
    """The new secret belongs to another entry: the unique id would collide."""
    entry = webhook_entry()
    entry.add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN,
        unique_id="webhook_other",
        data={"vendor": "milesight", "webhook_secret": "taken-secret", "webhook_id": "other"},
    ).add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": "taken-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data["webhook_secret"] == DEFAULT_WEBHOOK_SECRET
    # Its own secret again is no collision.
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_abandoned_flow_deletes_its_cloudhook(hass: HomeAssistant) -> None:
    """Closing the dialog after the URL was shown leaves no cloudhook behind."""
    _require_cloud()
    hass.config.components.add("cloud")
    delete = AsyncMock()
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            AsyncMock(return_value="https://hooks.nabu.casa/abc"),
        ),
        patch("homeassistant.components.cloud.async_delete_cloudhook", delete),
    ):
        flow_id = await _start(hass, "milesight_webhook")
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
        )
        assert result["step_id"] == "milesight_finish"
        hass.config_entries.flow.async_abort(flow_id)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert delete.await_count == 1
        # A flow that created its entry keeps the cloudhook.
        flow_id = await _start(hass, "milesight_webhook")
        await hass.config_entries.flow.async_configure(flow_id, {"webhook_secret": "other-secret"})
        result = await hass.config_entries.flow.async_configure(flow_id, {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done(wait_background_tasks=True)
        assert delete.await_count == 1


async def test_abandoned_flow_survives_cloudhook_deletion_errors(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The cloud refusing the deletion (hook already gone) is no error for the user."""
    _require_cloud()
    hass.config.components.add("cloud")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch(
            "homeassistant.components.cloud.async_create_cloudhook",
            AsyncMock(return_value="https://hooks.nabu.casa/abc"),
        ),
        patch(
            "homeassistant.components.cloud.async_delete_cloudhook",
            AsyncMock(side_effect=ValueError("Hook is not enabled for the cloud.")),
        ),
    ):
        flow_id = await _start(hass, "milesight_webhook")
        await hass.config_entries.flow.async_configure(
            flow_id, {"webhook_secret": DEFAULT_WEBHOOK_SECRET}
        )
        hass.config_entries.flow.async_abort(flow_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert "Traceback" not in caplog.text
    assert "Nabu Casa cloudhook not deleted" in caplog.text

"""TTLock branch of the config flow: credential, app login, errors, reauth, reconfigure, options."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.clients.ttlock import (
    TTLockAppNotApprovedError,
    TTLockClockSkewError,
    TTLockError,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.auth import ImplementationUnavailableError
from simulators.ttlock import (
    DEFAULT_PASSWORD,
    DEFAULT_UID,
    DEFAULT_USERNAME,
    TTLockSimulator,
)

from .conftest import WEBHOOK_ID, entry_data

GRANT = "custom_components.minerva_iot.ttlock.auth.async_password_grant"
SETUP = "custom_components.minerva_iot.async_setup_entry"


def login(sim: TTLockSimulator, **overrides: Any) -> dict[str, Any]:
    """The login form's input for the simulator account."""
    return {
        "region": "eu",
        "username": DEFAULT_USERNAME,
        "password": DEFAULT_PASSWORD,
        "api_url": sim.url,
        **overrides,
    }


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "ttlock"}
    )
    return dict(result)


@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_full_flow_with_error_and_recovery(hass: HomeAssistant, sim: TTLockSimulator) -> None:
    """A wrong password shows invalid_auth in the form; the right one creates the entry."""
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "ttlock_login"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim, password="wrong")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEFAULT_USERNAME
    entry = result["result"]
    assert entry.unique_id == str(DEFAULT_UID)
    data = entry.data
    assert data["vendor"] == "ttlock"
    assert data["auth_implementation"] == DOMAIN
    assert data["region"] == "eu"
    assert data["api_url"] == sim.url
    assert data["webhook_id"]
    assert data["token"]["api_host"] == sim.url
    assert data["token"]["uid"] == DEFAULT_UID
    assert data["token"]["expires_at"] > 0
    assert DEFAULT_PASSWORD not in str(data)
    # The simulator saw the MD5 of the password, never the plaintext.
    assert sim.calls["oauth2/token"] == 2


@pytest.mark.usefixtures("credential")
async def test_pick_implementation_without_request(
    hass: HomeAssistant, sim: TTLockSimulator
) -> None:
    """Outside a browser request the credential is picked in a form first."""
    result = await _start(hass)
    assert result["step_id"] == "pick_implementation"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"implementation": DOMAIN}
    )
    assert result["step_id"] == "ttlock_login"


@pytest.mark.usefixtures("current_request_with_host")
async def test_missing_credentials(hass: HomeAssistant) -> None:
    """Without an application credential the flow aborts so the frontend can ask for one."""
    assert await async_setup_component(hass, "application_credentials", {})
    result = await _start(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "missing_credentials"


@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_invalid_client_and_connection_errors(
    hass: HomeAssistant, sim: TTLockSimulator
) -> None:
    """Wrong application secret → invalid_client; unreachable cloud → cannot_connect."""
    sim.client_secret = "another-secret"
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["errors"] == {"base": "invalid_client"}

    sim.fail_next(1, "http500")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TTLockClockSkewError(errcode=80000, errmsg="date"), "clock_skew"),
        (
            TTLockAppNotApprovedError(errcode=10006, errmsg="not approved"),
            "app_not_approved",
        ),
        (TTLockError(errcode=-1, errmsg="odd"), "unknown"),
        (RuntimeError("bug"), "unknown"),
    ],
)
@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_other_login_errors(
    hass: HomeAssistant, sim: TTLockSimulator, error: Exception, expected: str
) -> None:
    """Every refusal is shown in the form, and the form still works afterwards."""
    result = await _start(hass)
    with patch(GRANT, side_effect=error):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": expected}
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("current_request_with_host")
async def test_duplicate_account_aborts(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """The TTLock uid is the unique id: the same account cannot be added twice."""
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("current_request_with_host")
async def test_second_account_shares_the_webhook(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """Another account of the same TTLock application reuses the application's webhook id."""
    hass.config_entries.async_update_entry(entry, unique_id="999")
    result = await _start(hass)
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].data["webhook_id"] == WEBHOOK_ID


async def test_reauth_keeps_the_entry(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """Reauth asks for the password, shows errors, then updates the token of the same entry."""
    old_token = entry.data["token"]["access_token"]
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "ttlock_reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": DEFAULT_USERNAME, "password": "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
        )
        # The reload the flow schedules must run while set-up is still patched.
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["token"]["access_token"] != old_token
    assert entry.data["webhook_id"] == WEBHOOK_ID
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_reauth_with_another_account_aborts(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """Logging in as somebody else must not take over the entry."""
    hass.config_entries.async_update_entry(entry, unique_id="999")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reauth_without_credential(
    hass: HomeAssistant, sim: TTLockSimulator, credential: None
) -> None:
    """The entry's application credential was deleted: the form says to add it again."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(DEFAULT_UID),
        data=entry_data(sim, auth_implementation="deleted"),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    )
    assert result["errors"] == {"base": "ttlock_credential_missing"}


async def test_reauth_while_the_credential_provider_is_down(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """HA ≥ 2025.12 reports a credential provider that is down: try again, not "fix it"."""
    result = await entry.start_reauth_flow(hass)
    with patch(
        "homeassistant.helpers.config_entry_oauth2_flow.async_get_config_entry_implementation",
        side_effect=ImplementationUnavailableError,
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_reconfigure_changes_the_api_url(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """Reconfigure logs in at the new address and keeps the entry."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, "api_url": None})
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "ttlock_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], login(sim, password="wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
        # The reload the flow schedules must run while set-up is still patched.
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["api_url"] == sim.url
    assert entry.data["token"]["api_host"] == sim.url


async def test_reconfigure_without_credential(
    hass: HomeAssistant, sim: TTLockSimulator, credential: None
) -> None:
    """Reconfiguring an entry whose application credential was deleted says to add it again."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=str(DEFAULT_UID),
        data=entry_data(sim, auth_implementation="deleted"),
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["errors"] == {"base": "ttlock_credential_missing"}


async def test_reconfigure_with_another_account_aborts(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator
) -> None:
    """The login must still be the entry's account."""
    hass.config_entries.async_update_entry(entry, unique_id="999")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], login(sim))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def _account_options(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """The options flow, at the account's settings (menu: account or a lock)."""
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.options.async_init(entry.entry_id)
        assert result["type"] is FlowResultType.MENU
        assert result["step_id"] == "ttlock_options_menu"
        assert result["menu_options"] == ["ttlock_options", "ttlock_lock_pick"]
        return await hass.config_entries.options.async_configure(
            result["flow_id"], {"next_step_id": "ttlock_options"}
        )


async def test_options_flow(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Options start at init and continue to the TTLock menu, then the account's step."""
    result = await _account_options(hass, entry)
    assert result["step_id"] == "ttlock_options"
    # The form offers the defaults; the lock-waking re-check is off unless the user opts in.
    defaults = {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }
    assert defaults == {"poll_minutes": 60, "slow_hours": 6, "safety_recheck": False}
    with patch(SETUP, return_value=True):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"],
            {"poll_minutes": 60, "slow_hours": 12, "safety_recheck": True},
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"poll_minutes": 60, "slow_hours": 12, "safety_recheck": True}

    # Reopened, the form shows the saved choice instead of the default.
    result = await _account_options(hass, entry)
    saved = {
        str(key): key.default() for key in result["data_schema"].schema if callable(key.default)
    }
    assert saved["safety_recheck"] is True

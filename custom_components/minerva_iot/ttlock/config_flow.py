"""TTLock steps of the config flow: application credential, app login, reauth, reconfigure.

TTLock has no browser authorisation, so the OAuth2 base flow's `auth` step is replaced by a form
(region, app username, password, optional API URL) that performs the password grant itself and
shows errors in place instead of aborting. The options flow is in options_flow.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

import aiohttp
from homeassistant.config_entries import SOURCE_REAUTH, ConfigFlowResult
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from custom_components.minerva_iot.clients.ttlock import (
    TTLockAppNotApprovedError,
    TTLockClockSkewError,
    TTLockError,
    TTLockInvalidClientError,
    TTLockInvalidGrantError,
    TTLockTransientError,
)
from custom_components.minerva_iot.const import CONF_VENDOR, CONF_WEBHOOK_ID, VENDOR_TTLOCK

from .auth import ImplementationUnavailableError, TTLockAuthImplementation, api_host_for
from .const import (
    CONF_API_URL,
    CONF_REGION,
    CONF_USERNAME,
    DEFAULT_REGION,
    REGIONS,
)
from .webhook import async_shared_webhook_id

_LOGGER = logging.getLogger(__name__)

_PASSWORD = "password"
_REGION_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=list(REGIONS), translation_key="ttlock_region", mode=SelectSelectorMode.LIST
    )
)
_USERNAME_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="username"))
_PASSWORD_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _login_schema(defaults: dict[str, Any]) -> vol.Schema:
    """Region, username, password, optional API URL (pre-filled from `defaults`, never the password)."""
    api_url = defaults.get(CONF_API_URL)
    return vol.Schema(
        {
            vol.Required(CONF_REGION, default=defaults.get(CONF_REGION, DEFAULT_REGION)): (
                _REGION_SELECTOR
            ),
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, "")): (
                _USERNAME_SELECTOR
            ),
            vol.Required(_PASSWORD): _PASSWORD_SELECTOR,
            vol.Optional(
                CONF_API_URL, description={"suggested_value": api_url} if api_url else None
            ): _URL_SELECTOR,
        }
    )


def _reauth_schema(username: str) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_USERNAME, default=username): _USERNAME_SELECTOR,
            vol.Required(_PASSWORD): _PASSWORD_SELECTOR,
        }
    )


class TTLockFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Steps `ttlock` (application credential, then app login), reauth, reconfigure."""

    async def async_step_ttlock(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the application credential, then log in with the TTLock app account."""
        return await self.async_step_pick_implementation()

    async def async_step_auth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Replace the browser redirect of the OAuth2 base flow by the app-login form."""
        return await self.async_step_ttlock_login()

    async def async_step_ttlock_login(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Region, TTLock app username and password, optional API URL."""
        errors: dict[str, str] = {}
        if user_input is not None:
            token, errors = await self._async_login(user_input)
            if token is not None:
                return await self._async_create_ttlock_entry(user_input, token)
        return self.async_show_form(
            step_id="ttlock_login",
            data_schema=_login_schema(user_input or {}),
            errors=errors,
        )

    async def async_step_ttlock_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Ask for the app password again; the entry, its devices and history stay."""
        return await self.async_step_ttlock_reauth_confirm()

    async def async_step_ttlock_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Username (pre-filled) and password of the same TTLock app account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            login = {**entry.data, **user_input}
            token, errors = await self._async_login(login)
            if token is not None:
                return await self._async_update_ttlock_entry(
                    login, token, reason="reauth_successful"
                )
        return self.async_show_form(
            step_id="ttlock_reauth_confirm",
            data_schema=_reauth_schema(entry.data.get(CONF_USERNAME, "")),
            errors=errors,
            description_placeholders={"account": entry.title},
        )

    async def async_step_ttlock_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change region or API URL; the login proves the account is still the same."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            login = {CONF_API_URL: None, **user_input}
            token, errors = await self._async_login(login)
            if token is not None:
                return await self._async_update_ttlock_entry(
                    login, token, reason="reconfigure_successful"
                )
        return self.async_show_form(
            step_id="ttlock_reconfigure",
            data_schema=_login_schema(user_input or dict(entry.data)),
            errors=errors,
        )

    async def _async_ensure_implementation(self) -> TTLockAuthImplementation:
        """The implementation of the entry being reauthenticated or reconfigured."""
        if cast(Any, self.flow_impl) is None:
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            self.flow_impl = await config_entry_oauth2_flow.async_get_config_entry_implementation(
                self.hass, entry
            )
        return cast(TTLockAuthImplementation, self.flow_impl)

    async def _async_login(
        self, user_input: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """Run the password grant; return the token or the form errors."""
        try:
            implementation = await self._async_ensure_implementation()
        except ImplementationUnavailableError:
            # HA >= 2025.12: the credential's provider is down for now; trying later may work.
            return None, {"base": "cannot_connect"}
        except ValueError:
            # The application credential the entry used was deleted.
            return None, {"base": "ttlock_credential_missing"}
        host = api_host_for(user_input[CONF_REGION], user_input.get(CONF_API_URL))
        try:
            token = await implementation.async_password_login(
                host, user_input[CONF_USERNAME], user_input[_PASSWORD]
            )
        except TTLockInvalidGrantError:
            return None, {"base": "invalid_auth"}
        except TTLockInvalidClientError:
            return None, {"base": "invalid_client"}
        except TTLockAppNotApprovedError:
            return None, {"base": "app_not_approved"}
        except TTLockClockSkewError:
            return None, {"base": "clock_skew"}
        except (TTLockTransientError, aiohttp.ClientError, TimeoutError):
            return None, {"base": "cannot_connect"}
        except TTLockError as err:
            _LOGGER.warning("TTLock refused the login: errcode %s", err.errcode)
            return None, {"base": "unknown"}
        except Exception:
            _LOGGER.exception("Unexpected error during the TTLock login")
            return None, {"base": "unknown"}
        token["expires_at"] = time.time() + token["expires_in"]
        return token, {}

    def _entry_data(self, login: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
        """Entry data minus the vendor and webhook: the password is never stored."""
        return {
            "auth_implementation": self.flow_impl.domain,
            "token": token,
            CONF_REGION: login[CONF_REGION],
            CONF_API_URL: login.get(CONF_API_URL) or None,
            CONF_USERNAME: login[CONF_USERNAME],
        }

    async def _async_create_ttlock_entry(
        self, login: dict[str, Any], token: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(str(token["uid"]))
        self._abort_if_unique_id_configured(error="already_configured")
        implementation = cast(TTLockAuthImplementation, self.flow_impl)
        webhook_id = await async_shared_webhook_id(self.hass, implementation.client_id)
        return self.async_create_entry(
            title=login[CONF_USERNAME],
            data={
                CONF_VENDOR: VENDOR_TTLOCK,
                **self._entry_data(login, token),
                CONF_WEBHOOK_ID: webhook_id,
            },
        )

    async def _async_update_ttlock_entry(
        self, login: dict[str, Any], token: dict[str, Any], *, reason: str
    ) -> ConfigFlowResult:
        entry = (
            self._get_reauth_entry()
            if self.source == SOURCE_REAUTH
            else self._get_reconfigure_entry()
        )
        await self.async_set_unique_id(str(token["uid"]))
        self._abort_if_unique_id_mismatch(reason="wrong_account")
        return self.async_update_reload_and_abort(
            entry, data_updates=self._entry_data(login, token), reason=reason
        )

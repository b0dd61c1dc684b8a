"""Milesight steps of the config flow, reauth and reconfigure (options: options_flow.py).

Decision: the webhook secret is REQUIRED on every entry. MDP shows a secret on every
Application and signs every delivery with it; accepting unsigned pushes would let anyone who
learns the URL write sensor values, so an entry without a secret would be useless by design.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigFlowResult
from homeassistant.core import callback
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from custom_components.minerva_iot.clients.milesight import clean_credential
from custom_components.minerva_iot.const import (
    CONF_CLOUDHOOK_URL,
    CONF_VENDOR,
    CONF_WEBHOOK_ID,
    DOMAIN,
    VENDOR_MILESIGHT,
)
from custom_components.minerva_iot.webhook_url import (
    async_delete_cloudhook,
    async_resolve_public_url,
)

from .const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_SERVER_ADDRESS,
    CONF_WEBHOOK_SECRET,
)
from .options_flow import MilesightOptionsFlow
from .validation import (
    ValidationError,
    async_validate_api,
    clean_webhook_secret,
    webhook_only_unique_id,
)

# The options flow is re-exported: the domain's flow handler takes both from here.
__all__ = ["MilesightFlowMixin", "MilesightOptionsFlow"]

_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_TEXT = TextSelector(TextSelectorConfig(type=TextSelectorType.TEXT))
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

STEP_FINISH = "milesight_finish"
# Same instructions, plus which part of the pasted server address was removed.
STEP_FINISH_PATH_DROPPED = "milesight_finish_path_dropped"
STEP_FINISH_NO_URL = "milesight_finish_no_url"
STEP_RECONFIGURE_WEBHOOK = "milesight_reconfigure_webhook"
# Characters of the client id / webhook id in entry titles: tells applications apart.
_TITLE_ID_CHARS = 8


def _api_schema(defaults: dict[str, Any], *, secrets_optional: bool = False) -> vol.Schema:
    secret_key = vol.Optional if secrets_optional else vol.Required
    return vol.Schema(
        {
            vol.Required(
                CONF_SERVER_ADDRESS, default=defaults.get(CONF_SERVER_ADDRESS, vol.UNDEFINED)
            ): _URL,
            vol.Required(
                CONF_CLIENT_ID, default=defaults.get(CONF_CLIENT_ID, vol.UNDEFINED)
            ): _TEXT,
            secret_key(CONF_CLIENT_SECRET): _PASSWORD,
            secret_key(CONF_WEBHOOK_SECRET): _PASSWORD,
        }
    )


def _webhook_schema(*, optional: bool = False) -> vol.Schema:
    key = vol.Optional if optional else vol.Required
    return vol.Schema({key(CONF_WEBHOOK_SECRET): _PASSWORD})


class MilesightFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Steps `milesight`, `milesight_webhook`, reauth, reconfigure."""

    _milesight_entry: dict[str, Any]
    _milesight_title: str
    _milesight_dropped_path: str = ""
    _milesight_webhook_url: str | None = None

    async def async_step_milesight(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Milesight application with API credentials and webhook."""
        errors: dict[str, str] = {}
        placeholders = {"error_detail": ""}
        if user_input is not None:
            if client_id := clean_credential(user_input[CONF_CLIENT_ID]):
                # Before any API call: adding a known Application again must not spend its quota.
                await self.async_set_unique_id(client_id)
                self._abort_if_unique_id_configured()
            try:
                secret = clean_webhook_secret(user_input.get(CONF_WEBHOOK_SECRET, ""))
                # The Application may already be set up webhook-only: same devices, same
                # entity ids, so that entry is upgraded instead of a second one colliding.
                same_application = self._milesight_entry_with_secret(secret)
                if same_application is not None and CONF_CLIENT_ID in same_application.data:
                    return self.async_abort(reason="already_configured")
                api = await async_validate_api(
                    self.hass,
                    user_input[CONF_SERVER_ADDRESS],
                    user_input[CONF_CLIENT_ID],
                    user_input[CONF_CLIENT_SECRET],
                )
            except ValidationError as err:
                errors[err.field] = err.error
                placeholders["error_detail"] = err.detail
            else:
                host = api.server_address.split("://", 1)[1]
                title = f"Milesight {host} ({api.client_id[:_TITLE_ID_CHARS]})"
                if same_application is not None:
                    # A webhook-only entry. Its webhook id stays: the URL in MDP keeps working.
                    return self.async_update_reload_and_abort(
                        same_application,
                        unique_id=api.client_id,
                        title=title,
                        data_updates={
                            CONF_SERVER_ADDRESS: api.server_address,
                            CONF_CLIENT_ID: api.client_id,
                            CONF_CLIENT_SECRET: api.client_secret,
                        },
                        reason="milesight_upgraded_to_api",
                    )
                self._milesight_dropped_path = api.dropped_path
                self._milesight_title = title
                self._milesight_entry = {
                    CONF_VENDOR: VENDOR_MILESIGHT,
                    CONF_SERVER_ADDRESS: api.server_address,
                    CONF_CLIENT_ID: api.client_id,
                    CONF_CLIENT_SECRET: api.client_secret,
                    CONF_WEBHOOK_SECRET: secret,
                    CONF_WEBHOOK_ID: webhook.async_generate_id(),
                }
                return await self._async_step_milesight_show_url()
        return self.async_show_form(
            step_id="milesight",
            data_schema=self.add_suggested_values_to_schema(
                _api_schema({}), _without_secrets(user_input)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_milesight_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Milesight webhook only: no API credentials, entities come from the pushes."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                secret = clean_webhook_secret(user_input.get(CONF_WEBHOOK_SECRET, ""))
            except ValidationError as err:
                errors[err.field] = err.error
            else:
                await self.async_set_unique_id(webhook_only_unique_id(secret))
                self._abort_if_unique_id_configured()
                if self._milesight_entry_with_secret(secret) is not None:
                    # An API entry of the same Application already receives its deliveries.
                    return self.async_abort(reason="already_configured")
                webhook_id = webhook.async_generate_id()
                self._milesight_title = f"Milesight webhook ({webhook_id[:_TITLE_ID_CHARS]})"
                self._milesight_entry = {
                    CONF_VENDOR: VENDOR_MILESIGHT,
                    CONF_WEBHOOK_SECRET: secret,
                    CONF_WEBHOOK_ID: webhook_id,
                }
                return await self._async_step_milesight_show_url()
        return self.async_show_form(
            step_id="milesight_webhook", data_schema=_webhook_schema(), errors=errors
        )

    def _milesight_entry_with_secret(
        self, secret: str, *, other_than: ConfigEntry | None = None
    ) -> ConfigEntry | None:
        """The Milesight entry that already uses this webhook secret (i.e. this Application)."""
        return next(
            (
                entry
                for entry in self._async_current_entries(include_ignore=False)
                if entry is not other_than
                and entry.data.get(CONF_VENDOR) == VENDOR_MILESIGHT
                and entry.data.get(CONF_WEBHOOK_SECRET) == secret
            ),
            None,
        )

    @callback
    def async_remove(self) -> None:
        """Closed without creating the entry: delete the cloudhook made for it."""
        super().async_remove()
        entry_data: dict[str, Any] = getattr(self, "_milesight_entry", {})
        if CONF_CLOUDHOOK_URL not in entry_data:
            return
        webhook_id: str = entry_data[CONF_WEBHOOK_ID]
        if any(
            entry.data.get(CONF_WEBHOOK_ID) == webhook_id
            for entry in self.hass.config_entries.async_entries(DOMAIN)
        ):
            return  # the entry was created: it owns the cloudhook now
        self.hass.async_create_background_task(
            async_delete_cloudhook(self.hass, webhook_id),
            "minerva_iot milesight cloudhook of an abandoned flow",
        )

    async def _async_step_milesight_show_url(self) -> ConfigFlowResult:
        """Tell the user which URL to paste into the Application's webhook settings."""
        url, cloudhook_url = await async_resolve_public_url(
            self.hass, self._milesight_entry[CONF_WEBHOOK_ID]
        )
        if cloudhook_url:
            # webhook_url.py reuses (and on removal deletes) the stored cloudhook.
            self._milesight_entry[CONF_CLOUDHOOK_URL] = cloudhook_url
        self._milesight_webhook_url = url
        if url is None:
            return self.async_show_form(step_id=STEP_FINISH_NO_URL)
        if self._milesight_dropped_path:
            return self.async_show_form(
                step_id=STEP_FINISH_PATH_DROPPED,
                description_placeholders={
                    "webhook_url": url,
                    "server_address": self._milesight_entry[CONF_SERVER_ADDRESS],
                    "dropped_path": self._milesight_dropped_path,
                },
            )
        return self.async_show_form(
            step_id=STEP_FINISH, description_placeholders={"webhook_url": url}
        )

    async def async_step_milesight_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry once the user has read the webhook instructions.

        The closing dialog says once more where the URL is: shown there, and in a repair issue
        until MDP's first delivery (once Home Assistant has a public URL, if it has none yet).
        """
        if self._milesight_webhook_url is None:
            return self.async_create_entry(
                title=self._milesight_title,
                data=self._milesight_entry,
                description="milesight_webhook_url_missing",
            )
        return self.async_create_entry(
            title=self._milesight_title,
            data=self._milesight_entry,
            description="milesight_webhook_url",
            description_placeholders={"webhook_url": self._milesight_webhook_url},
        )

    async def async_step_milesight_finish_path_dropped(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry (the user was told which part of the address was removed)."""
        return await self.async_step_milesight_finish(user_input)

    async def async_step_milesight_finish_no_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry; a repair issue keeps asking for an external URL."""
        return await self.async_step_milesight_finish(user_input)

    async def async_step_milesight_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Ask for a new client secret (the old one was regenerated or revoked)."""
        return await self.async_step_milesight_reauth_confirm()

    async def async_step_milesight_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Validate the new client secret with the entry's server and client id."""
        entry = self._get_reauth_entry()
        if CONF_CLIENT_ID not in entry.data:
            return self.async_abort(reason="milesight_reauth_not_needed")
        errors: dict[str, str] = {}
        placeholders = {"client_id": entry.data[CONF_CLIENT_ID], "error_detail": ""}
        if user_input is not None:
            try:
                api = await async_validate_api(
                    self.hass,
                    entry.data[CONF_SERVER_ADDRESS],
                    entry.data[CONF_CLIENT_ID],
                    user_input[CONF_CLIENT_SECRET],
                )
            except ValidationError as err:
                errors[err.field] = err.error
                placeholders["error_detail"] = err.detail
            else:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_CLIENT_SECRET: api.client_secret}
                )
        return self.async_show_form(
            step_id="milesight_reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_CLIENT_SECRET): _PASSWORD}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_milesight_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change server, credentials, webhook secret (blank secrets keep the stored ones)."""
        entry = self._get_reconfigure_entry()
        if CONF_CLIENT_ID not in entry.data:
            return await self._async_reconfigure_webhook_only(user_input)
        errors: dict[str, str] = {}
        placeholders = {"error_detail": ""}
        if user_input is not None:
            try:
                secret = clean_webhook_secret(
                    user_input.get(CONF_WEBHOOK_SECRET) or entry.data[CONF_WEBHOOK_SECRET]
                )
                api = await async_validate_api(
                    self.hass,
                    user_input[CONF_SERVER_ADDRESS],
                    user_input[CONF_CLIENT_ID],
                    user_input.get(CONF_CLIENT_SECRET) or entry.data[CONF_CLIENT_SECRET],
                )
            except ValidationError as err:
                errors[err.field] = err.error
                placeholders["error_detail"] = err.detail
            else:
                await self.async_set_unique_id(api.client_id)
                self._abort_if_unique_id_mismatch(reason="milesight_wrong_application")
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_SERVER_ADDRESS: api.server_address,
                        CONF_CLIENT_SECRET: api.client_secret,
                        CONF_WEBHOOK_SECRET: secret,
                    },
                )
        defaults = {**entry.data, **_without_secrets(user_input)}
        return self.async_show_form(
            step_id="milesight_reconfigure",
            data_schema=_api_schema(defaults, secrets_optional=True),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_milesight_reconfigure_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the webhook secret of a webhook-only entry (it has nothing else to change)."""
        return await self._async_reconfigure_webhook_only(user_input)

    async def _async_reconfigure_webhook_only(
        self, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                secret = clean_webhook_secret(user_input.get(CONF_WEBHOOK_SECRET, ""))
            except ValidationError as err:
                errors[err.field] = err.error
            else:
                if self._milesight_entry_with_secret(secret, other_than=entry) is not None:
                    return self.async_abort(reason="already_configured")
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=webhook_only_unique_id(secret),
                    data_updates={CONF_WEBHOOK_SECRET: secret},
                )
        return self.async_show_form(
            step_id=STEP_RECONFIGURE_WEBHOOK, data_schema=_webhook_schema(), errors=errors
        )


def _without_secrets(user_input: dict[str, Any] | None) -> dict[str, Any]:
    """Values to re-show after an error; secrets are never echoed back into the form."""
    if not user_input:
        return {}
    return {
        key: value
        for key, value in user_input.items()
        if key not in (CONF_CLIENT_SECRET, CONF_WEBHOOK_SECRET)
    }

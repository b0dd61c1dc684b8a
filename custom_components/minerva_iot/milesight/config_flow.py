"""Milesight steps of the config flow. STUB from the foundation issue (the Milesight issue fills it)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers import config_entry_oauth2_flow


class MilesightFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Steps `milesight`, `milesight_webhook`, reauth, reconfigure."""

    async def async_step_milesight(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Milesight application with API credentials and webhook."""
        return self.async_abort(reason="not_implemented")

    async def async_step_milesight_webhook(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Milesight webhook only."""
        return self.async_abort(reason="not_implemented")

    async def async_step_milesight_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Ask for a new client secret."""
        return self.async_abort(reason="not_implemented")

    async def async_step_milesight_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change server, credentials, webhook secret."""
        return self.async_abort(reason="not_implemented")


class MilesightOptionsFlow(OptionsFlow):
    """Milesight options."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the Milesight options."""
        return self.async_abort(reason="not_implemented")

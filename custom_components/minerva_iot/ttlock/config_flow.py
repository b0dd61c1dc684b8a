"""TTLock steps of the config flow. STUB from the foundation issue (the TTLock issue fills it)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers import config_entry_oauth2_flow


class TTLockFlowMixin(config_entry_oauth2_flow.AbstractOAuth2FlowHandler):
    """Steps `ttlock` (application credential, then app login), reauth, reconfigure."""

    async def async_step_ttlock(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the application credential, then log in with the TTLock app account."""
        return self.async_abort(reason="not_implemented")

    async def async_step_ttlock_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Ask for the app password again."""
        return self.async_abort(reason="not_implemented")

    async def async_step_ttlock_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change region or API URL."""
        return self.async_abort(reason="not_implemented")


class TTLockOptionsFlow(OptionsFlow):
    """TTLock options."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the TTLock options."""
        return self.async_abort(reason="not_implemented")

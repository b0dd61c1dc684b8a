"""Config flow: a menu, then the Milesight or TTLock branch.

One handler serves both clouds (Home Assistant allows one per domain). The TTLock branch is an
application-credentials OAuth flow, so the handler derives from AbstractOAuth2FlowHandler; each
vendor's steps live in its own mixin and use step ids prefixed with the vendor name.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_VENDOR, DOMAIN, VENDOR_TTLOCK
from .milesight.config_flow import MilesightFlowMixin, MilesightOptionsFlow
from .ttlock.config_flow import TTLockFlowMixin, TTLockOptionsFlow

_LOGGER = logging.getLogger(__name__)

MENU_MILESIGHT = "milesight"
MENU_MILESIGHT_WEBHOOK = "milesight_webhook"
MENU_TTLOCK = "ttlock"


class MinervaConfigFlow(MilesightFlowMixin, TTLockFlowMixin, domain=DOMAIN):
    """Add a Milesight application (API + webhook, or webhook only) or a TTLock account."""

    DOMAIN = DOMAIN
    VERSION = 1

    # Required by the OAuth2 base flow (an abstract property there); a plain attribute is enough.
    logger = _LOGGER

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which cloud to add."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[MENU_MILESIGHT, MENU_MILESIGHT_WEBHOOK, MENU_TTLOCK],
        )

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Start the reauthentication of the vendor that refused our credentials."""
        if entry_data.get(CONF_VENDOR) == VENDOR_TTLOCK:
            return await self.async_step_ttlock_reauth(entry_data)
        return await self.async_step_milesight_reauth(entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change an entry's connection settings without removing it."""
        if self._get_reconfigure_entry().data.get(CONF_VENDOR) == VENDOR_TTLOCK:
            return await self.async_step_ttlock_reconfigure()
        return await self.async_step_milesight_reconfigure()

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options of the entry's vendor."""
        if config_entry.data.get(CONF_VENDOR) == VENDOR_TTLOCK:
            return TTLockOptionsFlow()
        return MilesightOptionsFlow()

"""Config flow: a menu, then the Milesight or TTLock branch.

One handler serves both clouds (Home Assistant allows one per domain). The TTLock branch is an
application-credentials OAuth flow, so the handler derives from AbstractOAuth2FlowHandler; each
vendor's steps live in its own mixin and use step ids prefixed with the vendor name. Reauth,
reconfigure and options go to the steps the entry's vendor names in the vendor table.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import DOMAIN
from .migration import ENTRY_VERSION
from .milesight.config_flow import MilesightFlowMixin
from .ttlock.config_flow import TTLockFlowMixin
from .vendors import VENDORS, find_vendor

_LOGGER = logging.getLogger(__name__)


class MinervaConfigFlow(MilesightFlowMixin, TTLockFlowMixin, domain=DOMAIN):
    """Add a Milesight application (API + webhook, or webhook only) or a TTLock account."""

    DOMAIN = DOMAIN
    VERSION = ENTRY_VERSION

    # Required by the OAuth2 base flow (an abstract property there); a plain attribute is enough.
    logger = _LOGGER

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask which cloud to add."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[option for vendor in VENDORS.values() for option in vendor.menu_options],
        )

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Start the reauthentication of the vendor that refused our credentials."""
        if (vendor := find_vendor(self._get_reauth_entry())) is None:
            return self.async_abort(reason="unknown_vendor")
        return await vendor.reauth_step(self, entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change an entry's connection settings without removing it."""
        if (vendor := find_vendor(self._get_reconfigure_entry())) is None:
            return self.async_abort(reason="unknown_vendor")
        return await vendor.reconfigure_step(self, user_input)

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only entries of a known vendor have options."""
        return find_vendor(config_entry) is not None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options of the entry's vendor."""
        vendor = find_vendor(config_entry)
        assert vendor is not None  # async_supports_options_flow said so
        return vendor.options_flow()

"""Application credentials: the TTLock developer application (client id and secret)."""

from __future__ import annotations

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .ttlock.auth import TTLockAuthImplementation
from .ttlock.const import DEVELOPER_PORTAL_URL, DEVELOPER_PORTAL_URL_CN


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """TTLock uses a password grant, not the browser code flow."""
    return TTLockAuthImplementation(hass, auth_domain, credential)


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:
    """Where the user finds the client id and secret (URLs never live in strings.json)."""
    return {"portal_url": DEVELOPER_PORTAL_URL, "portal_url_cn": DEVELOPER_PORTAL_URL_CN}

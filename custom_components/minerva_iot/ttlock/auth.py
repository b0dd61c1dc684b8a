"""TTLock login and token upkeep on Home Assistant's application credentials and OAuth2 session.

TTLock has no browser authorisation: the app account's username and MD5 password are exchanged for
a token directly. The API base URL is stored inside the token dict, because the implementation
is rebuilt from the credential alone and a refresh must reach the cloud that issued the token.

`TTLockEntryAuth` gives the client the entry's token: the OAuth2 session refreshes it before it
expires, and the client asks for a refresh when the cloud refuses it (10003/10004), once, then
raises; a refused refresh raises the client's auth error, which the coordinator and the commands
turn into a reauthentication.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.application_credentials import (
    AuthImplementation,
    AuthorizationServer,
    ClientCredential,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import OAuth2Session

from custom_components.minerva_iot.clients.ttlock import (
    REGION_HOSTS,
    TTLockAuth,
    async_password_grant,
    async_refresh_grant,
)

from .const import TOKEN_API_HOST

if TYPE_CHECKING:

    class ImplementationUnavailableError(Exception):
        """The credential's provider is down for now (HA ≥ 2025.12; a ConfigEntryNotReady there)."""

else:
    try:
        from homeassistant.helpers.config_entry_oauth2_flow import (
            ImplementationUnavailableError,  # pragma: no cover - HA >= 2025.12 only
        )
    except ImportError:

        class ImplementationUnavailableError(Exception):
            """Never raised by cores before 2025.12: they raise ValueError for a missing credential."""


def api_host_for(region: str, api_url: str | None) -> str:
    """The API base URL of an entry: the explicit `api_url`, else the region's cloud."""
    if api_url:
        return api_url.rstrip("/")
    return REGION_HOSTS[region]


class TTLockAuthImplementation(AuthImplementation):
    """Application credential (client id / secret) + TTLock app account → TTLock token."""

    def __init__(self, hass: HomeAssistant, auth_domain: str, credential: ClientCredential) -> None:
        """No authorize or token URL: the host comes from the login form or the stored token."""
        super().__init__(hass, auth_domain, credential, AuthorizationServer("", ""))

    async def async_password_login(self, host: str, username: str, password: str) -> dict[str, Any]:
        """Log in with the TTLock app account; raises the client's TTLockError subclasses.

        The client sends the password as MD5; the returned token carries `api_host`.
        """
        token = await async_password_grant(
            async_get_clientsession(self.hass),
            host,
            self.client_id,
            self.client_secret,
            username,
            password,
        )
        token = {**token, TOKEN_API_HOST: host}
        token["expires_in"] = int(token["expires_in"])
        return token

    async def _async_refresh_token(self, token: dict[str, Any]) -> dict[str, Any]:
        """Refresh at the token's own host; a refusal raises, so an error body is never stored.

        Fields the refresh response omits (`uid`, the host, possibly the refresh token) are kept.
        """
        new_token = await async_refresh_grant(
            async_get_clientsession(self.hass),
            token[TOKEN_API_HOST],
            self.client_id,
            self.client_secret,
            token["refresh_token"],
        )
        return {**token, **new_token}


class TTLockEntryAuth(TTLockAuth):
    """The token of a config entry, kept in `entry.data["token"]` by the OAuth2 session."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, implementation: TTLockAuthImplementation
    ) -> None:
        """Wrap the entry's OAuth2 session."""
        self._hass = hass
        self._entry = entry
        self._session = OAuth2Session(hass, entry, implementation)

    @property
    def api_host(self) -> str:
        """The cloud that issued the token (and answers the entry's calls)."""
        return str(self._session.token[TOKEN_API_HOST])

    async def async_get_access_token(self) -> str:
        """The access token, refreshed first when it is about to expire."""
        await self._session.async_ensure_token_valid()
        return str(self._session.token["access_token"])

    async def async_refresh_rejected_token(self, rejected: str) -> None:
        """Refresh now (the client checked that `rejected` is still the entry's token)."""
        new_token = await self._session.implementation.async_refresh_token(self._session.token)
        self._hass.config_entries.async_update_entry(
            self._entry, data={**self._entry.data, "token": new_token}
        )

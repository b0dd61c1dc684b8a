"""Access-token health of a TTLock entry, through Home Assistant's OAuth2Session.

The client asks for a token before every call (`async_access_token`). A call refused with
10003/10004 triggers one forced refresh and one retry (`async_call`); a refused refresh, or the same
refusal after it, means the user must log in again: ConfigEntryAuthFailed starts the reauth flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.config_entry_oauth2_flow import (
    AbstractOAuth2Implementation,
    OAuth2Session,
)

from custom_components.minerva_iot.clients.ttlock import TTLockAuthError, TTLockTokenExpiredError
from custom_components.minerva_iot.const import DOMAIN

_LOGGER = logging.getLogger(__name__)


def _auth_failed() -> ConfigEntryAuthFailed:
    return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="ttlock_auth_failed")


class TTLockTokenManager:
    """Keeps the entry's token valid; one refresh at a time (own lock on top of the session's)."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, implementation: AbstractOAuth2Implementation
    ) -> None:
        """Wrap the entry's OAuth2Session."""
        self._hass = hass
        self._entry = entry
        self._session = OAuth2Session(hass, entry, implementation)
        self._lock = asyncio.Lock()

    @property
    def token(self) -> dict[str, Any]:
        """The stored token (entry.data["token"])."""
        return self._session.token

    async def async_access_token(self) -> str:
        """A valid access token, refreshed first when it is about to expire."""
        async with self._lock:
            try:
                await self._session.async_ensure_token_valid()
            except TTLockAuthError as err:
                _LOGGER.info("TTLock refused the token refresh (errcode %s)", err.errcode)
                raise _auth_failed() from err
        return str(self._session.token["access_token"])

    async def async_force_refresh(self, rejected_access_token: str) -> None:
        """Refresh now because the cloud rejected `rejected_access_token`.

        Skipped when another caller already replaced that token while we waited for the lock.
        """
        async with self._lock:
            if self._session.token.get("access_token") != rejected_access_token:
                return
            try:
                new_token = await self._session.implementation.async_refresh_token(
                    self._session.token
                )
            except TTLockAuthError as err:
                _LOGGER.info("TTLock refused the token refresh (errcode %s)", err.errcode)
                raise _auth_failed() from err
            self._hass.config_entries.async_update_entry(
                self._entry, data={**self._entry.data, "token": new_token}
            )

    async def async_call[T](self, call: Callable[[], Awaitable[T]]) -> T:
        """Run an API call; after 10003/10004 refresh once and retry, then give up (reauth)."""
        used_token = str(self._session.token.get("access_token"))
        try:
            return await call()
        except TTLockTokenExpiredError:
            _LOGGER.debug("TTLock rejected the access token; refreshing once")
        await self.async_force_refresh(used_token)
        try:
            return await call()
        except TTLockTokenExpiredError as err:
            raise _auth_failed() from err

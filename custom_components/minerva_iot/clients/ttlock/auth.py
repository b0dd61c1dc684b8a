"""Authentication with the TTLock cloud: the token grants (reference §2) and the token source.

Both grants post a urlencoded form to ``{host}/oauth2/token``. An error arrives as an HTTP 200
errcode body and is always raised, never returned as if it were a token (the field bug of
reference §11.2: merging an error body into the stored token kept a dead token "valid").

``TTLockAuth`` is what the client asks for a token before every call and tells when the cloud
refuses one; the application implements it with its own token storage (Home Assistant: the
config entry's OAuth2 session).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import hashlib
from typing import Any

import aiohttp

from .const import DEFAULT_TIMEOUT, TOKEN_PATH
from .errors import (
    TTLockAuthError,
    TTLockError,
    TTLockInvalidClientError,
    TTLockTokenExpiredError,
)
from .transport import async_send


class TTLockAuth(ABC):
    """The access token of one account.

    The client calls these one at a time (never concurrently), so an implementation needs no
    lock of its own, and it refreshes at most once for any number of refused calls.
    """

    @abstractmethod
    async def async_get_access_token(self) -> str:
        """A valid access token (refreshed first if the implementation knows it expired).

        Raises a ``TTLockAuthError`` when no valid token can be had (refused refresh).
        """

    @abstractmethod
    async def async_refresh_rejected_token(self, rejected: str) -> None:
        """The cloud refused ``rejected`` (10003/10004...), the current token: get a new one.

        Raises a ``TTLockAuthError`` when the refresh is refused: the user must log in again.
        """


def md5_password(password: str) -> str:
    """The password as TTLock expects it: MD5 of the UTF-8 plaintext, 32 lowercase hex chars."""
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


def _client_fields(client_id: str, client_secret: str) -> dict[str, str]:
    # The doc names them in camelCase; Home Assistant's OAuth helpers use snake_case and the
    # cloud accepts both (§2.5), so both are sent.
    return {
        "clientId": client_id,
        "clientSecret": client_secret,
        "client_id": client_id,
        "client_secret": client_secret,
    }


def _checked_token(body: dict[str, Any]) -> dict[str, Any]:
    """Refuse a body that has no access token (never treat anything else as a token)."""
    if not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise TTLockError("TTLock token response has no access_token")
    return body


async def async_password_grant(
    session: aiohttp.ClientSession,
    host: str,
    client_id: str,
    client_secret: str,
    username: str,
    password: str,
    *,
    request_timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """Log in with the TTLock *app* account; ``password`` is the plaintext (sent as MD5).

    Returns the token dict (``access_token``, ``refresh_token``, ``uid``, ``expires_in``, ...).
    Raises ``TTLockInvalidClientError`` (10001), ``TTLockInvalidGrantError`` (10007),
    ``TTLockAppNotApprovedError`` (10006), other ``TTLockError`` subclasses, or
    ``TTLockConnectionError``.
    """
    form = _client_fields(client_id, client_secret) | {
        "username": username,
        "password": md5_password(password),
    }
    body = await async_send(
        session, "POST", f"{host}{TOKEN_PATH}", form, request_timeout=request_timeout
    )
    return _checked_token(body)


async def async_refresh_grant(
    session: aiohttp.ClientSession,
    host: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    *,
    request_timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """Exchange ``refresh_token`` for a new token dict (TTLock rotates the refresh token).

    The refresh response has no ``uid``. A refused refresh raises ``TTLockTokenExpiredError``
    (reauthentication needed) except a wrong application credential, which stays
    ``TTLockInvalidClientError``.
    """
    form = _client_fields(client_id, client_secret) | {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    try:
        body = await async_send(
            session, "POST", f"{host}{TOKEN_PATH}", form, request_timeout=request_timeout
        )
    except (TTLockInvalidClientError, TTLockTokenExpiredError):
        raise
    except TTLockAuthError as err:
        # Any other refusal of a refresh token means the user must log in again.
        raise TTLockTokenExpiredError(errcode=err.errcode, errmsg=err.errmsg) from err
    return _checked_token(body)

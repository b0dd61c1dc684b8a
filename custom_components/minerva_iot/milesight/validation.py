"""Checks the config flow runs on what users paste: address, credentials, webhook secret."""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import logging
from urllib.parse import urlsplit

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.minerva_iot.clients.milesight import (
    MilesightAuthError,
    MilesightClient,
    MilesightConnectionError,
    MilesightError,
    MilesightInvalidServerAddress,
    MilesightRateLimitError,
    clean_credential,
    normalize_server_address,
)

_LOGGER = logging.getLogger(__name__)

ERROR_INVALID_AUTH = "invalid_auth"
ERROR_CANNOT_CONNECT = "cannot_connect"
ERROR_INVALID_SERVER_ADDRESS = "invalid_server_address"
ERROR_UNKNOWN = "unknown"
ERROR_API = "milesight_api_error"
ERROR_RATE_LIMITED = "milesight_rate_limited"
ERROR_WEBHOOK_SECRET_REQUIRED = "webhook_secret_required"
# One small page proves the token works for the device API without spending the daily quota
# on Applications with many devices.
VALIDATION_PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class ValidatedApi:
    """Cleaned API settings that obtained a token and listed devices."""

    server_address: str
    client_id: str
    client_secret: str
    dropped_path: str


class ValidationError(Exception):
    """A check failed; `error` is the translation key, `field` the form field (or base)."""

    def __init__(self, error: str, field: str = "base", detail: str = "") -> None:
        """Remember where and why the check failed."""
        super().__init__(error)
        self.error = error
        self.field = field
        self.detail = detail


def dropped_part(raw: str) -> str:
    """The path/query part of a pasted address that normalisation throws away."""
    text = raw.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    dropped = parts.path.rstrip("/")
    if parts.query:
        dropped += f"?{parts.query}"
    return dropped


def clean_webhook_secret(raw: str) -> str:
    """The webhook secret, stripped of pasted whitespace; it is required (see milesight_webhook)."""
    secret = clean_credential(raw)
    if not secret:
        raise ValidationError(ERROR_WEBHOOK_SECRET_REQUIRED, "webhook_secret")
    return secret


def webhook_only_unique_id(webhook_secret: str) -> str:
    """Unique id of a webhook-only entry: a digest of its secret (never the secret itself)."""
    return "webhook_" + hashlib.sha256(webhook_secret.encode()).hexdigest()[:16]


async def async_validate_api(
    hass: HomeAssistant, server_raw: str, client_id_raw: str, client_secret_raw: str
) -> ValidatedApi:
    """Normalise the inputs, then fetch a token and one page of the device list with them."""
    try:
        server, path_dropped = normalize_server_address(server_raw)
    except MilesightInvalidServerAddress as err:
        raise ValidationError(ERROR_INVALID_SERVER_ADDRESS, "server_address") from err
    client_id = clean_credential(client_id_raw)
    client_secret = clean_credential(client_secret_raw)
    if not client_id or not client_secret:
        raise ValidationError(ERROR_INVALID_AUTH)
    client = MilesightClient(async_get_clientsession(hass), server, client_id, client_secret)
    try:
        await client.token_manager.async_get_token()
        await client.async_search_devices_page(1, page_size=VALIDATION_PAGE_SIZE)
    except MilesightAuthError as err:
        raise ValidationError(ERROR_INVALID_AUTH, detail=err.err_code or "") from err
    except MilesightRateLimitError as err:
        # The server answered: "check the connection" would send the user the wrong way.
        raise ValidationError(ERROR_RATE_LIMITED) from err
    except MilesightConnectionError as err:
        raise ValidationError(ERROR_CANNOT_CONNECT) from err
    except MilesightError as err:
        _LOGGER.warning(
            "Milesight answered with an error while validating: %s (requestId %s)",
            err.err_code,
            err.request_id,
        )
        if err.err_code:
            # Some refusals (the Request Restriction's) are undocumented: the cloud's own message
            # is the user's best clue, and it carries no secret.
            detail = f"{err.err_code}: {err.err_msg}" if err.err_msg else err.err_code
            raise ValidationError(ERROR_API, detail=detail) from err
        raise ValidationError(ERROR_UNKNOWN) from err
    except Exception as err:
        _LOGGER.exception("Unexpected error while validating the Milesight credentials")
        raise ValidationError(ERROR_UNKNOWN) from err
    return ValidatedApi(
        server_address=server,
        client_id=client_id,
        client_secret=client_secret,
        dropped_path=dropped_part(server_raw) if path_dropped else "",
    )

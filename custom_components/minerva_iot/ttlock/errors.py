"""Turn TTLock client errors into translated Home Assistant errors that say what to do."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from custom_components.minerva_iot.clients.ttlock import (
    TTLockAuthError,
    TTLockClockSkewError,
    TTLockError,
    TTLockGatewayOfflineError,
    TTLockLockOfflineError,
    TTLockNoGatewayError,
    TTLockNotFoundError,
    TTLockNotSupportedError,
    TTLockOutcomeUnknownError,
    TTLockPermissionError,
    TTLockQuotaExceededError,
    TTLockRemoteUnlockDisabledError,
    TTLockTransientError,
    TTLockValidationError,
)
from custom_components.minerva_iot.const import DOMAIN

# Most specific first: the first matching class decides the message.
_MESSAGES: list[tuple[type[TTLockError], str]] = [
    (TTLockRemoteUnlockDisabledError, "ttlock_remote_unlock_disabled"),
    (TTLockNotSupportedError, "ttlock_not_supported"),
    (TTLockNoGatewayError, "ttlock_no_gateway"),
    (TTLockGatewayOfflineError, "ttlock_gateway_offline"),
    (TTLockLockOfflineError, "ttlock_lock_offline"),
    (TTLockQuotaExceededError, "ttlock_quota_exceeded"),
    (TTLockClockSkewError, "ttlock_clock_skew"),
    (TTLockPermissionError, "ttlock_permission_denied"),
    (TTLockNotFoundError, "ttlock_not_found"),
    (TTLockAuthError, "ttlock_auth_failed"),
    (TTLockTransientError, "ttlock_temporary_failure"),
]


# Refusals with their own message (errorCode.md): what the user did, or what to do next.
_REFUSALS: dict[int, str] = {
    -1007: "ttlock_passcode_unknown",
    -1021: "ttlock_card_unknown",
    -1023: "ttlock_fingerprint_unknown",
    -2009: "ttlock_invalid_passcode",
    -3006: "ttlock_invalid_passcode",
    -3007: "ttlock_passcode_duplicate",
    -3008: "ttlock_passcode_never_used",
    -3009: "ttlock_passcode_no_space",
}
_ERRCODE_MESSAGES: dict[int, str] = {-3003: "ttlock_gateway_busy"}


def translate_error(err: TTLockError) -> HomeAssistantError:
    """The translated exception for a failed command or action."""
    if err.errcode in _REFUSALS:
        return ServiceValidationError(
            translation_domain=DOMAIN, translation_key=_REFUSALS[err.errcode]
        )
    if err.errcode in _ERRCODE_MESSAGES:
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key=_ERRCODE_MESSAGES[err.errcode]
        )
    if isinstance(err, TTLockOutcomeUnknownError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ttlock_outcome_unknown"
        )
    if isinstance(err, TTLockValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ttlock_rejected_value",
            translation_placeholders={"errcode": str(err.errcode), "errmsg": err.errmsg or ""},
        )
    for error_class, key in _MESSAGES:
        if isinstance(err, error_class):
            return HomeAssistantError(translation_domain=DOMAIN, translation_key=key)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="ttlock_command_failed",
        translation_placeholders={"errcode": str(err.errcode), "errmsg": err.errmsg or ""},
    )


async def async_run_command[T](hass: HomeAssistant, entry: ConfigEntry, command: Awaitable[T]) -> T:
    """Await a command; TTLock errors become translated errors, auth failures start reauth."""
    try:
        return await command
    except TTLockAuthError as err:
        # The client already refreshed a refused token once: only a new login helps.
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="ttlock_auth_failed"
        ) from err
    except TTLockError as err:
        raise translate_error(err) from err

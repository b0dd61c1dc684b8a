"""Exception hierarchy of the TTLock Open API client and the errcode table.

TTLock reports every failure as an HTTP 200 body ``{"errcode": N, "errmsg": "..."}``; ``error_for``
is the single place that turns such a code into a typed exception, so callers branch on classes,
never on numbers.
"""

from __future__ import annotations


class TTLockError(Exception):
    """Base class of every error raised by the TTLock client."""

    def __init__(
        self, message: str | None = None, *, errcode: int | None = None, errmsg: str | None = None
    ) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        if message is None:
            message = (
                f"TTLock errcode {errcode}: {errmsg}" if errcode is not None else "TTLock error"
            )
        super().__init__(message)


class TTLockAuthError(TTLockError):
    """The credentials or tokens were refused (10xxx codes): refresh or reauthenticate."""


class TTLockInvalidClientError(TTLockAuthError):
    """10000/10001: the application's client id or secret is wrong (fix Application Credentials)."""


class TTLockAppNotApprovedError(TTLockAuthError):
    """10006: the developer application is not approved yet; only test accounts may log in."""


class TTLockInvalidGrantError(TTLockAuthError):
    """10007: wrong TTLock app account or password."""


class TTLockTokenExpiredError(TTLockAuthError):
    """10003/10004/10005/10011: the token is unknown, expired or revoked, or a refresh was refused."""


class TTLockTransientError(TTLockError):
    """A failure that may go away by itself (busy gateway, server error, network, timeout)."""


class TTLockConnectionError(TTLockTransientError):
    """The cloud could not be reached, timed out or answered with an unusable HTTP response."""


class TTLockGatewayOfflineError(TTLockTransientError):
    """-3002: the gateway is offline.

    Transient per the reference (§6 "unavailable; retry later", §12 lists -3002 with the transient
    codes): entities become unavailable, nothing for the user to fix in Home Assistant. The client
    does not retry it immediately because the cloud notices a gateway coming back minutes later.
    """


class TTLockLockOfflineError(TTLockTransientError):
    """-3036: the lock itself is offline (not reachable by its gateway). Not retried immediately."""


class TTLockActionableError(TTLockError):
    """A failure the user must fix outside Home Assistant (app settings, clock, quota)."""


class TTLockNotSupportedError(TTLockError):
    """-4043: the lock does not support the requested function (see featureValue)."""


class TTLockRemoteUnlockDisabledError(TTLockNotSupportedError, TTLockActionableError):
    """-4043 answering an unlock: "Remote unlock" is switched off for this lock in the app."""


class TTLockNoGatewayError(TTLockActionableError):
    """-2012: the lock is not connected to any gateway."""


class TTLockQuotaExceededError(TTLockActionableError):
    """30006: the application's API call budget is exhausted; back off for hours."""


class TTLockClockSkewError(TTLockActionableError):
    """80000: the ``date`` parameter is more than 5 minutes away from the cloud's clock."""


class TTLockOutcomeUnknownError(TTLockError):
    """errcode 1 ("failed or means no") answering a call that is not safe to repeat.

    The cloud may have reached the lock before it answered (errorCode.md gives no more), so the
    call is not repeated: a second passcode add would meet -3007 "the same passcode already
    exists". The caller should look (list the passcodes) before trying again.
    """


class TTLockValidationError(TTLockError):
    """The request was refused because of its values (passcode rules, auto-lock period, ids)."""


class TTLockPermissionError(TTLockError):
    """-2018 / 20000-20008: the account is not (authorised) administrator of the lock."""


class TTLockNotFoundError(TTLockError):
    """-1003 / -4037: the lock or gateway does not exist (anymore)."""


# Codes the client retries with backoff: the same request usually succeeds a moment later.
RETRYABLE_ERRCODES: frozenset[int] = frozenset({1, -3003, -3037, 90000})
# The ones of them that say the lock was not reached (gateway busy, WiFi lock busy): only these
# are retried for a call that is not safe to repeat. errcode 1 and 90000 may follow a call that
# took effect.
LOCK_NOT_REACHED_ERRCODES: frozenset[int] = frozenset({-3003, -3037})
# "No password data of this lock" (errorCode.md): answering a repeated passcode delete, the
# first attempt deleted it (that the cloud answers -1007 then is unconfirmed).
ERRCODE_NO_PASSCODE = -1007

_ERRCODE_CLASSES: dict[int, type[TTLockError]] = {
    10000: TTLockInvalidClientError,
    10001: TTLockInvalidClientError,
    10003: TTLockTokenExpiredError,
    10004: TTLockTokenExpiredError,
    10005: TTLockTokenExpiredError,
    10006: TTLockAppNotApprovedError,
    10007: TTLockInvalidGrantError,
    10011: TTLockTokenExpiredError,
    1: TTLockTransientError,
    -3003: TTLockTransientError,
    -3037: TTLockTransientError,
    90000: TTLockTransientError,
    -3002: TTLockGatewayOfflineError,
    -3036: TTLockLockOfflineError,
    # The same code means "Remote unlock is off" for v3/lock/unlock (the client says so there).
    -4043: TTLockNotSupportedError,
    -2012: TTLockNoGatewayError,
    30006: TTLockQuotaExceededError,
    80000: TTLockClockSkewError,
    -4082: TTLockValidationError,
    -1007: TTLockValidationError,
    -2009: TTLockValidationError,
    -3006: TTLockValidationError,
    -3007: TTLockValidationError,
    -3008: TTLockValidationError,
    -3009: TTLockValidationError,
    -1021: TTLockValidationError,
    -1023: TTLockValidationError,
    -2018: TTLockPermissionError,
    # 20000-20008: the account is not (or no longer) a key holder / admin of that lock (§6:
    # "warn; skip the lock").
    **dict.fromkeys(range(20000, 20009), TTLockPermissionError),
    -1003: TTLockNotFoundError,
    -4037: TTLockNotFoundError,
}


def error_for(errcode: int, errmsg: str | None) -> TTLockError:
    """Return the exception for a TTLock ``errcode`` (unknown non-zero codes give ``TTLockError``)."""
    error_class = _ERRCODE_CLASSES.get(errcode, TTLockError)
    return error_class(errcode=errcode, errmsg=errmsg)

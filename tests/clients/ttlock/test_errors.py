"""The errcode table: every documented code the integration acts on maps to the right class."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    TTLockActionableError,
    TTLockAppNotApprovedError,
    TTLockAuthError,
    TTLockClockSkewError,
    TTLockConnectionError,
    TTLockError,
    TTLockGatewayOfflineError,
    TTLockInvalidClientError,
    TTLockInvalidGrantError,
    TTLockLockOfflineError,
    TTLockNoGatewayError,
    TTLockNotFoundError,
    TTLockNotSupportedError,
    TTLockPermissionError,
    TTLockQuotaExceededError,
    TTLockTokenExpiredError,
    TTLockTransientError,
    TTLockValidationError,
    error_for,
)


@pytest.mark.parametrize(
    ("errcode", "expected", "family"),
    [
        (10000, TTLockInvalidClientError, TTLockAuthError),
        (10001, TTLockInvalidClientError, TTLockAuthError),
        (10003, TTLockTokenExpiredError, TTLockAuthError),
        (10004, TTLockTokenExpiredError, TTLockAuthError),
        (10005, TTLockTokenExpiredError, TTLockAuthError),
        (10006, TTLockAppNotApprovedError, TTLockAuthError),
        (10007, TTLockInvalidGrantError, TTLockAuthError),
        (10011, TTLockTokenExpiredError, TTLockAuthError),
        (1, TTLockTransientError, TTLockTransientError),
        (-3003, TTLockTransientError, TTLockTransientError),
        (-3037, TTLockTransientError, TTLockTransientError),
        (90000, TTLockTransientError, TTLockTransientError),
        (-3002, TTLockGatewayOfflineError, TTLockTransientError),
        (-3036, TTLockLockOfflineError, TTLockTransientError),
        (-4043, TTLockNotSupportedError, TTLockError),
        (-2012, TTLockNoGatewayError, TTLockActionableError),
        (30006, TTLockQuotaExceededError, TTLockActionableError),
        (80000, TTLockClockSkewError, TTLockActionableError),
        (-4082, TTLockValidationError, TTLockValidationError),
        (-3007, TTLockValidationError, TTLockValidationError),
        (-3009, TTLockValidationError, TTLockValidationError),
        (-2009, TTLockValidationError, TTLockValidationError),
        (-2018, TTLockPermissionError, TTLockPermissionError),
        (20002, TTLockPermissionError, TTLockPermissionError),
        (-1003, TTLockNotFoundError, TTLockNotFoundError),
    ],
)
def test_error_for_maps_documented_codes(
    errcode: int, expected: type[TTLockError], family: type[TTLockError]
) -> None:
    """Each code gives its class, inside the family the HA side branches on."""
    error = error_for(errcode, "message from the cloud")
    assert type(error) is expected
    assert isinstance(error, family)
    assert error.errcode == errcode
    assert error.errmsg == "message from the cloud"
    assert str(errcode) in str(error)


@pytest.mark.parametrize("errcode", [-1, -3, 80002, 123456])
def test_unknown_codes_are_plain_errors(errcode: int) -> None:
    """Undocumented or bug codes are failures of the base class, never success."""
    error = error_for(errcode, None)
    assert type(error) is TTLockError
    assert error.errcode == errcode
    assert error.errmsg is None


def test_gateway_offline_is_transient_not_actionable() -> None:
    """Reference §6/§12: -3002 means unavailable and retry later, nothing to fix in HA."""
    assert not issubclass(TTLockGatewayOfflineError, TTLockActionableError)
    assert issubclass(TTLockConnectionError, TTLockTransientError)


def test_error_without_code_has_a_message() -> None:
    """Errors raised by the client itself carry no errcode."""
    error = TTLockError()
    assert error.errcode is None
    assert str(error) == "TTLock error"
    assert str(TTLockError("custom")) == "custom"

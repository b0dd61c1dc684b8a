"""HA-free async client of the TTLock Open API (cloud): OAuth grants, /v3 calls, typed models."""

from __future__ import annotations

from .auth import TTLockAuth, async_password_grant, async_refresh_grant, md5_password
from .client import TTLockClient
from .const import REGION_HOSTS
from .errors import (
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
    TTLockRemoteUnlockDisabledError,
    TTLockTokenExpiredError,
    TTLockTransientError,
    TTLockValidationError,
    error_for,
)
from .models import (
    Feature,
    OpenState,
    TTLockGateway,
    TTLockLock,
    TTLockOpenStatus,
    TTLockPasscode,
    TTLockRecord,
)

__all__ = [
    "REGION_HOSTS",
    "Feature",
    "OpenState",
    "TTLockActionableError",
    "TTLockAppNotApprovedError",
    "TTLockAuth",
    "TTLockAuthError",
    "TTLockClient",
    "TTLockClockSkewError",
    "TTLockConnectionError",
    "TTLockError",
    "TTLockGateway",
    "TTLockGatewayOfflineError",
    "TTLockInvalidClientError",
    "TTLockInvalidGrantError",
    "TTLockLock",
    "TTLockLockOfflineError",
    "TTLockNoGatewayError",
    "TTLockNotFoundError",
    "TTLockNotSupportedError",
    "TTLockOpenStatus",
    "TTLockPasscode",
    "TTLockPermissionError",
    "TTLockQuotaExceededError",
    "TTLockRecord",
    "TTLockRemoteUnlockDisabledError",
    "TTLockTokenExpiredError",
    "TTLockTransientError",
    "TTLockValidationError",
    "async_password_grant",
    "async_refresh_grant",
    "error_for",
    "md5_password",
]

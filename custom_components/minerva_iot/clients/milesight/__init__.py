"""Async client of the Milesight Development Platform (MDP) Open API.

HA-free: imports only the standard library and aiohttp, the session is injected.
"""

from .address import clean_credential, normalize_server_address
from .client import DevicePage, HistoryPage, MilesightClient
from .commands import CommandResult, check_write
from .errors import (
    MilesightAuthError,
    MilesightCommandError,
    MilesightConnectionError,
    MilesightDeviceOfflineError,
    MilesightError,
    MilesightInvalidServerAddress,
    MilesightRateLimitError,
    MilesightReadOnlyError,
    MilesightResponseError,
    MilesightValueError,
)
from .models import (
    MilesightDevice,
    ThingProperty,
    ThingService,
    ThingSpecification,
    flatten_payload,
)
from .token import MilesightToken, MilesightTokenManager

__all__ = [
    "CommandResult",
    "DevicePage",
    "HistoryPage",
    "MilesightAuthError",
    "MilesightClient",
    "MilesightCommandError",
    "MilesightConnectionError",
    "MilesightDevice",
    "MilesightDeviceOfflineError",
    "MilesightError",
    "MilesightInvalidServerAddress",
    "MilesightRateLimitError",
    "MilesightReadOnlyError",
    "MilesightResponseError",
    "MilesightToken",
    "MilesightTokenManager",
    "MilesightValueError",
    "ThingProperty",
    "ThingService",
    "ThingSpecification",
    "check_write",
    "clean_credential",
    "flatten_payload",
    "normalize_server_address",
]

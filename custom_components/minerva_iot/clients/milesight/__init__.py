"""Async client of the Milesight Development Platform (MDP) Open API.

HA-free: imports only the standard library and aiohttp, the session is injected.
"""

from .address import clean_credential, normalize_server_address
from .client import DevicePage, HistoryPage, MilesightClient
from .errors import (
    MilesightAuthError,
    MilesightConnectionError,
    MilesightError,
    MilesightInvalidServerAddress,
    MilesightRateLimitError,
    MilesightResponseError,
)
from .models import MilesightDevice, ThingProperty, ThingSpecification, flatten_payload
from .token import MilesightToken, MilesightTokenManager

__all__ = [
    "DevicePage",
    "HistoryPage",
    "MilesightAuthError",
    "MilesightClient",
    "MilesightConnectionError",
    "MilesightDevice",
    "MilesightError",
    "MilesightInvalidServerAddress",
    "MilesightRateLimitError",
    "MilesightResponseError",
    "MilesightToken",
    "MilesightTokenManager",
    "ThingProperty",
    "ThingSpecification",
    "clean_credential",
    "flatten_payload",
    "normalize_server_address",
]

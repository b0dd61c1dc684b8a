"""Runtime data of a TTLock entry (types only: importing it runs nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from custom_components.minerva_iot.clients.ttlock import TTLockClient
    from custom_components.minerva_iot.usage import ApiCallCounter

    from .coordinator import TTLockCoordinator


@dataclass
class TTLockData:
    """What a loaded TTLock entry keeps in `entry.runtime_data`."""

    client: TTLockClient
    coordinator: TTLockCoordinator
    # Requests the entry's client sent (the cloud's quota counts them).
    api_calls: ApiCallCounter


type TTLockConfigEntry = ConfigEntry[TTLockData]

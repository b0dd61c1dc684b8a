"""Runtime data of a TTLock entry."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from custom_components.minerva_iot.clients.ttlock import TTLockClient

from .coordinator import TTLockCoordinator


@dataclass
class TTLockData:
    """What a loaded TTLock entry keeps in `entry.runtime_data`."""

    client: TTLockClient
    coordinator: TTLockCoordinator


type TTLockConfigEntry = ConfigEntry[TTLockData]

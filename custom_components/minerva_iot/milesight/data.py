"""Runtime data of a Milesight entry."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from custom_components.minerva_iot.clients.milesight import MilesightClient

from .coordinator import MilesightCoordinator
from .webhook import MilesightWebhookHandler


@dataclass
class MilesightData:
    """What the platforms, buttons and diagnostics of an entry need."""

    coordinator: MilesightCoordinator
    client: MilesightClient | None
    webhook: MilesightWebhookHandler
    webhook_url: str | None = None


type MilesightConfigEntry = ConfigEntry[MilesightData]

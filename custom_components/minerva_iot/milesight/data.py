"""Runtime data of a Milesight entry (imports for typing only: every module may import it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from custom_components.minerva_iot.clients.milesight import MilesightClient
    from custom_components.minerva_iot.device_updates import DeviceUpdates
    from custom_components.minerva_iot.selftest_waiters import SelfTestWaiters
    from custom_components.minerva_iot.usage import ApiCallCounter

    from .control.pending import PendingWrites
    from .coordinator import MilesightCoordinator
    from .fleet import FleetState
    from .health import WebhookHealth
    from .registry import MilesightDeviceRegistry
    from .store import MilesightStore
    from .watchdog import DeliveryWatchdog
    from .webhook import MilesightWebhookHandler


@dataclass
class MilesightData:
    """What the platforms, buttons, webhook and diagnostics of an entry share."""

    fleet: FleetState
    health: WebhookHealth
    api_calls: ApiCallCounter
    store: MilesightStore
    registry: MilesightDeviceRegistry
    # Per-device listeners of the pushes; the Application's health is HEALTH_UPDATES_KEY.
    updates: DeviceUpdates[str]
    selftest_waiters: SelfTestWaiters
    client: MilesightClient | None
    coordinator: MilesightCoordinator
    webhook: MilesightWebhookHandler
    watchdog: DeliveryWatchdog
    webhook_url: str | None = None
    # Writes waiting for their devices (API entries only: webhook-only entries cannot write).
    pending: PendingWrites | None = None


type MilesightConfigEntry = ConfigEntry[MilesightData]

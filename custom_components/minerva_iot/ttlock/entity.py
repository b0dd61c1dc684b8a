"""Base entities of TTLock locks, gateways and the account, and dynamic entity creation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from homeassistant.core import callback
from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from custom_components.minerva_iot.clients.ttlock import TTLockGateway, TTLockLock
from custom_components.minerva_iot.compat import DEVICES_PER_ENTRY, async_get_entry_device
from custom_components.minerva_iot.const import DOMAIN

from .const import GATEWAY_MODEL, MANUFACTURER
from .coordinator import TTLockCoordinator
from .identifiers import (
    account_identifier,
    account_unique_id,
    gateway_identifier,
    gateway_unique_id,
    lock_identifier,
    lock_unique_id,
)
from .state import LockState


class TTLockEntity(CoordinatorEntity[TTLockCoordinator]):
    """Any TTLock entity: named by translation key, updated by the coordinator."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: TTLockCoordinator, description: EntityDescription) -> None:
        """Set the description."""
        super().__init__(coordinator)
        self.entity_description = description


class TTLockLockEntity(TTLockEntity):
    """An entity of one lock's device."""

    def __init__(
        self, coordinator: TTLockCoordinator, lock: TTLockLock, description: EntityDescription
    ) -> None:
        """Attach to the lock's device (Bluetooth MAC as connection)."""
        super().__init__(coordinator, description)
        self.lock_id = lock.lock_id
        self._attr_unique_id = lock_unique_id(lock.lock_id, description.key)
        detail = coordinator.account.details.get(lock.lock_id, lock)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, lock_identifier(lock.lock_id))},
            connections={(CONNECTION_BLUETOOTH, lock.mac)} if lock.mac else set(),
            name=lock.display_name,
            manufacturer=MANUFACTURER,
            model=detail.model or lock.name,
            sw_version=detail.firmware,
        )
        gateway_id = coordinator.account.state(lock.lock_id).gateway_id
        if gateway_id is not None:
            self._attr_device_info.update(_via_gateway(coordinator, gateway_id))

    @property
    def cloud_lock(self) -> TTLockLock | None:
        """The lock as last listed by the cloud (None once it disappeared)."""
        return self.coordinator.account.locks.get(self.lock_id)

    @property
    def lock_state(self) -> LockState:
        """The lock's live state."""
        return self.coordinator.account.state(self.lock_id)

    @property
    def available(self) -> bool:
        """Available while the cloud lists the lock and the login works.

        Push-first: a failed poll (cloud error, clock skew, quota pause) does not blank the
        states that pushes keep updating, and leaves the lock controllable (Home Assistant
        silently skips unavailable entities in actions).
        """
        return self.cloud_lock is not None and not self.coordinator.auth_failed


def _via_gateway(coordinator: TTLockCoordinator, gateway_id: int) -> DeviceInfo:
    """Link a lock's device to the gateway that relays its commands."""
    if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 wants the gateway's device id
        gateway = async_get_entry_device(
            coordinator.hass, coordinator.config_entry.entry_id, gateway_identifier(gateway_id)
        )
        return cast(DeviceInfo, {"via_device_id": gateway.id} if gateway else {})
    return DeviceInfo(via_device=(DOMAIN, gateway_identifier(gateway_id)))


class TTLockGatewayEntity(TTLockEntity):
    """An entity of one gateway's device."""

    def __init__(
        self,
        coordinator: TTLockCoordinator,
        gateway: TTLockGateway,
        description: EntityDescription,
    ) -> None:
        """Attach to the gateway's device."""
        super().__init__(coordinator, description)
        self.gateway_id = gateway.gateway_id
        self._attr_unique_id = gateway_unique_id(gateway.gateway_id, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, gateway_identifier(gateway.gateway_id))},
            name=gateway.name,
            manufacturer=MANUFACTURER,
            model=GATEWAY_MODEL,
        )

    @property
    def gateway(self) -> TTLockGateway | None:
        """The gateway as last listed (None once it disappeared)."""
        return self.coordinator.account.gateways.get(self.gateway_id)

    @property
    def available(self) -> bool:
        """Available while the cloud lists the gateway and the login works (see the locks)."""
        return self.gateway is not None and not self.coordinator.auth_failed


class TTLockAccountEntity(TTLockEntity):
    """An entity of the account's service device (API usage)."""

    def __init__(self, coordinator: TTLockCoordinator, description: EntityDescription) -> None:
        """Attach to the account device."""
        super().__init__(coordinator, description)
        entry = coordinator.config_entry
        uid = entry.unique_id or entry.entry_id
        self._attr_unique_id = account_unique_id(uid, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, account_identifier(uid))},
            name=f"TTLock {entry.title}",
            manufacturer=MANUFACTURER,
            entry_type=DeviceEntryType.SERVICE,
        )


@callback
def async_track_new_locks(
    coordinator: TTLockCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[TTLockLock], Iterable[Entity]],
) -> None:
    """Add entities for every lock now and for locks the cloud lists later (no reload)."""
    _track(
        coordinator, async_add_entities, lambda: coordinator.account.locks, build, lock_identifier
    )


@callback
def async_track_new_gateways(
    coordinator: TTLockCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[TTLockGateway], Iterable[Entity]],
) -> None:
    """Add entities for every gateway now and for gateways listed later."""
    _track(
        coordinator,
        async_add_entities,
        lambda: coordinator.account.gateways,
        build,
        gateway_identifier,
    )


def _track[T](
    coordinator: TTLockCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    current: Callable[[], dict[int, T]],
    build: Callable[[T], Iterable[Entity]],
    identifier: Callable[[int], str],
) -> None:
    # Item id -> its device's removal count when its entities were built: entities live as long
    # as their device, so an item that is merely not listed for a while keeps them, and one whose
    # device was removed (cloud sync or the user) gets new ones when it comes back.
    built: dict[int, int] = {}

    @callback
    def _add_new() -> None:
        entities: list[Entity] = []
        for item_id, item in current().items():
            removals = coordinator.device_removals(identifier(item_id))
            if built.get(item_id) != removals:
                built[item_id] = removals
                entities.extend(build(item))
        if entities:
            async_add_entities(entities)

    _add_new()
    coordinator.config_entry.async_on_unload(coordinator.async_add_listener(_add_new))

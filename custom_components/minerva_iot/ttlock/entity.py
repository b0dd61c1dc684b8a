"""The TTLock entity base: the device an entity belongs to, its description, and adding entities.

An entity belongs to a lock, a gateway or the account's service device (`LockDevice`,
`GatewayDevice`, `AccountDevice`): that device gives it its unique id, device info and
availability, and is what its description's functions read (`value_fn`) or act on. Each platform
has one entity class and describes its entities with those functions; a lock's entity exists when
its description's `exists_fn` accepts the lock's device (features, whether the cloud reaches it,
a door sensor). Lock and gateway entities come and go with the cloud's lists and what the
integration learns of the locks (the shared dynamic_entities.py), without a reload.

Besides the coordinator (polls: every entity), an entity follows the pushes of its own device
(`TTLockDevice.listen_pushes`): a push, command or timer of one lock writes that lock's entities
and, when it changed them, the account's; gateways change only with polls.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import CONNECTION_BLUETOOTH, DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockGateway, TTLockLock
from custom_components.minerva_iot.compat import DEVICES_PER_ENTRY, async_get_entry_device
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.device_updates import DeviceUpdates, Unsubscribe
from custom_components.minerva_iot.dynamic_entities import async_add_dynamic_entities
from custom_components.minerva_iot.entity import WritesWhenShownChanges

from .const import GATEWAY_MODEL, MANUFACTURER, REMOTE_NO
from .coordinator import RECORDS, TTLockCoordinator
from .devices import async_remove_lock_entity
from .identifiers import (
    account_identifier,
    account_unique_id,
    gateway_identifier,
    gateway_unique_id,
    lock_identifier,
    lock_unique_id,
)
from .state import TTLockLockStatus

if TYPE_CHECKING:
    from custom_components.minerva_iot.usage import ApiCallCounter

    from .data import TTLockConfigEntry


class TTLockDevice(ABC):
    """The device of an entity: where its id, device info, availability and values come from."""

    def __init__(self, coordinator: TTLockCoordinator) -> None:
        """A device of the coordinator's account."""
        self.coordinator = coordinator

    @abstractmethod
    def unique_id(self, key: str) -> str:
        """The unique id of the device's entity `key`."""

    @abstractmethod
    def device_info(self) -> DeviceInfo:
        """The device registry entry the entity is attached to."""

    @property
    def available(self) -> bool:
        """Push-first: a failed poll leaves entities available; a refused login does not."""
        return not self.coordinator.auth_failed

    def listen_pushes(
        self, update: Callable[[], None], context: Any, key: str
    ) -> Unsubscribe | None:
        """Call `update()` when a push (command, timer) changes the entity `key` (None: never)."""
        return None


class LockDevice(TTLockDevice):
    """A lock: its live state (pushes, commands) and its listing by the cloud."""

    def __init__(self, coordinator: TTLockCoordinator, lock: TTLockLock) -> None:
        """The lock as listed when its entities are built."""
        super().__init__(coordinator)
        self.lock_id = lock.lock_id
        self._listed = lock

    def listen_pushes(self, update: Callable[[], None], context: Any, key: str) -> Unsubscribe:
        """The lock's pushes; an event entity (context `RECORDS`) after its other entities."""
        coordinator = self.coordinator
        updates = coordinator.record_updates if context == RECORDS else coordinator.lock_updates
        return updates.listen(self.lock_id, update)

    @property
    def cloud_lock(self) -> TTLockLock | None:
        """The lock as last listed by the cloud (None once it disappeared)."""
        return self.coordinator.account.locks.get(self.lock_id)

    @property
    def status(self) -> TTLockLockStatus:
        """The lock's live state."""
        return self.coordinator.account.state(self.lock_id)

    def supports(self, feature: Feature) -> bool:
        """Whether the lock's featureValue (as last listed) has `feature`."""
        return (self.cloud_lock or self._listed).supports(feature)

    @property
    def controllable(self) -> bool:
        """Whether commands reach the lock: a gateway, WiFi, or the cloud seen reaching it."""
        return self.coordinator.reach.controllable(self.lock_id)

    @property
    def door_sensor(self) -> bool | None:
        """Whether a door sensor is bound to the lock (None: not known yet)."""
        return self.coordinator.reach.door_sensor(self.lock_id)

    def registered(self, platform: Platform, key: str) -> bool:
        """Whether the entity `key` of the lock is in the entity registry (from before)."""
        registry = er.async_get(self.coordinator.hass)
        return registry.async_get_entity_id(platform, DOMAIN, self.unique_id(key)) is not None

    @property
    def available(self) -> bool:
        """While the cloud lists the lock (and the login works).

        A failed poll (cloud error, clock skew, quota pause) does not blank the states that
        pushes keep updating, and leaves the lock controllable (Home Assistant silently skips
        unavailable entities in actions).
        """
        return super().available and self.cloud_lock is not None

    def unique_id(self, key: str) -> str:
        """`ttlock_lock_<lock id>_<key>`."""
        return lock_unique_id(self.lock_id, key)

    def device_info(self) -> DeviceInfo:
        """The lock's device (Bluetooth MAC as connection), via its gateway when it has one."""
        lock = self._listed
        detail = self.coordinator.account.details.get(lock.lock_id, lock)
        info = DeviceInfo(
            identifiers={(DOMAIN, lock_identifier(lock.lock_id))},
            connections={(CONNECTION_BLUETOOTH, lock.mac)} if lock.mac else set(),
            name=lock.display_name,
            manufacturer=MANUFACTURER,
            model=detail.model or lock.name,
            sw_version=detail.firmware,
        )
        gateway_id = self.status.gateway_id
        if gateway_id is not None:
            info.update(self._via_gateway(gateway_id))
        return info

    def _via_gateway(self, gateway_id: int) -> DeviceInfo:
        """Link the lock's device to the gateway that relays its commands."""
        if DEVICES_PER_ENTRY:  # pragma: no cover - HA >= 2026.8 wants the gateway's device id
            gateway = async_get_entry_device(
                self.coordinator.hass,
                self.coordinator.config_entry.entry_id,
                gateway_identifier(gateway_id),
            )
            return cast(DeviceInfo, {"via_device_id": gateway.id} if gateway else {})
        return DeviceInfo(via_device=(DOMAIN, gateway_identifier(gateway_id)))


class GatewayDevice(TTLockDevice):
    """A gateway, as the cloud lists it."""

    def __init__(self, coordinator: TTLockCoordinator, gateway: TTLockGateway) -> None:
        """The gateway as listed when its entities are built."""
        super().__init__(coordinator)
        self.gateway_id = gateway.gateway_id
        self._name = gateway.name

    @property
    def cloud_gateway(self) -> TTLockGateway | None:
        """The gateway as last listed (None once it disappeared)."""
        return self.coordinator.account.gateways.get(self.gateway_id)

    @property
    def available(self) -> bool:
        """While the cloud lists the gateway (and the login works)."""
        return super().available and self.cloud_gateway is not None

    def unique_id(self, key: str) -> str:
        """`ttlock_gateway_<gateway id>_<key>`."""
        return gateway_unique_id(self.gateway_id, key)

    def device_info(self) -> DeviceInfo:
        """The gateway's device."""
        return DeviceInfo(
            identifiers={(DOMAIN, gateway_identifier(self.gateway_id))},
            name=self._name,
            manufacturer=MANUFACTURER,
            model=GATEWAY_MODEL,
        )


class AccountDevice(TTLockDevice):
    """The account's service device (API usage)."""

    def listen_pushes(self, update: Callable[[], None], context: Any, key: str) -> Unsubscribe:
        """The entity `key` of the account, when a push or command changes it (last push, calls)."""
        return self.coordinator.account_updates.listen(key, update)

    @property
    def api_calls(self) -> ApiCallCounter:
        """The requests the entry's client sent."""
        return self.coordinator.config_entry.runtime_data.api_calls

    def unique_id(self, key: str) -> str:
        """`ttlock_account_<uid>_<key>`."""
        return account_unique_id(self._uid, key)

    def device_info(self) -> DeviceInfo:
        """A service device named after the account."""
        return DeviceInfo(
            identifiers={(DOMAIN, account_identifier(self._uid))},
            name=f"TTLock {self.coordinator.config_entry.title}",
            manufacturer=MANUFACTURER,
            entry_type=DeviceEntryType.SERVICE,
        )

    @property
    def _uid(self) -> str:
        entry = self.coordinator.config_entry
        return entry.unique_id or entry.entry_id


def _every_lock(device: LockDevice) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class TTLockEntityDescription(EntityDescription):
    """What every TTLock description has: which locks have the entity (lock entities only)."""

    exists_fn: Callable[[LockDevice], bool] = _every_lock


class TTLockEntity[D: TTLockDevice](WritesWhenShownChanges[TTLockCoordinator]):
    """Any TTLock entity: named by translation key, updated by the coordinator and its pushes.

    An update writes its state only when what it shows changed (../entity.py).
    """

    _attr_has_entity_name = True

    def __init__(self, device: D, description: EntityDescription, context: Any = None) -> None:
        """Attach the entity to its device; `context` is its coordinator listener context."""
        super().__init__(device.coordinator, context)
        self.device = device
        self.entity_description = description
        self._attr_unique_id = device.unique_id(description.key)
        self._attr_device_info = device.device_info()

    async def async_added_to_hass(self) -> None:
        """Follow the coordinator (polls) and the pushes of the entity's device."""
        await super().async_added_to_hass()
        unsubscribe = self.device.listen_pushes(
            self._handle_coordinator_update, self.coordinator_context, self.entity_description.key
        )
        if unsubscribe is not None:
            self.async_on_remove(unsubscribe)

    @property
    def available(self) -> bool:
        """As its device."""
        return self.device.available


@callback
def async_add_account_entities[T: TTLockEntityDescription](
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[T],
    build: Callable[[AccountDevice, T], Entity],
) -> None:
    """Add the account device's entities."""
    device = AccountDevice(entry.runtime_data.coordinator)
    async_add_entities(build(device, description) for description in descriptions)


@callback
def async_add_lock_entities[T: TTLockEntityDescription](
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[T],
    build: Callable[[LockDevice, T], Entity],
) -> None:
    """Add the entities of every lock now, and of locks the cloud lists later.

    A lock the user set to "controllable remotely: no" loses the entities it had before (its
    controls) from the registry, rather than keeping them as "no longer provided".
    """
    coordinator = entry.runtime_data.coordinator
    domain = async_get_current_platform().domain
    for lock_id, lock in coordinator.account.locks.items():
        if coordinator.options.remote_choice(lock_id) == REMOTE_NO:
            device = LockDevice(coordinator, lock)
            for description in descriptions:
                if not description.exists_fn(device):
                    async_remove_lock_entity(
                        coordinator.hass, lock_id, Platform(domain), description.key
                    )

    def candidates(lock_id: int) -> Iterator[tuple[str, Callable[[], Entity]]]:
        if (lock := coordinator.account.locks.get(lock_id)) is not None:
            device = LockDevice(coordinator, lock)
            for description in descriptions:
                if description.exists_fn(device):
                    yield (description.key, partial(build, device, description))

    _async_add_listed(
        entry,
        async_add_entities,
        lambda: coordinator.account.locks,
        lock_identifier,
        candidates,
        coordinator.lock_updates,
    )


@callback
def async_add_gateway_entities[T: TTLockEntityDescription](
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[T],
    build: Callable[[GatewayDevice, T], Entity],
) -> None:
    """Add the entities of every gateway now, and of gateways listed later."""
    coordinator = entry.runtime_data.coordinator

    def candidates(gateway_id: int) -> Iterator[tuple[str, Callable[[], Entity]]]:
        if (gateway := coordinator.account.gateways.get(gateway_id)) is not None:
            for description in descriptions:
                yield (
                    description.key,
                    partial(build, GatewayDevice(coordinator, gateway), description),
                )

    _async_add_listed(
        entry,
        async_add_entities,
        lambda: coordinator.account.gateways,
        gateway_identifier,
        candidates,
    )


def _async_add_listed(
    entry: TTLockConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    listed: Callable[[], Mapping[int, object]],
    identifier: Callable[[int], str],
    candidates: Callable[[int], Iterable[tuple[str, Callable[[], Entity]]]],
    pushes: DeviceUpdates[int] | None = None,
) -> None:
    """Entities of the listed locks or gateways, built again when the item's device was removed.

    Entities live as long as their device: an item that is merely not listed for a while keeps
    them, and one whose device was removed (cloud sync or the user) gets new ones when it comes
    back (the device's removal count is the generation). With `pushes`, a push naming an item as
    new (a lock that proved reachable or a door sensor) checks that item alone.
    """
    coordinator = entry.runtime_data.coordinator
    async_add_dynamic_entities(
        entry,
        async_add_entities,
        coordinator,
        devices=lambda: list(listed()),
        candidates=candidates,
        generation=lambda item_id: coordinator.device_removals(identifier(item_id)),
        device_updates=pushes,
    )

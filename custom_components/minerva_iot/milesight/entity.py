"""Base entities: one for a Milesight device's property, one for the entry's own health."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import MilesightCoordinator
from .identifiers import (
    application_identifier,
    application_unique_id,
    device_identifier,
    device_unique_id,
)
from .models import DeviceState


class MilesightDeviceEntity(CoordinatorEntity[MilesightCoordinator]):
    """An entity of one Milesight device; unique id `milesight_device_<sn>_<key>`."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: MilesightCoordinator, sn: str, description: EntityDescription
    ) -> None:
        """Attach the entity to the device registered by the coordinator."""
        super().__init__(coordinator)
        self.entity_description = description
        self.sn = sn
        self._attr_unique_id = device_unique_id(sn, description.key)
        self._attr_device_info = DeviceInfo(identifiers={device_identifier(sn)})

    async def async_added_to_hass(self) -> None:
        """Follow the deliveries of this device (API syncs arrive through the coordinator)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.listeners.async_add_device_listener(
                self.sn, self._handle_coordinator_update
            )
        )

    @property
    def device(self) -> DeviceState | None:
        """The device's current state (None once the user deleted the device)."""
        return self.coordinator.devices.get(self.sn)

    @property
    def available(self) -> bool:
        """Push-first: only an OFFLINE report (or API status) makes a device unavailable.

        A failed slow API refresh must not blank out values that webhooks keep updating.
        """
        device = self.device
        return device is not None and device.online is not False


class MilesightEntryEntity(CoordinatorEntity[MilesightCoordinator]):
    """An entity about the Application itself (webhook and token health)."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: MilesightCoordinator, description: EntityDescription) -> None:
        """Attach the entity to a service device representing the Application."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = description
        self._attr_unique_id = application_unique_id(entry.entry_id, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={application_identifier(entry.entry_id)},
            name=entry.title,
            manufacturer="Milesight",
            model="Development Platform application",
            entry_type=DeviceEntryType.SERVICE,
        )

    @property
    def available(self) -> bool:
        """Health entities stay available whatever the API does."""
        return True


type EntityCandidates = Callable[[DeviceState], Iterable[tuple[str, Callable[[], Entity]]]]


@callback
def async_add_device_entities(
    coordinator: MilesightCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    candidates: EntityCandidates,
) -> None:
    """Add entities now and whenever a device reports a key no entity covers yet.

    An API sync checks every device; a delivery only the devices it touched.

    `candidates(device)` yields (description key, factory) pairs; each pair is built once per
    device and set-up, so a platform only describes which keys it handles.
    """
    # The DeviceState each entity was built for: a device the user deleted is re-created as a
    # new object when it reports again, and then gets its entities back.
    added: dict[tuple[str, str], DeviceState] = {}

    @callback
    def _add_new(devices: Iterable[DeviceState]) -> None:
        new: list[Entity] = []
        for device in devices:
            for key, factory in candidates(device):
                if added.get((device.sn, key)) is not device:
                    added[(device.sn, key)] = device
                    new.append(factory())
        if new:
            async_add_entities(new)

    @callback
    def _add_new_of_all() -> None:
        _add_new(list(coordinator.devices.values()))

    @callback
    def _add_new_of(serials: Collection[str]) -> None:
        # A delivery names only devices it just found or created: they are all known.
        _add_new([coordinator.devices[sn] for sn in serials])

    _add_new_of_all()
    entry = coordinator.config_entry
    entry.async_on_unload(coordinator.async_add_listener(_add_new_of_all))
    entry.async_on_unload(coordinator.listeners.async_add_devices_changed_listener(_add_new_of))

"""Base entities: one for a Milesight device's property, one for the entry's own health."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from custom_components.minerva_iot.dynamic_entities import async_add_dynamic_entities

from .coordinator import MilesightCoordinator
from .data import MilesightConfigEntry, MilesightData
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

    def __init__(self, data: MilesightData, sn: str, description: EntityDescription) -> None:
        """Attach the entity to the device registered for the serial number `sn`."""
        super().__init__(data.coordinator)
        self.entity_description = description
        self.sn = sn
        self._data = data
        self._attr_unique_id = device_unique_id(sn, description.key)
        self._attr_device_info = DeviceInfo(identifiers={device_identifier(sn)})

    async def async_added_to_hass(self) -> None:
        """Follow the pushes of this device (API syncs arrive through the coordinator)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._data.updates.listen(self.sn, self._handle_coordinator_update))

    @property
    def device(self) -> DeviceState | None:
        """The device's current state (None once the user deleted the device)."""
        return self._data.fleet.devices.get(self.sn)

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

    def __init__(self, data: MilesightData, description: EntityDescription) -> None:
        """Attach the entity to a service device representing the Application."""
        super().__init__(data.coordinator)
        entry = data.coordinator.config_entry
        self.entity_description = description
        self._data = data
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


type EntityCandidates = Callable[[DeviceState], Iterable[tuple[Hashable, Callable[[], Entity]]]]


@callback
def async_add_device_entities(
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    candidates: EntityCandidates,
) -> None:
    """Add entities now and whenever a device reports a key no entity covers yet.

    An API sync checks every device; a delivery only the devices it found new or with new
    keys. `candidates(device)` yields (description key, factory) pairs; a device the user
    deleted gets its entities again when it comes back (dynamic_entities.py).
    """
    data = entry.runtime_data
    fleet = data.fleet

    def device_candidates(sn: str) -> Iterable[tuple[Hashable, Callable[[], Entity]]]:
        device = fleet.devices.get(sn)
        return () if device is None else candidates(device)

    async_add_dynamic_entities(
        entry,
        async_add_entities,
        data.coordinator,
        devices=lambda: fleet.devices,
        candidates=device_candidates,
        generation=fleet.generation,
        device_updates=data.updates,
    )

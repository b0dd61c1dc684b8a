"""Base entities: one for a Milesight device, one for the entry's own health, the throttle."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.dynamic_entities import async_add_dynamic_entities
from custom_components.minerva_iot.entity import WritesWhenShownChanges

from .coordinator import MilesightCoordinator
from .data import MilesightConfigEntry, MilesightData
from .identifiers import (
    application_identifier,
    application_unique_id,
    device_identifier,
    device_unique_id,
)
from .models import DeviceState
from .tsl import is_template_key

# At most one state write per entity in this time for what changes with every delivery.
THROTTLE = timedelta(minutes=5)


class ThrottledWrites(WritesWhenShownChanges[MilesightCoordinator]):
    """Writes its state at once after a quiet `THROTTLE`, else when the `THROTTLE` is over.

    Only for an entity whose description says `throttled` (one without the field is); the
    others write an update when what they show changed (WritesWhenShownChanges).

    The value shown is always the newest one: a change during the pause is written at its end,
    so the last delivery before a silence is shown too.
    """

    _written: tuple[bool, Any] | None = None
    _written_at: datetime | None = None
    _unsub_write: CALLBACK_TYPE | None = None

    async def async_added_to_hass(self) -> None:
        """Remember the state Home Assistant writes when adding the entity."""
        await super().async_added_to_hass()
        self._written = (self.available, self.state)

    @callback
    def _handle_coordinator_update(self) -> None:
        if not getattr(self.entity_description, "throttled", True):
            super()._handle_coordinator_update()  # its description says it changes rarely
            return
        if self._unsub_write is not None or (self.available, self.state) == self._written:
            return  # a pending write will show the newest value; or nothing changed
        now = dt_util.utcnow()
        if self._written_at is not None and (wait := self._written_at + THROTTLE - now) > (
            timedelta(0)
        ):
            self._unsub_write = async_call_later(self.hass, wait, self._async_write_later)
            return
        self._async_write(now)

    @callback
    def _async_write_later(self, now: datetime) -> None:
        self._unsub_write = None
        self._async_write(now)

    @callback
    def _async_write(self, now: datetime) -> None:
        self._written_at = now
        self._written = (self.available, self.state)
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        """Drop a pending write."""
        await super().async_will_remove_from_hass()
        if self._unsub_write is not None:
            self._unsub_write()
            self._unsub_write = None


class MilesightDeviceEntity(WritesWhenShownChanges[MilesightCoordinator]):
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
        """The device exists, is not believed gone (stale_devices.py) and is available.

        A failed slow API refresh must not blank out values that webhooks keep updating.
        """
        device = self.device
        return device is not None and not device.unlisted and self.device_available(device)

    def device_available(self, device: DeviceState) -> bool:
        """Push-first: an OFFLINE report (or API status), or the delivery watchdog finding the
        device overdue (watchdog.py), makes a device unavailable."""
        return device.reachable


class MilesightEntryEntity(WritesWhenShownChanges[MilesightCoordinator]):
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
# (property key, what its entity looks like, factory): a new look rebuilds the entity.
type PropertyCandidate = tuple[str, Hashable, Callable[[], Entity]]
type PropertyCandidates = Callable[[DeviceState], Iterable[PropertyCandidate]]
# Whether a key of a device has its entity on the platform (for registry entries of keys that
# moved to another platform, or are no readings, since they were created).
type PlatformKeys = Callable[[DeviceState, str], bool]


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


@callback
def async_add_property_entities(
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    candidates: PropertyCandidates,
    *,
    domain: str,
    platform_keys: PlatformKeys,
) -> None:
    """Like `async_add_device_entities`, for entities of property keys whose look can change.

    `candidates(device)` yields (key, look, factory). An entity whose look changed (the
    device's model, firmware or thing model became known) is rebuilt under the same unique id,
    so Home Assistant keeps its registry entry (name, area) and updates its unit and classes.
    A key that left the platform (a text sensor that is a binary sensor now, a key that is no
    reading) loses its entity and registry entry; so do such entries left from before, at
    set-up (`platform_keys` says which keys belong to the platform `domain`).
    """
    tracker = _EntityTracker(entry, async_add_entities)
    tracker.async_remove_stale_entries(domain, platform_keys)

    def device_candidates(device: DeviceState) -> Iterable[tuple[Hashable, Callable[[], Entity]]]:
        return tracker.versioned(device.sn, list(candidates(device)))

    async_add_device_entities(entry, tracker.async_add, device_candidates)


class _EntityTracker:
    """The entities one platform built per (device, key), and how they looked."""

    def __init__(
        self, entry: MilesightConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        self._entry = entry
        self._hass = entry.runtime_data.coordinator.hass
        self._add_entities = async_add_entities
        self._looks: dict[tuple[str, str], tuple[Hashable, int]] = {}
        self._built: dict[str, dict[str, Entity]] = {}
        self._replaced: list[Entity] = []

    def versioned(
        self, sn: str, candidates: list[PropertyCandidate]
    ) -> list[tuple[Hashable, Callable[[], Entity]]]:
        """Candidates keyed by (key, version): the version grows whenever the look changes."""
        result: list[tuple[Hashable, Callable[[], Entity]]] = []
        for key, look, factory in candidates:
            previous = self._looks.get((sn, key))
            version = 0 if previous is None else previous[1] + (previous[0] != look)
            self._looks[(sn, key)] = (look, version)
            result.append(((key, version), partial(self._build, sn, key, factory)))
        keys = {key for key, _, _ in candidates}
        for key, entity in list(self._built.get(sn, {}).items()):
            if key not in keys:
                self._retire(sn, key, entity)
        return result

    def _build(self, sn: str, key: str, factory: Callable[[], Entity]) -> Entity:
        entity = factory()
        if (old := self._built.setdefault(sn, {}).get(key)) is not None:
            self._replaced.append(old)
        self._built[sn][key] = entity
        return entity

    @callback
    def async_add(
        self,
        new_entities: Iterable[Entity],
        update_before_add: bool = False,
        *,
        config_subentry_id: str | None = None,
    ) -> None:
        """Add new entities; those that replace an entity wait until it is removed."""
        new = list(new_entities)
        replaced, self._replaced = self._replaced, []
        if not replaced:
            self._add_entities(new, update_before_add)
            return

        async def _replace() -> None:
            for old in replaced:
                if old.hass is not None:  # disabled entities were never added
                    await old.async_remove()
            self._add_entities(new, update_before_add)

        self._entry.async_create_background_task(
            self._hass, _replace(), "milesight_rebuild_entities"
        )

    def _retire(self, sn: str, key: str, entity: Entity) -> None:
        """The key has no entity on this platform any more: remove it and its registry entry."""
        del self._built[sn][key]
        registry = er.async_get(self._hass)
        if entity.entity_id and registry.async_get(entity.entity_id) is not None:
            registry.async_remove(entity.entity_id)
        elif entity.hass is not None:
            self._entry.async_create_background_task(
                self._hass, entity.async_remove(force_remove=True), "milesight_retire_entity"
            )

    @callback
    def async_remove_stale_entries(self, domain: str, platform_keys: PlatformKeys) -> None:
        """Registry entries of this platform for keys that now belong elsewhere (or nowhere)."""
        fleet = self._entry.runtime_data.fleet
        prefixes = {device_unique_id(sn, ""): sn for sn in fleet.devices}
        registry = er.async_get(self._hass)
        for registry_entry in er.async_entries_for_config_entry(registry, self._entry.entry_id):
            if registry_entry.domain != domain:
                continue
            unique_id = registry_entry.unique_id
            parts = unique_id.split("_")
            for end in range(1, len(parts)):
                prefix = "_".join(parts[:end]) + "_"
                if (sn := prefixes.get(prefix)) is None:
                    continue
                key = unique_id[len(prefix) :]
                if is_template_key(key) or not platform_keys(fleet.devices[sn], key):
                    registry.async_remove(registry_entry.entity_id)
                break

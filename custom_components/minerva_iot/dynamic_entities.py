"""Entities that come and go with their devices, for both vendors' platforms.

A platform says which entities a device has; this helper adds them when the device (or a key of
it) first shows up, without a reload, and builds them again when a device whose Home Assistant
device was removed (by the user or a cloud sync: its entities went with it) comes back. Each
(device key, entity key) pair is built once per device *generation*: a value the vendor changes
when the device was removed, e.g. a removal counter.

    async_add_dynamic_entities(
        entry,
        async_add_entities,
        coordinator,                       # every full update checks every device
        devices=lambda: fleet.devices,     # the current device keys (any iterable)
        candidates=entities_of,            # device key -> [(entity key, factory), ...]
        generation=fleet.generation,       # device key -> changes after a removal
        device_updates=updates,            # optional: pushes check only the new devices
    )

`candidates(key)` yields (entity key, factory) pairs: cheap to list, the factory builds the
entity only when it is new. It must yield nothing for a key it does not know (a device removed
since the notification). Milesight: entities per (serial number, property key), added as keys
appear. TTLock: `candidates(lock_id)` yields `(description.key, partial(Entity, coordinator,
lock, description))` for the descriptions the lock supports, and `generation` is
`coordinator.device_removals(lock_identifier(lock_id))`.

The coordinator's listener (`async_add_listener`) checks every device after each full update;
with `device_updates` (device_updates.py) a push checks only the keys it names as new, so the
cost of a push does not grow with the fleet. Both subscriptions end when the entry unloads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .device_updates import DeviceUpdates

type EntityCandidates[K] = Callable[[K], Iterable[tuple[Hashable, Callable[[], Entity]]]]


def _no_generation(key: Hashable) -> int:
    return 0


@callback
def async_add_dynamic_entities[K: Hashable](
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    coordinator: DataUpdateCoordinator[Any],
    *,
    devices: Callable[[], Iterable[K]],
    candidates: EntityCandidates[K],
    generation: Callable[[K], Hashable] = _no_generation,
    device_updates: DeviceUpdates[K] | None = None,
) -> None:
    """Add the entities of every device now, and new ones whenever they appear."""
    # (device key, entity key) -> generation of the device when its entity was built.
    built: dict[tuple[K, Hashable], Hashable] = {}

    @callback
    def add_new(keys: Iterable[K]) -> None:
        new: list[Entity] = []
        for key in keys:
            current = generation(key)
            for entity_key, factory in candidates(key):
                pair = (key, entity_key)
                if pair not in built or built[pair] != current:
                    built[pair] = current
                    new.append(factory())
        if new:
            async_add_entities(new)

    @callback
    def add_new_of_all() -> None:
        add_new(list(devices()))

    add_new_of_all()
    entry.async_on_unload(coordinator.async_add_listener(add_new_of_all))
    if device_updates is not None:
        entry.async_on_unload(device_updates.listen_new(add_new))

"""Per-device update dispatcher: a push runs the entities of the devices it touched, no others.

A DataUpdateCoordinator calls every listener on every update, so publishing a push through it
makes every entity of the entry write its state: the cost of one push grows with the fleet. A
push (Milesight webhook delivery, TTLock callback) carries one device, rarely a few; with this
dispatcher its cost is O(devices in the push). Full refreshes (an API sync, a poll) keep going
through the coordinator's `async_update_listeners`, which every `CoordinatorEntity` follows.

One dispatcher per config entry, beside its coordinator. Keys are any hashable device key: a
serial number, a lock id, `("gateway", 7)`. An entity about the whole account or Application
(health, API usage) listens under a key of its own, which the push handler names when it
notifies. How a vendor uses it:

    updates: DeviceUpdates[int] = DeviceUpdates()

    # An entity of a device, in async_added_to_hass:
    self.async_on_remove(updates.listen(self.lock_id, self._handle_coordinator_update))

    # A platform adding entities as devices appear (dynamic_entities.py does this for you):
    entry.async_on_unload(updates.listen_new(add_entities_of_devices))

    # The push handler, once the push is applied:
    updates.notify({lock_id}, new={lock_id} if the_lock_is_new else ())

`notify(keys, new=...)` first calls the `listen_new` listeners with `new` (the devices that are
new or may need new entities: a key reported for the first time), so their entities exist before
the per-key listeners of `keys` run. The dispatcher imports nothing from Home Assistant; call it
from the event loop (listeners are Home Assistant callbacks).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable

type Unsubscribe = Callable[[], None]


class DeviceUpdates[K: Hashable]:
    """Listeners keyed by the device they follow, and listeners of new devices."""

    def __init__(self) -> None:
        """No listener yet: entities subscribe when they are added to Home Assistant."""
        self._by_key: dict[K, list[Callable[[], None]]] = {}
        self._new: list[Callable[[Collection[K]], None]] = []

    def listen(self, key: K, update: Callable[[], None]) -> Unsubscribe:
        """Call `update()` whenever the device `key` is notified; returns the unsubscribe."""
        listeners = self._by_key.setdefault(key, [])
        listeners.append(update)

        def unsubscribe() -> None:
            listeners.remove(update)
            if not listeners and self._by_key.get(key) is listeners:
                del self._by_key[key]

        return unsubscribe

    def listen_new(self, update: Callable[[Collection[K]], None]) -> Unsubscribe:
        """Call `update(keys)` with the devices a push found new or with new entities."""
        self._new.append(update)
        return lambda: self._new.remove(update)

    def notify(self, keys: Iterable[K], *, new: Collection[K] = ()) -> None:
        """These devices changed (`new` of them may need entities): run their listeners."""
        if new:
            for update_new in list(self._new):
                update_new(new)
        for key in keys:
            for update in list(self._by_key.get(key, ())):
                update()

    def listening(self, key: K) -> int:
        """How many listeners follow `key` (diagnostics and tests)."""
        return len(self._by_key.get(key, ()))

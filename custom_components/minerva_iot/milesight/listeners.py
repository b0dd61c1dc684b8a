"""Who to tell when a webhook delivery changed some devices of an Application.

The coordinator's own listeners (DataUpdateCoordinator) are all called on every update, so
publishing a delivery through them made every entity of the Application write its state: the
cost of a delivery grew with the fleet. A delivery touches one device (rarely a few), so its
changes go only to the entities of those devices, to the Application's health entities and to
the platforms' "new entity" checks for those devices. A full API refresh still goes through the
coordinator's listeners and updates everything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from homeassistant.core import CALLBACK_TYPE, callback

type DevicesChangedCallback = Callable[[Collection[str]], None]


@callback
def _add[T](listeners: list[T], listener: T) -> CALLBACK_TYPE:
    """Append `listener`; the returned callback removes it again."""
    listeners.append(listener)

    @callback
    def remove() -> None:
        listeners.remove(listener)

    return remove


class DeliveryListeners:
    """Listeners of one Application, keyed by the device serial number they care about."""

    def __init__(self) -> None:
        """No listener yet: entities subscribe when they are added to Home Assistant."""
        self._by_device: dict[str, list[CALLBACK_TYPE]] = {}
        self._application: list[CALLBACK_TYPE] = []
        self._devices_changed: list[DevicesChangedCallback] = []

    @callback
    def async_add_device_listener(self, sn: str, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` when a delivery changed the device `sn`."""
        remove = _add(self._by_device.setdefault(sn, []), update)

        @callback
        def remove_and_forget_empty() -> None:
            remove()
            if not self._by_device.get(sn):
                self._by_device.pop(sn, None)

        return remove_and_forget_empty

    @callback
    def async_add_application_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` after every delivery (and rejection): the Application's health."""
        return _add(self._application, update)

    @callback
    def async_add_devices_changed_listener(self, update: DevicesChangedCallback) -> CALLBACK_TYPE:
        """Call `update(serials)` with the devices a delivery changed (to add new entities)."""
        return _add(self._devices_changed, update)

    @callback
    def async_notify_devices(self, serials: Collection[str]) -> None:
        """A delivery changed these devices: new entities first, then the existing ones."""
        for devices_changed in list(self._devices_changed):
            devices_changed(serials)
        for sn in serials:
            for update in list(self._by_device.get(sn, ())):
                update()
        self.async_notify_application()

    @callback
    def async_notify_application(self) -> None:
        """The Application's health changed (delivery received or refused, token renewed)."""
        for update in list(self._application):
            update()

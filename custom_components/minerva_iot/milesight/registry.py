"""Device-registry entries of an entry's Milesight devices."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from custom_components.minerva_iot.compat import async_get_entry_device

from .device_changes import Changes
from .fleet import FleetState
from .identifiers import device_identifier
from .models import DeviceState


class MilesightDeviceRegistry:
    """Writes the registry entries the fleet's `Changes` ask for, and finds them."""

    def __init__(self, hass: HomeAssistant, entry_id: str, fleet: FleetState) -> None:
        """Write the devices of `fleet` for the entry `entry_id`."""
        self._hass = hass
        self._entry_id = entry_id
        self._fleet = fleet

    @callback
    def async_update(self, device: DeviceState) -> str:
        """Create or refresh the registry entry of a device; its Home Assistant id."""
        registry_device = dr.async_get(self._hass).async_get_or_create(
            config_entry_id=self._entry_id,
            identifiers={device_identifier(device.sn)},
            manufacturer="Milesight",
            name=device.name or device.sn,
            model=device.model,
            serial_number=device.sn,
            sw_version=device.firmware_version,
            hw_version=device.hardware_version,
        )
        return registry_device.id

    @callback
    def async_update_all(self) -> None:
        """Write every device of the fleet (at set-up, for the devices stored)."""
        for device in self._fleet.devices.values():
            self.async_update(device)

    @callback
    def async_apply(self, changes: Changes) -> None:
        """Write the entries of the devices that are new or show something new."""
        for sn in changes.registry:
            if (device := self._fleet.devices.get(sn)) is not None:
                self.async_update(device)

    @callback
    def async_device_id(self, sn: str | None) -> str | None:
        """The Home Assistant device id of a fleet device (its entry is created if missing)."""
        if sn is None or (device := self._fleet.devices.get(sn)) is None:
            return None
        _, identifier = device_identifier(sn)
        if (found := async_get_entry_device(self._hass, self._entry_id, identifier)) is not None:
            return found.id
        return self.async_update(device)

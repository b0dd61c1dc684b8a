"""Base of the control entities: the requested value while a write waits, then the device's."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.entity import EntityDescription

from custom_components.minerva_iot.milesight.data import MilesightConfigEntry
from custom_components.minerva_iot.milesight.entity import MilesightDeviceEntity

from .pending import PendingWrite
from .writer import async_write_property


class MilesightControlEntity(MilesightDeviceEntity):
    """A writable property of one device (API entries only)."""

    # The time a write was sent changes with every write: not worth a recorder row each.
    _unrecorded_attributes = frozenset(
        {"pending_since", "waits_for_next_report", "report_interval_min"}
    )

    def __init__(
        self, entry: MilesightConfigEntry, sn: str, description: EntityDescription
    ) -> None:
        """Bind the control to a device's property (`description.key`)."""
        super().__init__(entry.runtime_data, sn, description)
        self._entry = entry

    def pending_write(self, key: str | None = None) -> PendingWrite | None:
        """The write of `key` (default: this entity's) waiting for the device."""
        pending = self._data.pending
        return None if pending is None else pending.get(self.sn, key or self.entity_description.key)

    def raw_value(self, key: str | None = None) -> Any:
        """The requested value while a write waits, else what the device last reported."""
        if (write := self.pending_write(key)) is not None:
            return write.value
        device = self.device
        return None if device is None else device.values.get(key or self.entity_description.key)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """`pending: true` and when the write was sent, while it waits."""
        write = self.pending_write()
        return None if write is None else write.attributes

    async def async_write(self, value: Any, key: str | None = None) -> None:
        """Send a write (one API call) and show it as pending."""
        await async_write_property(self._entry, self.sn, key or self.entity_description.key, value)

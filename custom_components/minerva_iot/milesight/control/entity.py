"""Base of the control entities: the requested value while a write waits, then the device's."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.restore_state import RestoreEntity

from custom_components.minerva_iot.milesight.data import MilesightConfigEntry
from custom_components.minerva_iot.milesight.entity import MilesightDeviceEntity

from .pending import PendingWrite
from .writer import async_write_property


class MilesightControlEntity(MilesightDeviceEntity, RestoreEntity):
    """A writable property of one device (API entries only).

    Values are not stored across restarts (the fleet keeps keys, not values): the state shown
    before the restart is kept until the device reports (`restored_state`); a write pending at
    the restart is forgotten.
    """

    restored_state: str | None = None

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

    async def async_added_to_hass(self) -> None:
        """Keep the state shown before the restart until the device reports."""
        await super().async_added_to_hass()
        last = await self.async_get_last_state()
        if last is not None and last.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            self.restored_state = last.state

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

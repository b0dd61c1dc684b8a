"""Shared entity base: both vendors' entities write their state only when what they show changed.

A push notifies every entity of the devices it names (device_updates.py), and a poll or API sync
every entity of the entry; most of them show what they showed before (an uplink of five readings
changes two, a lock record changes the lock and its activity, not its switches or calendar).
Writing them again costs Home Assistant a state-machine write and a `state_reported` event each,
for nothing the user or the recorder sees: with this base the state writes of an update are the
states it changed. Any direct `async_write_ha_state` (a command, a restored state) still writes
and is remembered.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

_NOTHING_WRITTEN = object()


class WritesWhenShownChanges[C: DataUpdateCoordinator[Any]](CoordinatorEntity[C]):
    """A coordinator or push update writes the state only when what it shows changed."""

    _shown: Any = _NOTHING_WRITTEN

    def shown(self) -> Any:
        """What the state is made of (compared with ==; override with cheaper inputs)."""
        return (self.available, self.state, self.state_attributes, self.extra_state_attributes)

    def shown_changed(self) -> bool:
        """Whether the entity would now show something else than it last wrote."""
        return bool(self.shown() != self._shown)

    @callback
    def async_write_ha_state(self) -> None:
        """Write, and remember what was shown."""
        self._shown = self.shown()
        super().async_write_ha_state()

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.shown_changed():
            super()._handle_coordinator_update()

"""Milesight event entities: button presses (WS101) and device alarms."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from homeassistant.components.event import (
    EventDeviceClass,
    EventEntity,
    EventEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ALARM_EVENT_TYPES, BUTTON_EVENT_TYPES, BUTTON_MODELS
from .data import MilesightConfigEntry
from .entity import MilesightDeviceEntity, async_add_device_entities
from .models import DeviceEventRecord, DeviceState


@dataclass(frozen=True, kw_only=True)
class MilesightEventEntityDescription(EventEntityDescription):
    """Which record of the device an event entity follows."""

    record_fn: Callable[[DeviceState], DeviceEventRecord | None]
    exists_fn: Callable[[DeviceState], bool]


def has_button(device: DeviceState) -> bool:
    """A button device: a WS101, or any device that reported a press."""
    return device.has_button or (device.model or "").upper().startswith(BUTTON_MODELS)


EVENT_DESCRIPTIONS: tuple[MilesightEventEntityDescription, ...] = (
    MilesightEventEntityDescription(
        key="button",
        translation_key="button",
        device_class=EventDeviceClass.BUTTON,
        event_types=list(BUTTON_EVENT_TYPES),
        record_fn=lambda device: device.last_button,
        exists_fn=has_button,
    ),
    MilesightEventEntityDescription(
        key="alarm",
        translation_key="alarm",
        event_types=list(ALARM_EVENT_TYPES),
        record_fn=lambda device: device.last_alarm,
        exists_fn=lambda device: device.has_alarm,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a button / alarm event entity to devices that have (or had) one."""
    data = entry.runtime_data

    def candidates(device: DeviceState) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for description in EVENT_DESCRIPTIONS:
            if description.exists_fn(device):
                yield description.key, partial(MilesightEvent, data, device.sn, description)

    async_add_device_entities(entry, async_add_entities, candidates)


class MilesightEvent(MilesightDeviceEntity, EventEntity):
    """Fires once per press / alarm; a refresh never re-fires an old one."""

    entity_description: MilesightEventEntityDescription
    _handled_seq: int | None = None

    async def async_added_to_hass(self) -> None:
        """Fire the event that made this entity appear (first press of a new device)."""
        await super().async_added_to_hass()
        self._fire_if_new()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._fire_if_new()
        super()._handle_coordinator_update()

    @callback
    def _fire_if_new(self) -> None:
        device = self.device
        record = self.entity_description.record_fn(device) if device else None
        if record is None or record.seq == self._handled_seq:
            return
        self._handled_seq = record.seq
        self._trigger_event(record.event_type, record.attributes or None)
        self.async_write_ha_state()

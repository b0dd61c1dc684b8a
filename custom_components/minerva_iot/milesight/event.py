"""Milesight event entities: button presses, alarms and status events (power on/off, reset).

Each device has at most one of each, fed by every key of its group (device_events.py). Which
event types an entity offers follows the device's model: a DS3604 has a single press besides
its short press, a WS156 presses and releases, a GS101 reports faults and its end of life.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from homeassistant.components.event import (
    EventDeviceClass,
    EventEntity,
    EventEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ALARM_EVENT_TYPES, BUTTON_EVENT_TYPES, BUTTON_MODELS
from .data import MilesightConfigEntry, MilesightData
from .device_events import GROUP_ALARM, GROUP_BUTTON, GROUP_STATUS, GROUP_TYPES, STATUS_TYPES
from .entity import MilesightDeviceEntity, async_add_device_entities
from .keys import catalogue_event_types
from .models import DeviceEventRecord, DeviceState


@dataclass(frozen=True, kw_only=True)
class MilesightEventEntityDescription(EventEntityDescription):
    """Which record of the device an event entity follows, and its event types by default."""

    group: str
    default_types: tuple[str, ...]
    record_fn: Callable[[DeviceState], DeviceEventRecord | None]
    exists_fn: Callable[[DeviceState], bool]


def _model_types(device: DeviceState, group: str) -> list[str]:
    """The event types of a group the catalogue's rows of the device's model fire."""
    offered = catalogue_event_types(device.model, device.firmware_version)
    return [event_type for event_type in GROUP_TYPES[group] if event_type in offered]


def has_button(device: DeviceState) -> bool:
    """A button device: one that reported a press, or whose model has a button."""
    return (
        device.has_button
        or (device.model or "").upper().startswith(BUTTON_MODELS)
        or bool(_model_types(device, GROUP_BUTTON))
    )


EVENT_DESCRIPTIONS: tuple[MilesightEventEntityDescription, ...] = (
    MilesightEventEntityDescription(
        key="button",
        translation_key="button",
        device_class=EventDeviceClass.BUTTON,
        group=GROUP_BUTTON,
        default_types=BUTTON_EVENT_TYPES,
        record_fn=lambda device: device.last_button,
        exists_fn=has_button,
    ),
    MilesightEventEntityDescription(
        key="alarm",
        translation_key="alarm",
        group=GROUP_ALARM,
        default_types=ALARM_EVENT_TYPES,
        record_fn=lambda device: device.last_alarm,
        exists_fn=lambda device: device.has_alarm,
    ),
    MilesightEventEntityDescription(
        key="device_event",
        translation_key="device_event",
        entity_category=EntityCategory.DIAGNOSTIC,
        group=GROUP_STATUS,
        default_types=STATUS_TYPES,
        record_fn=lambda device: device.last_device_event,
        exists_fn=lambda device: device.has_device_event,
    ),
)


def event_types(description: MilesightEventEntityDescription, device: DeviceState) -> list[str]:
    """The event types an entity offers for this device.

    Buttons offer their model's presses (the default three without a catalogued model);
    alarms `alarm`/`alarm_cleared` and what else the model reports; status events what the
    model reports (all of them without a catalogued model). A type already recorded is
    always offered.
    """
    model_types = _model_types(device, description.group)
    if description.group == GROUP_BUTTON:
        types = model_types or list(description.default_types)
    elif description.group == GROUP_ALARM:
        types = [
            *description.default_types,
            *(t for t in model_types if t not in ALARM_EVENT_TYPES),
        ]
    else:
        types = model_types or list(description.default_types)
    if (record := description.record_fn(device)) is not None and record.event_type not in types:
        types.append(record.event_type)
    return types


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a button / alarm / status event entity to devices that have (or had) one."""
    data = entry.runtime_data

    def candidates(device: DeviceState) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for description in EVENT_DESCRIPTIONS:
            if description.exists_fn(device):
                yield description.key, partial(MilesightEvent, data, device.sn, description)

    async_add_device_entities(entry, async_add_entities, candidates)


class MilesightEvent(MilesightDeviceEntity, EventEntity):
    """Fires once per press / alarm / status event; a refresh never re-fires an old one."""

    entity_description: MilesightEventEntityDescription
    _handled_seq: int | None = None

    def __init__(
        self, data: MilesightData, sn: str, description: MilesightEventEntityDescription
    ) -> None:
        """Offer the event types of the device's model."""
        super().__init__(data, sn, description)
        device = data.fleet.devices.get(sn)
        self._attr_event_types = (
            event_types(description, device) if device else list(description.default_types)
        )

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
        if device is None:
            return
        types = event_types(self.entity_description, device)
        if types != self._attr_event_types:
            self._attr_event_types = types  # the model (or firmware) became known
        record = self.entity_description.record_fn(device)
        if record is None or record.seq == self._handled_seq:
            return
        self._handled_seq = record.seq
        self._trigger_event(record.event_type, record.attributes or None)
        self.async_write_ha_state()

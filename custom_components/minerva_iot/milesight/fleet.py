"""The devices of one Milesight Application and how pushes and API reads change them (HA-free).

`FleetState` owns the device state. Parsed webhook events go in through `apply`; API reads
through `sync_listed`, `set_thing_model`, `adopt_thing_model_keys` and `apply_values`. Each
returns `Changes`: which devices changed (their entities write their state), which are new or
may need new entities (a key or a button seen for the first time), whose device-registry entry
must be written, which bus events to fire and whether the stored fleet changed. The Home
Assistant side (delivery.py, coordinator.py) turns those into state writes, registry writes,
bus events and saves; nothing here knows Home Assistant, so it is unit-tested without one.
`Changes` and the steps on one device (readings, online state, versions) are device_changes.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
import logging
from typing import Any

from custom_components.minerva_iot.clients.milesight import MilesightDevice, ThingSpecification
from custom_components.minerva_iot.clients.milesight.webhook import (
    DATA_EVENT,
    DATA_OFFLINE,
    DATA_ONLINE,
    DATA_PROPERTY,
    DATA_SERVICE,
    EVENT_DEVICE_DATA,
    EVENT_TASK_DATA,
    TSL_HISTORICAL_DATA,
    WebhookEvent,
)
from custom_components.minerva_iot.const import ATTR_PAYLOAD

from .const import EVENT_DEVICE_EVENT, EVENT_SERVICE_RESULT, EVENT_TASK_RESULT
from .device_changes import (
    BusEvent,
    Changes,
    apply_readings,
    entity_shape,
    event_attributes,
    flag_event_entity,
    registry_shape,
    set_online,
)
from .device_events import (
    GROUP_ALARM,
    GROUP_BUTTON,
    alarm_name,
    bus_event_type,
    event_group,
    event_state,
)
from .keys import KIND_EVENT, READING_KINDS, resolve
from .models import TSL_SCHEMA, DeviceEventRecord, DeviceState, PropertyHint, ServiceHint
from .tsl import expand_arrays, flatten_values, is_template_key

_LOGGER = logging.getLogger(__name__)


class FleetState:
    """Devices keyed by serial number, fed by webhook events and (optionally) the API."""

    def __init__(self) -> None:
        """An empty fleet; `load` brings back the stored one."""
        self.devices: dict[str, DeviceState] = {}
        # Serial number -> how often the device was removed: a device that comes back after a
        # removal is a new generation and gets new entities (its old ones went with it).
        self._removals: dict[str, int] = {}
        self._event_seq = 0

    # --- persistence and removal ------------------------------------------------------------

    def load(self, stored: Iterable[Any]) -> None:
        """Add the devices saved with `as_stored` (malformed items are skipped)."""
        for raw in stored:
            if isinstance(raw, dict) and isinstance(raw.get("sn"), str) and raw["sn"]:
                device = DeviceState.from_dict(raw)
                # Stores written before arrays were expanded hold `x._item.y` templates.
                device.hints = expand_arrays(device.hints)
                device.keys = {key for key in device.keys if not is_template_key(key)}
                self.devices[device.sn] = device

    def as_stored(self) -> list[dict[str, Any]]:
        """The persisted form of every device."""
        return [device.as_dict() for device in self.devices.values()]

    def generation(self, sn: str) -> int:
        """Changes whenever the device `sn` was removed (for dynamic_entities)."""
        return self._removals.get(sn, 0)

    def remove(self, sn: str) -> bool:
        """Forget a device (its Home Assistant device was removed); True if it was known."""
        if self.devices.pop(sn, None) is None:
            return False
        self._removals[sn] = self.generation(sn) + 1
        return True

    def api_known(self) -> list[str]:
        """Serial numbers of the devices the API has named (push-only ones are never stale)."""
        return [sn for sn, device in self.devices.items() if device.device_id is not None]

    def mark_unlisted(self, gone: Callable[[str], bool]) -> set[str]:
        """Flag the devices believed gone (stale_devices.py); the serial numbers that changed."""
        changed = set()
        for sn, device in self.devices.items():
            if device.unlisted != (unlisted := gone(sn)):
                device.unlisted = unlisted
                changed.add(sn)
        return changed

    def device_by_id(self, device_id: str) -> DeviceState | None:
        """The device with this API deviceId (task results name devices that way)."""
        return next((dev for dev in self.devices.values() if dev.device_id == device_id), None)

    # --- webhook events ---------------------------------------------------------------------

    def apply(self, event: WebhookEvent, now: datetime | None = None) -> Changes:
        """Apply one parsed webhook event (device data or task result; others change nothing)."""
        if event.event_type == EVENT_DEVICE_DATA:
            return self._apply_device_data(event, now or datetime.now(UTC))
        if event.event_type == EVENT_TASK_DATA:
            return self._apply_task(event)
        return Changes()

    def _apply_device_data(self, event: WebhookEvent, now: datetime) -> Changes:
        changes = Changes()
        profile = event.device
        if profile is None or not profile.sn:
            _LOGGER.debug("Milesight DEVICE_DATA without device profile ignored")
            return changes
        device = self._device(profile.sn, changes)
        entities_before, registry_before = entity_shape(device), registry_shape(device)
        device.device_id = profile.device_id or device.device_id
        device.name = profile.name or device.name
        device.model = profile.model or device.model
        device.dev_eui = profile.dev_eui or device.dev_eui
        # A delivery names only devices it changed: even a new device is news to entities.
        changes.changed.add(device.sn)
        flat = flatten_values(event.payload)
        base = {"sn": device.sn, "model": device.model, ATTR_PAYLOAD: event.payload}
        if event.data_type == DATA_PROPERTY:
            changes |= apply_readings(device, flat, event.timestamp)
            set_online(device, True, changes)
            device.note_uplink(now)
            self._device_events(device, flat, base, changes)
        elif event.data_type == DATA_EVENT:
            if event.tsl_id != TSL_HISTORICAL_DATA:
                device.note_uplink(now)  # a live device event is an uplink (watchdog.py)
            self._apply_tsl_event(device, event, flat, base, changes)
        elif event.data_type == DATA_SERVICE:
            changes.events.append(
                BusEvent(device.sn, EVENT_SERVICE_RESULT, {**base, "tsl_id": event.tsl_id})
            )
        elif event.data_type in (DATA_ONLINE, DATA_OFFLINE):
            set_online(device, event.data_type == DATA_ONLINE, changes)
        else:
            _LOGGER.debug("Ignoring Milesight DEVICE_DATA type %s", event.data_type)
        if entity_shape(device) != entities_before:
            changes.new_entities.add(device.sn)
            changes.persist = True
        if registry_shape(device) != registry_before:
            changes.registry.add(device.sn)
            changes.persist = True
        return changes

    def _apply_tsl_event(
        self,
        device: DeviceState,
        event: WebhookEvent,
        flat: dict[str, Any],
        base: dict[str, Any],
        changes: Changes,
    ) -> None:
        tsl = {**base, "tsl_id": event.tsl_id}
        if event.tsl_id == TSL_HISTORICAL_DATA:
            # Re-sent stored readings: older than what we show, never the current state and no
            # press/alarm events (reference §6.4). Automations that want the back-filled data
            # get it on the bus, marked by its tsl_id.
            _LOGGER.debug("Milesight historical_data of %s not applied", device.sn)
            changes.events.append(BusEvent(device.sn, EVENT_DEVICE_EVENT, tsl))
            return
        set_online(device, True, changes)
        changes.events.append(BusEvent(device.sn, EVENT_DEVICE_EVENT, tsl))
        # A TSL event may carry only the inside of its struct (`{"status": ...}` for
        # `button_event`): its keys are read under the event's id too, and those that form an
        # event there are not readings.
        scoped = {
            f"{event.tsl_id}.{key}": value
            for key, value in flat.items()
            if event.tsl_id and resolve(device, f"{event.tsl_id}.{key}").kind == KIND_EVENT
        }
        readings = {
            key: value for key, value in flat.items() if f"{event.tsl_id}.{key}" not in scoped
        }
        # The rest are readings, as in a PROPERTY uplink: MDP's own EVENT example is a people
        # counter's line crossing, and Milesight's receiver stores EVENT data like property
        # data (MscWebhookService.handleDeviceData).
        changes |= apply_readings(device, readings, event.timestamp)
        if not self._device_events(device, {**readings, **scoped}, base, changes) and (
            name := alarm_name(event.tsl_id or "")
        ):
            # An alarm event whose payload has no alarm key: its state fields tell raised from
            # released (the event's id names the alarm, it is not its value).
            state, value = event_state(flat)
            self._fire(device, state, {"alarm": name, "value": value}, base, changes)

    def _device_events(
        self, device: DeviceState, flat: dict[str, Any], base: dict[str, Any], changes: Changes
    ) -> bool:
        """Button presses, alarms and status events in a payload; True when there was one."""
        fired = False
        for key, value in flat.items():
            spec = resolve(device, key)
            if spec.kind != KIND_EVENT or (event_type := spec.event_type(value)) is None:
                continue
            attributes = event_attributes(spec, event_type, value)
            self._fire(device, event_type, attributes, base, changes)
            fired = True
        return fired

    def _fire(
        self,
        device: DeviceState,
        event_type: str,
        attributes: dict[str, Any],
        base: dict[str, Any],
        changes: Changes,
    ) -> None:
        """Record an event for its event entity and fire its bus event (if it has one)."""
        record = self._record(event_type, attributes)
        group = event_group(event_type)
        if group == GROUP_BUTTON:
            device.has_button, device.last_button = True, record
        elif group == GROUP_ALARM:
            device.has_alarm, device.last_alarm = True, record
        else:
            device.has_device_event, device.last_device_event = True, record
        if (bus_type := bus_event_type(event_type)) is not None:
            changes.events.append(BusEvent(device.sn, bus_type, {**base, **attributes}))
        changes.persist = True

    def _record(self, event_type: str, attributes: dict[str, Any]) -> DeviceEventRecord:
        """A new press / alarm record; its `seq` tells the event entities it is new."""
        self._event_seq += 1
        return DeviceEventRecord(self._event_seq, event_type, attributes)

    def _apply_task(self, event: WebhookEvent) -> Changes:
        data = event.data if isinstance(event.data, dict) else {}
        info = data.get("info") if isinstance(data.get("info"), dict) else {}
        api_id = str(info.get("deviceId", "")) if info else ""
        device = self.device_by_id(api_id) if api_id else None
        if info and info.get("status") not in (None, "SUCCESS"):
            _LOGGER.warning(
                "Milesight task %s failed: %s", info.get("taskId"), info.get("errCode") or "-"
            )
        payload = {ATTR_PAYLOAD: data, "task_type": event.data_type}
        return Changes(events=[BusEvent(device.sn if device else None, EVENT_TASK_RESULT, payload)])

    # --- API reads --------------------------------------------------------------------------

    def sync_listed(self, api_device: MilesightDevice) -> Changes:
        """Take the Application's listing of a device (unless it has no serial number)."""
        changes = Changes()
        if not api_device.sn:
            return changes
        device = self._device(api_device.sn, changes)
        device.device_id = api_device.device_id
        device.name = api_device.name or device.name
        device.model = api_device.model or device.model
        device.dev_eui = api_device.dev_eui or device.dev_eui
        device.firmware_version = api_device.firmware_version or device.firmware_version
        device.hardware_version = api_device.hardware_version or device.hardware_version
        if api_device.connect_status:
            # DISCONNECT means "never connected": as unusable as OFFLINE for Home Assistant.
            set_online(device, api_device.connect_status.upper() == "ONLINE", changes)
        changes.changed.add(device.sn)
        changes.registry.add(device.sn)
        return changes

    def needs_thing_model(self, sn: str, firmware: str | None) -> bool:
        """The thing model is cached across restarts; a firmware update may change it."""
        device = self.devices[sn]
        return (
            not device.tsl_loaded
            or device.tsl_firmware != firmware
            # Cached before writes existed (no ranges, no services): read once more.
            or device.tsl_schema < TSL_SCHEMA
        )

    def set_thing_model(self, sn: str, spec: ThingSpecification, firmware: str | None) -> None:
        """Keep the parts of the thing model the entities use (cached for `firmware`)."""
        device = self.devices[sn]
        # Array properties as Milesight's own client expands them (tsl.py): `x[0]`…`x[n]`.
        device.hints = expand_arrays(
            {key: PropertyHint.from_thing_property(prop) for key, prop in spec.properties.items()}
        )
        device.services = {
            service_id: ServiceHint.from_thing_service(service)
            for service_id, service in spec.services.items()
        }
        device.tsl_loaded = True
        device.tsl_firmware = firmware
        device.tsl_schema = TSL_SCHEMA

    def adopt_thing_model_keys(self, sn: str) -> Changes:
        """Give every reading of the thing model an entity, before the device reports it.

        Settings (writable properties) and hidden properties are left out; the entities of
        readings not reported yet show unknown until the next uplink.
        """
        device = self.devices[sn]
        changes = Changes()
        for key, hint in device.hints.items():
            if not hint.is_reading or key in device.keys:
                continue
            if (spec := resolve(device, key)).kind not in READING_KINDS:
                flag_event_entity(device, spec, None)
                continue
            device.keys.add(key)
            changes.new_entities.add(sn)
            changes.persist = True
        return changes

    def apply_values(self, sn: str, flat: dict[str, Any]) -> Changes:
        """Latest values read from the API (they replace what the device showed)."""
        return apply_readings(self.devices[sn], flat, None)

    # --- shared steps -----------------------------------------------------------------------

    def _device(self, sn: str, changes: Changes) -> DeviceState:
        """The device with this serial number, created on first sight."""
        if (device := self.devices.get(sn)) is None:
            device = self.devices[sn] = DeviceState(sn=sn)
            changes.new.add(sn)
            changes.new_entities.add(sn)
            changes.registry.add(sn)
            changes.persist = True
        return device
